import type { Logger } from '../log.ts';

export type Stop = () => Promise<void> | void;

/** What has started, to stop in reverse order; a stop that fails is logged and the others still run. */
export class StopStack {
  private readonly stops: Stop[] = [];

  constructor(private readonly logger: Logger) {}

  /** Keeps `started.stop` for later; returns `started`. */
  add<T extends { stop: Stop }>(started: T): T {
    this.stops.push(() => started.stop());
    return started;
  }

  async stopAll(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        this.logger.warn({ err: error }, 'error while stopping');
      }
    }
  }
}
