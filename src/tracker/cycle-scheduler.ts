import type { MarketCalendar } from '../calendar/market-hours.ts';
import { everySeconds, scheduleOn, wallClock, type Clock } from '../util/clock.ts';
import type { ChainTracker } from './chain-tracker.ts';
import type { ChainSnapshot } from './types.ts';

/** What the scheduler uses of a tracker. */
export type ScheduledChain = Pick<ChainTracker, 'id' | 'runCycle' | 'markClosed'>;

export interface CycleSchedulerOptions {
  trackers: readonly ScheduledChain[];
  refreshIntervalSeconds: number;
  marketHours: 'exchange' | 'always';
  calendar: MarketCalendar;
  /** What the schedule runs on and what each cycle is stamped with; default the wall clock. */
  clock?: Clock;
  /**
   * Real milliseconds from start() to the first round, which need not wait for the schedule (the
   * index's first ticks are in by then), and between the first rounds until every chain has rows (see
   * `warmedUp`); null for none. Default 3000.
   */
  firstCycleDelayMs?: number | null;
  onCycleError: (chainId: string, error: unknown) => void;
  onCycleDone?: (chainId: string, seconds: number) => void;
}

/** The fields of the log line written after each chain's cycle. */
export function cycleLogFields(snapshot: ChainSnapshot): Record<string, unknown> {
  return {
    chain: snapshot.chainId,
    status: snapshot.status,
    price: snapshot.underlyingPrice,
    atm: snapshot.atmStrike,
    expiry: snapshot.expiry,
    pcr: snapshot.pcr === null ? null : Math.round(snapshot.pcr * 100) / 100,
    breaches: [...snapshot.calls, ...snapshot.puts].filter((row) => row.breaches.length > 0).length,
    notes: snapshot.notes.length > 0 ? snapshot.notes : undefined,
  };
}

const DEFAULT_FIRST_CYCLE_DELAY_MS = 3000;
/** At most this many first rounds, `firstCycleDelayMs` apart, before the schedule alone runs cycles. */
const WARM_UP_ROUNDS = 10;

/** A round's outcome for one chain: the snapshot its cycle published (its own, or the one under way), 'closed', or undefined (it failed). */
type RoundResult = ChainSnapshot | 'closed' | undefined;

/** Whether a chain still has to publish what commands can answer from: rows of options that have ticked. */
const warming = (result: RoundResult): boolean =>
  result === undefined ||
  (result !== 'closed' && (result.status === 'Starting' || result.calls.length === 0));

/**
 * Runs every chain's cycle every REFRESH_INTERVAL_SECONDS of the clock, on IST multiples of the interval.
 * Chains run independently: one failing or running long never stops or delays another, and a chain
 * whose previous cycle is still running skips this tick.
 */
export class CycleScheduler {
  private readonly running = new Map<string, Promise<ChainSnapshot | undefined>>();
  private readonly clock: Clock;
  private cancels: (() => void)[] = [];
  private stopped = false;
  private warmUpDone: () => void = () => {};
  /**
   * Resolves when the first rounds are over: a chain's first cycle comes before its index has ticked,
   * the next before its options have, and the schedule's next round may be a whole interval away, so
   * rounds run `firstCycleDelayMs` apart until every chain has published rows (at most WARM_UP_ROUNDS).
   */
  readonly warmedUp = new Promise<void>((resolve) => (this.warmUpDone = resolve));

  constructor(private readonly options: CycleSchedulerOptions) {
    this.clock = options.clock ?? wallClock;
  }

  start(): void {
    const interval = everySeconds(this.options.refreshIntervalSeconds);
    // round() settles every cycle's failure itself, so the schedule never sees one.
    this.cancels.push(
      scheduleOn(
        this.clock,
        interval,
        () => this.tick(),
        () => {},
      ),
    );
    const delay = this.options.firstCycleDelayMs;
    if (delay === null) this.warmUpDone();
    else this.warmUp(delay ?? DEFAULT_FIRST_CYCLE_DELAY_MS, WARM_UP_ROUNDS);
  }

  /** Runs one round now (also what the schedule calls). */
  tick(): Promise<void> {
    return this.round().then(() => undefined);
  }

  /** Stops the schedule and waits for the cycles in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.cancels.splice(0)) cancel();
    this.warmUpDone();
    await Promise.allSettled([...this.running.values()]);
  }

  private warmUp(delayMs: number, roundsLeft: number): void {
    const timer = setTimeout(() => {
      void this.round().then((results) => {
        if (this.stopped) return;
        if (roundsLeft > 1 && results.some(warming)) this.warmUp(delayMs, roundsLeft - 1);
        else this.warmUpDone();
      });
    }, delayMs);
    this.cancels.push(() => clearTimeout(timer));
  }

  private round(): Promise<RoundResult[]> {
    const now = this.clock.now();
    const open = this.options.marketHours === 'always' || this.options.calendar.isOpen(now);
    const rounds = this.options.trackers.map((tracker): Promise<RoundResult> => {
      if (!open) {
        tracker.markClosed(now);
        return Promise.resolve('closed');
      }
      const id = tracker.id;
      const inFlight = this.running.get(id);
      if (inFlight) return inFlight;
      const started = performance.now();
      const cycle = tracker
        .runCycle(now)
        .then(
          (published) => {
            this.options.onCycleDone?.(id, (performance.now() - started) / 1000);
            return published;
          },
          (error: unknown) => {
            this.options.onCycleError(id, error);
            return undefined;
          },
        )
        .finally(() => this.running.delete(id));
      this.running.set(id, cycle);
      return cycle;
    });
    return Promise.all(rounds);
  }
}
