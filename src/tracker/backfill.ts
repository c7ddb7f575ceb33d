import { istMidnight } from '../util/ist.ts';
import type { OiHistory } from './oi-history.ts';
import type { ChainStore, MarketRest, ObservationRow } from './ports.ts';
import type { OiPoint } from './types.ts';

const COVERAGE_MINUTES = 30;

/**
 * Hybrid backfill: a token that enters the window without 30 minutes of history gets the last
 * `minutes` of minute candles with OI, once; a failed fetch is retried on a later cycle.
 * Candles that arrive wait for the next cycle, which merges them into the history (live wins) and
 * stores them as known from its own instant: a cycle never sees points that arrive while it runs,
 * and the store can tell which cycles saw which points.
 */
export class Backfiller {
  private readonly done = new Set<number>();
  private readonly inFlight = new Map<number, Promise<void>>();
  private arrived: { token: number; candles: OiPoint[] }[] = [];
  /** Backfilled points the store refused (locked, disk full), with when they became known; saved again on the next cycle. */
  private unsaved: { rows: ObservationRow[]; knownAt: number }[] = [];
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

  /**
   * At the start of the cycle for `now`: merges the candles that arrived since the last cycle, and
   * stores them known from `now`. A candle that meets a stored row it cannot replace is left out of
   * the history too, so history and store stay one.
   */
  mergeArrived(now: number): void {
    for (const { rows, knownAt } of this.unsaved.splice(0)) this.save(rows, knownAt);
    const dayStart = istMidnight(now);
    for (const { token, candles } of this.arrived.splice(0)) {
      // Candles that arrived after the last cycle of an earlier day belong to no cycle any more.
      const today = candles.filter((candle) => candle.time >= dayStart);
      const added = this.history.mergeBackfill(token, today);
      if (added.length === 0) continue;
      const stored = this.save(
        added.map((point) => ({ token, ...point })),
        now,
      );
      if (stored === null) continue;
      const kept = new Set(stored.map((row) => row.time));
      for (const point of added) if (!kept.has(point.time)) this.history.remove(token, point.time);
    }
  }

  /** Starts fetches for the tokens that need one; does not wait for them. */
  request(tokens: Iterable<number>, now: number): void {
    if (this.minutes <= 0 || this.stopped) return;
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
      this.arrived.push({
        token,
        candles: candles.map((candle) => ({ time: candle.time, oi: candle.oi, ltp: candle.close })),
      });
      this.done.add(token);
      this.lastError = null;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }

  /** The rows the store inserted, or null when it refused them all (kept to save again). */
  private save(rows: ObservationRow[], knownAt: number): ObservationRow[] | null {
    try {
      return this.store.saveObservations(rows, knownAt);
    } catch (error) {
      this.unsaved.push({ rows, knownAt });
      this.onStoreError(error);
      return null;
    }
  }
}
