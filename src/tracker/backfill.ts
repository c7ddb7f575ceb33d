import { istMidnight } from '../util/ist.ts';
import type { OiHistory } from './oi-history.ts';
import type { ChainStore, MarketRest } from './ports.ts';

const COVERAGE_MINUTES = 30;

/**
 * Hybrid backfill: a token that enters the window without 30 minutes of history gets the last
 * `minutes` of minute candles with OI, once; a failed fetch is retried on a later cycle.
 * Backfilled points are merged into the history (live wins) and persisted like live ones.
 */
export class Backfiller {
  private readonly done = new Set<number>();
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Backfilled points the store refused (locked, disk full); saved again on the next request. */
  private unsaved: { token: number; time: number; oi: number; ltp: number }[] = [];
  /** The last failure's message, cleared by the next success. */
  lastError: string | null = null;
  private stopped = false;

  constructor(
    private readonly rest: MarketRest,
    private readonly history: OiHistory,
    private readonly store: ChainStore,
    private readonly minutes: number,
    private readonly onStoreError: (error: unknown) => void,
  ) {}

  /** Starts fetches for the tokens that need one; does not wait for them. */
  request(tokens: Iterable<number>, now: number): void {
    if (this.minutes <= 0 || this.stopped) return;
    if (this.unsaved.length > 0) this.save(this.unsaved.splice(0));
    for (const token of tokens) {
      if (this.done.has(token) || this.inFlight.has(token)) continue;
      if (!this.history.needsBackfill(token, now, COVERAGE_MINUTES)) {
        this.done.add(token);
        continue;
      }
      const job = this.fetch(token, now).finally(() => this.inFlight.delete(token));
      this.inFlight.set(token, job);
    }
  }

  /** Starts nothing more, and drops what fetches under way bring back: the store may be closing. */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves when every fetch started so far has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async fetch(token: number, now: number): Promise<void> {
    try {
      // A day's history starts at its IST midnight: yesterday's candles would only be stored, never used.
      const from = Math.max(now - this.minutes * 60_000, istMidnight(now));
      const candles = await this.rest.historicalMinutes(token, from, now);
      if (this.stopped) return;
      const added = this.history.mergeBackfill(
        token,
        candles.map((candle) => ({ time: candle.time, oi: candle.oi, ltp: candle.close })),
      );
      this.done.add(token);
      this.lastError = null;
      this.save(added.map((point) => ({ token, ...point })));
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }

  private save(rows: { token: number; time: number; oi: number; ltp: number }[]): void {
    try {
      this.store.saveObservations(rows);
    } catch (error) {
      this.unsaved.push(...rows);
      this.onStoreError(error);
    }
  }
}
