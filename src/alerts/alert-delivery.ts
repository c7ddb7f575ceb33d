import type { Logger } from '../log.ts';
import type { Alert, AlertKind, DeliveryProgress, Notifier } from './alert.ts';

/** Where alerts wait for their notifiers (SQLite's `alert_outbox` in the daemon). */
export interface AlertOutbox {
  add(alert: Alert, createdAt: number): void;
  delivered(alertId: string, notifier: string, target: string, at: number): void;
  deliveredTargets(alertId: string, notifier: string): Set<string>;
  done(alertId: string, notifier: string, at: number): void;
  /** Marks the alert finished when every one of `notifiers` is done with it. */
  finishIfDone(alertId: string, notifiers: readonly string[]): void;
  pendingFor(notifier: string): { alert: Alert; createdAt: number }[];
}

/** Alerts of these kinds are worth delivering only while young (ALERT_MAX_AGE_MINUTES). */
export const LIVE_ONLY = new Set<AlertKind>(['oi_breach', 'rule']);
/** When a notifier gives up, the alert is handed to it again after these waits (about 30 minutes in all). */
const REDELIVERY_DELAYS_MS = [1000, 5000, 15_000, 60_000, 300_000, 600_000, 900_000];

export interface AlertDeliveryOptions {
  logger: Logger;
  now: () => number;
  /** OI-breach and rule alerts older than this (by their data time) are dropped, not delivered. */
  maxAgeMs: number;
  outbox?: AlertOutbox;
  redeliveryDelaysMs?: readonly number[];
  /**
   * Notifiers register during this long after the start (the chat adapters start one after another): an
   * alert is marked finished (its PNG dropped, no longer owed to a notifier that registers later) only
   * after it. Default 60 s.
   */
  notifierGraceMs?: number;
}

/**
 * Hands alerts to notifiers: written to the outbox first, each delivered target marked there, redelivered
 * when a notifier gives up; a notifier that registers gets what the outbox still owes it (after a restart
 * or a crash). An outbox that cannot be written is logged and delivery goes on from memory.
 */
export class AlertDelivery {
  private readonly notifiers: Notifier[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pauses = new Set<() => void>();
  private stopping = false;
  /** Alerts some notifier finished with during the grace: checked for finishing when it ends. */
  private readonly unsettled = new Set<string>();
  private graceTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AlertDeliveryOptions) {
    const graceMs = options.notifierGraceMs ?? 60_000;
    if (graceMs > 0) {
      this.graceTimer = setTimeout(() => this.settle(), graceMs);
      this.graceTimer.unref();
    }
  }

  /** Adds a notifier and hands it every alert the outbox still owes it (dropping those too old). */
  register(notifier: Notifier): void {
    this.notifiers.push(notifier);
    const outbox = this.options.outbox;
    if (!outbox) return;
    const pending = this.safely('read', () => outbox.pendingFor(notifier.name)) ?? [];
    for (const { alert } of pending) {
      if (this.expired(alert)) {
        this.drop(notifier, alert, 'older than ALERT_MAX_AGE_MINUTES at start');
        continue;
      }
      this.options.logger.info(
        { alert: alert.id, kind: alert.kind, notifier: notifier.name },
        'delivering an alert left pending before the start',
      );
      this.track(this.deliver(notifier, alert));
    }
  }

  /** Writes the alert to the outbox, then hands it to every notifier. */
  dispatch(alert: Alert): void {
    const outbox = this.options.outbox;
    if (outbox) this.safely('write', () => outbox.add(alert, this.options.now()));
    for (const notifier of this.notifiers) this.track(this.deliver(notifier, alert));
    // No notifier at all (no chat, no ntfy): nothing is owed, so its PNG is not kept.
    if (this.notifiers.length === 0) this.settleLater(alert.id);
  }

  async stop(): Promise<void> {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.stopping = true;
    for (const wake of [...this.pauses]) wake();
    await this.idle();
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private expired(alert: Alert): boolean {
    return LIVE_ONLY.has(alert.kind) && this.options.now() - alert.dataTime > this.options.maxAgeMs;
  }

  private progress(notifier: Notifier, alert: Alert): DeliveryProgress | undefined {
    const outbox = this.options.outbox;
    if (!outbox) return undefined;
    const done = this.safely('read', () => outbox.deliveredTargets(alert.id, notifier.name)) ?? new Set();
    return {
      has: (target) => done.has(target),
      delivered: (target) => {
        done.add(target);
        this.safely('mark', () => outbox.delivered(alert.id, notifier.name, target, this.options.now()));
      },
    };
  }

  /** The notifier is done with the alert (delivered, or dropped): marked, and finished when all are. */
  private finish(notifier: Notifier, alert: Alert): void {
    const outbox = this.options.outbox;
    if (!outbox) return;
    this.safely('mark', () => outbox.done(alert.id, notifier.name, this.options.now()));
    this.settleLater(alert.id);
  }

  /** Finishes the alert if every notifier is done with it, now or when the grace is over. */
  private settleLater(alertId: string): void {
    if (this.graceTimer) this.unsettled.add(alertId);
    else this.finishIfDone(alertId);
  }

  /** The grace is over: every notifier that will register has. */
  private settle(): void {
    this.graceTimer = null;
    for (const id of this.unsettled) this.finishIfDone(id);
    this.unsettled.clear();
  }

  private finishIfDone(alertId: string): void {
    const outbox = this.options.outbox;
    const names = this.notifiers.map((known) => known.name);
    if (outbox) this.safely('mark', () => outbox.finishIfDone(alertId, names));
  }

  private drop(notifier: Notifier, alert: Alert, why: string): void {
    this.options.logger.warn(
      { alert: alert.id, kind: alert.kind, notifier: notifier.name, dataTime: alert.dataTime },
      `alert dropped: ${why}`,
    );
    this.finish(notifier, alert);
  }

  /**
   * Hands the alert to one notifier; when the notifier gives up (an outage longer than its own retries),
   * hands it over again later, so an auto-exit still arrives once the platform is back. Targets already
   * delivered (in this run or before a restart) are skipped, so a redelivery never duplicates.
   */
  private async deliver(notifier: Notifier, alert: Alert): Promise<void> {
    const progress = this.progress(notifier, alert);
    const delays = this.options.redeliveryDelaysMs ?? REDELIVERY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await notifier.notify(alert, progress);
        this.finish(notifier, alert);
        return;
      } catch (error) {
        const delayMs = delays[attempt];
        const problem = error instanceof Error ? error.message : String(error);
        const context = { alert: alert.id, kind: alert.kind, notifier: notifier.name, attempts: attempt + 1 };
        if (this.expired(alert)) {
          this.drop(notifier, alert, `not delivered while younger than ALERT_MAX_AGE_MINUTES (${problem})`);
          return;
        }
        if (delayMs === undefined || this.stopping) {
          this.options.logger.error(
            { ...context, err: problem },
            'alert could not be delivered; kept in the outbox',
          );
          return;
        }
        this.options.logger.warn(
          { ...context, retryInMs: delayMs, err: problem },
          'alert not delivered yet; will try again',
        );
        await this.pause(delayMs);
        if (this.stopping) {
          this.options.logger.error(context, 'alert not delivered before the stop; kept in the outbox');
          return;
        }
      }
    }
  }

  private safely<T>(what: string, action: () => T): T | undefined {
    try {
      return action();
    } catch (error) {
      this.options.logger.error({ err: error }, `alert outbox ${what} failed; delivering from memory`);
      return undefined;
    }
  }

  /** A wait that stop() cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pauses.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pauses.add(done);
    });
  }
}
