import cron, { type ScheduledTask } from 'node-cron';
import type { MarketCalendar } from '../calendar/market-hours.ts';
import type { ChainTracker } from './chain-tracker.ts';

export interface CycleSchedulerOptions {
  trackers: readonly ChainTracker[];
  refreshIntervalSeconds: number;
  marketHours: 'exchange' | 'always';
  calendar: MarketCalendar;
  now?: () => number;
  onCycleError: (chainId: string, error: unknown) => void;
  onCycleDone?: (chainId: string, seconds: number) => void;
}

/** A cron expression (with seconds) firing every `seconds`, which divides 60 or is whole minutes dividing 60. */
export function cronEvery(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '* * * * * *' : `*/${seconds} * * * * *`;
  const minutes = seconds / 60;
  return minutes === 1 ? '0 * * * * *' : `0 */${minutes} * * * *`;
}

/**
 * Runs every chain's cycle on a node-cron schedule in Asia/Kolkata. Chains run independently:
 * one failing or running long never stops or delays another, and a chain whose previous cycle
 * is still running skips this tick.
 */
export class CycleScheduler {
  private task: ScheduledTask | null = null;
  private readonly running = new Map<string, Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly options: CycleSchedulerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.task = cron.schedule(cronEvery(this.options.refreshIntervalSeconds), () => this.tick(), {
      timezone: 'Asia/Kolkata',
      name: 'chain-cycles',
    });
  }

  /** Runs one round now (also what the schedule calls). */
  tick(): Promise<void> {
    const now = this.now();
    const open = this.options.marketHours === 'always' || this.options.calendar.isOpen(now);
    const rounds = this.options.trackers.map((tracker) => {
      if (!open) {
        tracker.markClosed(now);
        return Promise.resolve();
      }
      const id = tracker.spec.id;
      const inFlight = this.running.get(id);
      if (inFlight) return inFlight;
      const started = performance.now();
      const cycle = tracker
        .runCycle(now)
        .then(
          () => this.options.onCycleDone?.(id, (performance.now() - started) / 1000),
          (error: unknown) => this.options.onCycleError(id, error),
        )
        .finally(() => this.running.delete(id));
      this.running.set(id, cycle);
      return cycle;
    });
    return Promise.all(rounds).then(() => undefined);
  }

  /** Stops the schedule and waits for the cycles in flight to finish. */
  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = null;
    await Promise.allSettled([...this.running.values()]);
  }
}
