import { EventEmitter } from 'node:events';
import type { InstrumentCatalogue, OptionSeries } from '../kite/instrument-catalogue.ts';
import type { Tick } from '../kite/types.ts';
import { istMidnight } from '../util/ist.ts';
import { Backfiller } from './backfill.ts';
import {
  computeChainSnapshot,
  wholeChainFigures,
  type ChainOption,
  type LiveQuote,
} from './chain-analytics.ts';
import type { StrikeOi } from './chain-figures.ts';
import type { OiWindow } from './oi-change.ts';
import { OiHistory } from './oi-history.ts';
import type { ChainStore, MarketRest, ObservationRow, TickerSubscriptions } from './ports.ts';
import { recoverChain } from './recovery.ts';
import { atmStrike } from './strikes.ts';
import { OptionWindow } from './option-window.ts';
import { IV_RATE } from './option-row.ts';
import type { ChainSnapshot, ChainSpec, ChainStatus, CycleSettings, PublishedCycle } from './types.ts';
import { fetchWholeChainOi } from './whole-chain.ts';

export interface ChainTrackerSettings {
  refreshIntervalSeconds: number;
  strikesEachSide: number;
  historicalDataMinutes: number;
  windows: readonly OiWindow[];
  recoveryGapMinutes: number;
  /** Risk-free rate (fraction) for IV; default IV_RATE. */
  riskFreeRate?: number;
}

export interface ChainTrackerDeps {
  spec: ChainSpec;
  catalogue: InstrumentCatalogue;
  rest: MarketRest;
  ticker: TickerSubscriptions;
  store: ChainStore;
  settings: ChainTrackerSettings;
  now?: () => number;
  /**
   * Which expiry: 0 the nearest (default), 1 the next, … (EXPIRIES_TRACKED). Trackers of one chain
   * share one `history`, so when the nearest expires the next one's history carries on.
   */
  expiryRank?: number;
  history?: OiHistory;
  /** Called with problems worth a log line (store write failed, quote API failed, …). */
  warn?: (message: string, error?: unknown) => void;
}

export interface TradableOption extends ChainOption {
  type: 'CE' | 'PE';
  lotSize: number;
}

interface Live extends LiveQuote {
  at: number;
}

/** A cycle reads every option's values from its history, where it has just recorded the ticks. */
const NO_QUOTES: ReadonlyMap<number, LiveQuote> = new Map();
/** The cycles stored for recomputation: the ones that publish market data. */
const STORED_STATUSES = new Set<ChainStatus>(['Live', 'Stale']);

/**
 * One chain's loop: keeps the strike window subscribed around ATM, records OI observations each
 * cycle, backfills new strikes, computes the snapshot, persists it and publishes it.
 * Ticks between cycles keep the latest LTP and OI current.
 */
export class ChainTracker extends EventEmitter<{ snapshot: [ChainSnapshot] }> {
  readonly spec: ChainSpec;
  /** The chain's id for the nearest expiry (`NSE`), `NSE_next` for the next, `NSE_next2` after it. */
  readonly id: string;
  readonly expiryRank: number;
  readonly history: OiHistory;
  private readonly series: OptionSeries;
  private readonly now: () => number;
  private readonly warn: (message: string, error?: unknown) => void;
  private readonly live = new Map<number, Live>();
  private readonly backfill: Backfiller;
  private readonly window: OptionWindow;
  private indexToken: number | null = null;
  private lastOptionTickAt: number | null = null;
  private latest: ChainSnapshot | null = null;
  private recovered = false;
  private lastObservedAt = Number.NEGATIVE_INFINITY;
  private previousClose: number | null = null;
  /** Live observations before this instant are not in the history (a start that did not recover). */
  private historySince = 0;
  private readonly cycleSettings: CycleSettings;

  constructor(private readonly deps: ChainTrackerDeps) {
    super();
    this.spec = deps.spec;
    this.expiryRank = deps.expiryRank ?? 0;
    this.id = trackerId(deps.spec.id, this.expiryRank);
    this.history = deps.history ?? new OiHistory();
    this.series = { name: deps.spec.optionName, exchange: deps.spec.optionsExchange };
    this.now = deps.now ?? Date.now;
    this.warn = deps.warn ?? (() => {});
    const { settings } = deps;
    this.cycleSettings = {
      underlying: deps.spec.underlying,
      strikeStep: deps.spec.strikeStep,
      strikesEachSide: settings.strikesEachSide,
      windows: settings.windows.map(({ minutes, thresholdPct }) => ({ minutes, thresholdPct })),
      rate: settings.riskFreeRate ?? IV_RATE,
    };
    this.window = new OptionWindow({
      spec: deps.spec,
      series: this.series,
      expiryRank: this.expiryRank,
      catalogue: deps.catalogue,
      ticker: deps.ticker,
      store: deps.store,
      strikesEachSide: settings.strikesEachSide,
      onDropped: (tokens) => {
        for (const token of tokens) this.live.delete(token);
      },
      warn: this.warn,
    });
    this.backfill = new Backfiller(
      deps.rest,
      this.history,
      deps.store,
      deps.settings.historicalDataMinutes,
      (error) => this.warn(`${this.spec.id}: could not store backfilled points`, error),
    );
  }

  /** Finds the index and nearest expiry, recovers today's history when recent enough, subscribes the index. */
  start(): void {
    const index = this.deps.catalogue.index(this.spec.underlying);
    if (!index)
      throw new Error(`${this.spec.id}: index "${this.spec.underlying}" is not in the instrument list`);
    this.indexToken = index.instrumentToken;
    this.window.refreshListing(this.now());
    this.recover(this.now());
    this.deps.ticker.subscribe([this.indexToken], 'full');
  }

  /**
   * Stores the backfill that arrived since the last cycle and unsubscribes; backfills still under way
   * are dropped when they answer (the next start fetches them again).
   */
  stop(): void {
    this.backfill.mergeArrived(Math.floor(this.now() / 1000) * 1000);
    this.backfill.stop();
    const tokens = this.window.release();
    if (this.indexToken !== null) tokens.push(this.indexToken);
    this.deps.ticker.unsubscribe(tokens);
  }

  /** Keeps the latest LTP/OI of this chain's tokens; ignores other tokens. */
  onTicks(ticks: readonly Tick[]): void {
    const at = this.now();
    for (const tick of ticks) {
      if (tick.instrumentToken === this.indexToken) {
        this.live.set(tick.instrumentToken, { ltp: tick.lastPrice, oi: null, at });
        if (tick.ohlc && tick.ohlc.close > 0) this.previousClose = tick.ohlc.close;
      } else if (this.window.options.has(tick.instrumentToken)) {
        this.live.set(tick.instrumentToken, { ltp: tick.lastPrice, oi: tick.oi ?? null, at });
        this.lastOptionTickAt = at;
      }
    }
  }

  /** The last cycle's snapshot with the latest ticks laid over it, so data is never older than the last tick. */
  current(): ChainSnapshot | null {
    const snapshot = this.latest;
    if (!snapshot) return null;
    const overlay = (row: ChainSnapshot['calls'][number]) => {
      const live = this.live.get(row.token);
      return live ? { ...row, ltp: live.ltp ?? row.ltp, oi: live.oi ?? row.oi } : row;
    };
    const index = this.indexToken === null ? undefined : this.live.get(this.indexToken);
    const underlyingPrice = index?.ltp ?? snapshot.underlyingPrice;
    return {
      ...snapshot,
      underlyingPrice,
      underlyingChange: this.changeFromClose(underlyingPrice),
      calls: snapshot.calls.map(overlay),
      puts: snapshot.puts.map(overlay),
    };
  }

  /** The expiry this tracker follows now ('YYYY-MM-DD'), or null before its listing is known. */
  get expiry(): string | null {
    return this.window.listing?.expiry ?? null;
  }

  /** The options that can be traded: the shown strikes and the buffer strike each side. */
  tradableOptions(): readonly TradableOption[] {
    const lotSize = this.window.listing?.lotSize ?? 0;
    return [...this.window.options.values()].map((option) => ({ ...option, lotSize }));
  }

  /** The latest tick's LTP of a token and when it arrived, or null. */
  latestPrice(token: number): { ltp: number; at: number } | null {
    const live = this.live.get(token);
    return live && live.ltp !== null ? { ltp: live.ltp, at: live.at } : null;
  }

  /** Seconds since the last option tick, or null before the first. */
  dataAgeSeconds(): number | null {
    return this.lastOptionTickAt === null ? null : (this.now() - this.lastOptionTickAt) / 1000;
  }

  /** Outside market hours: no cycle runs, the status says Closed. */
  markClosed(now = this.now()): void {
    const base = this.latest ?? this.emptySnapshot(now, 'Closed');
    this.publish({ ...base, status: 'Closed', lastUpdate: now });
  }

  /**
   * One cycle for the instant `at` (to the whole second, as the store keeps it). The rows are computed
   * from one frozen read: the history, into which this cycle has just recorded the ticks since the last
   * one and merged the backfill that arrived; nothing that arrives while the quote call runs counts.
   */
  async runCycle(at = this.now()): Promise<ChainSnapshot> {
    const now = Math.floor(at / 1000) * 1000;
    // A second stored cycle within the same second publishes the first again: the store keeps one
    // cycle a second, so every snapshot published is the one stored. (A feed gone since is published.)
    if (this.repeatsStoredSecond(now)) return this.publish(this.latest!);
    const notes: string[] = [];
    this.window.refreshListing(now);
    // A new day starts a fresh OI history: yesterday's points never count in today's changes.
    this.history.prune(istMidnight(now));
    this.backfill.mergeArrived(now);
    const price = this.indexToken === null ? null : (this.live.get(this.indexToken)?.ltp ?? null);
    const { listing } = this.window;
    if (price === null || !listing) {
      if (!listing)
        notes.push(
          `no expiry found for ${this.series.name} on ${this.series.exchange}${this.expiryRank > 0 ? ` beyond the nearest ${this.expiryRank}` : ''}`,
        );
      const empty = this.emptySnapshot(now, this.status(now, false), notes);
      this.persist(empty, []);
      return this.publish(empty);
    }
    const atm = atmStrike(price, this.spec.strikeStep);
    this.window.follow(atm);
    const observations = this.recordObservations(now);
    this.backfill.request(this.window.subscribed, now);
    if (this.backfill.lastError)
      notes.push(`historical API unavailable (${this.backfill.lastError}): live data only`);
    const snapshot = this.computeRows(now, price, notes);
    const wholeChain = await this.wholeChain(snapshot.notes);
    Object.assign(snapshot, wholeChainFigures(wholeChain, snapshot.atmStrike));
    // The status of the frozen read, unless the socket was found dead during the quote call: that shows at once.
    if (this.deps.ticker.connectedCount === 0) snapshot.status = 'Disconnected';
    this.persist(snapshot, observations);
    return this.publish(snapshot);
  }

  private computeRows(now: number, price: number, notes: string[]): ChainSnapshot {
    const options = [...this.window.options.values()];
    const listing = this.window.listing!;
    const snapshot = computeChainSnapshot({
      spec: this.spec,
      underlying: this.spec.underlying,
      underlyingPrice: price,
      now,
      expiry: listing.expiry,
      listedStrikes: listing.strikes,
      strikesEachSide: this.deps.settings.strikesEachSide,
      calls: options.filter((option) => option.type === 'CE'),
      puts: options.filter((option) => option.type === 'PE'),
      quotes: NO_QUOTES,
      history: this.history,
      windows: this.deps.settings.windows,
      wholeChain: null,
      status: this.status(now, true),
      notes,
      rate: this.cycleSettings.rate,
    });
    snapshot.underlyingChange = this.changeFromClose(price);
    return snapshot;
  }

  private repeatsStoredSecond(now: number): boolean {
    const latest = this.latest;
    return (
      latest !== null &&
      latest.lastUpdate === now &&
      STORED_STATUSES.has(latest.status) &&
      STORED_STATUSES.has(this.status(now, true))
    );
  }

  private changeFromClose(price: number | null): number | null {
    return price === null || this.previousClose === null
      ? null
      : Math.round((price - this.previousClose) * 100) / 100;
  }

  /** Resolves when the backfills started so far have settled (for an orderly stop and for tests). */
  backfillSettled(): Promise<void> {
    return this.backfill.settled();
  }

  private publish(snapshot: ChainSnapshot): ChainSnapshot {
    this.latest = snapshot;
    this.emit('snapshot', snapshot);
    return snapshot;
  }

  private status(now: number, hasPrice: boolean): ChainStatus {
    if (this.deps.ticker.connectedCount === 0) return 'Disconnected';
    if (this.lastOptionTickAt === null) return 'Starting';
    if (!hasPrice) return 'Stale';
    const staleAfterMs = 2 * this.deps.settings.refreshIntervalSeconds * 1000;
    return now - this.lastOptionTickAt > staleAfterMs ? 'Stale' : 'Live';
  }

  private emptySnapshot(now: number, status: ChainStatus, notes: string[] = []): ChainSnapshot {
    return {
      chainId: this.spec.id,
      underlying: this.spec.underlying,
      underlyingPrice: null,
      atmStrike: null,
      expiry: this.window.listing?.expiry ?? null,
      pcr: null,
      pcrAll: null,
      maxPain: null,
      support: null,
      resistance: null,
      status,
      notes,
      lastUpdate: now,
      calls: [],
      puts: [],
    };
  }

  /** One observation per token that ticked since the last cycle: a silent feed adds no made-up points. */
  private recordObservations(now: number): ObservationRow[] {
    const rows: ObservationRow[] = [];
    const since = this.lastObservedAt;
    this.lastObservedAt = now;
    for (const token of this.window.subscribed) {
      const live = this.live.get(token);
      if (!live || live.ltp === null || live.oi === null || live.at <= since) continue;
      const point = { time: now, oi: live.oi, ltp: live.ltp };
      this.history.record(token, point);
      rows.push({ token, ...point });
    }
    return rows;
  }

  private async wholeChain(notes: string[]): Promise<StrikeOi[] | null> {
    try {
      return await fetchWholeChainOi(this.deps.rest, this.deps.catalogue, this.series, this.window.listing!);
    } catch (error) {
      notes.push(
        `quote API unavailable (${error instanceof Error ? error.message : String(error)}): no whole-chain figures`,
      );
      return null;
    }
  }

  /** Stores the cycle's observations and, when it publishes market data, what else it read. */
  private persist(snapshot: ChainSnapshot, observations: ObservationRow[]): void {
    const published = STORED_STATUSES.has(snapshot.status) ? this.publishedCycle(snapshot) : undefined;
    if (snapshot.underlyingPrice === null && !published) return;
    try {
      this.deps.store.saveCycle({
        chainId: this.spec.id,
        time: snapshot.lastUpdate,
        underlyingPrice: snapshot.underlyingPrice,
        atm: snapshot.atmStrike,
        pcr: snapshot.pcr,
        observations,
        // The PCR-through-the-day series is the nearest expiry's; the others read theirs from the cycles.
        underlyingSnapshot: this.expiryRank === 0,
        ...(published ? { published } : {}),
      });
    } catch (error) {
      snapshot.notes.push('database write failed: serving from memory');
      this.warn(`${this.spec.id}: could not store the cycle`, error);
    }
  }

  private publishedCycle(snapshot: ChainSnapshot): PublishedCycle {
    return {
      chainId: snapshot.chainId,
      time: snapshot.lastUpdate,
      expiry: snapshot.expiry,
      expiryRank: this.expiryRank,
      status: snapshot.status,
      underlyingPrice: snapshot.underlyingPrice,
      underlyingChange: snapshot.underlyingChange ?? null,
      pcrAll: snapshot.pcrAll,
      maxPain: snapshot.maxPain,
      support: snapshot.support,
      resistance: snapshot.resistance,
      notes: [...snapshot.notes],
      historySince: this.historySince,
      settings: this.cycleSettings,
    };
  }

  private recover(now: number): void {
    if (this.recovered) return;
    this.recovered = true;
    const recovered = recoverChain(this.deps.store, this.spec.id, now, this.deps.settings.recoveryGapMinutes);
    if (recovered) this.history.load(recovered.observations);
    this.historySince = recovered ? istMidnight(now) : Math.floor(now / 1000) * 1000;
  }
}

/** `NSE` for the nearest expiry, `NSE_next` for the next, `NSE_next2` for the one after. */
export function trackerId(chainId: string, expiryRank: number): string {
  if (expiryRank === 0) return chainId;
  return expiryRank === 1 ? `${chainId}_next` : `${chainId}_next${expiryRank}`;
}
