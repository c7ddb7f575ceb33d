/**
 * Past cycles brought back exactly: a stored cycle's record plus the observations it could see, fed to
 * the same analytics the live cycle ran (`computeChainSnapshot`), give back the snapshot it published.
 */
import type { CycleStore } from '../store/cycle-store.ts';
import type { InstrumentRecord, StoredCycle } from '../store/types.ts';
import { computeChainSnapshot, type ChainOption } from '../tracker/chain-analytics.ts';
import { oiWindows, type OiWindow } from '../tracker/oi-change.ts';
import type { OiLookup } from '../tracker/oi-history.ts';
import type { ExpiryChoice } from '../tracker/expiry-choice.ts';
import { atmStrike } from '../tracker/strikes.ts';
import type { ChainSnapshot, ChainStatus, CycleSettings } from '../tracker/types.ts';
import { DAY_MS, formatIstIso, istDateOf, istMidnight, istWallClock } from '../util/ist.ts';
import { HistoryError } from './instant.ts';
import { StoredHistory } from './stored-history.ts';

export type CycleReads = Pick<CycleStore, 'atOrBefore' | 'first' | 'between' | 'instruments' | 'points'>;

/** One stored cycle and the snapshot it published. */
export interface PastSnapshot {
  cycle: StoredCycle;
  snapshot: ChainSnapshot;
}

/** A stored day: its cycles in order, and the snapshot each published, recomputed on demand. */
export interface PastDay {
  readonly cycles: readonly StoredCycle[];
  snapshot(index: number): ChainSnapshot;
}

/** A stored cycle, its snapshot, and the history it saw (for options beyond its rows). */
export interface PastCycle extends PastSnapshot {
  history: OiLookup;
}

const NO_QUOTES = new Map<number, never>();
const NEAREST: ExpiryChoice = { rank: 0 };

/** The cycles of the chosen expiry: by its rank at each instant, or by its date. */
function chosen(cycles: readonly StoredCycle[], choice: ExpiryChoice): StoredCycle[] {
  return cycles.filter((cycle) =>
    'rank' in choice ? cycle.expiryRank === choice.rank : cycle.expiry === choice.date,
  );
}

const hhmm = (ms: number) => formatIstIso(ms).slice(11, 16);

/**
 * What a recompute may leave out, for a replay that does not read it: `volatility: false` leaves IV and
 * the Greeks null; `windows` computes only those OI windows (minutes); `buildup: false` leaves it null.
 */
export interface RecomputeOptions {
  volatility?: boolean;
  windows?: readonly number[];
  buildup?: boolean;
}

/** An expiry's instruments as the analytics take them, worked out once per list (a day's cycles share it). */
const PREPARED = new WeakMap<
  readonly InstrumentRecord[],
  { listed: number[]; calls: ChainOption[]; puts: ChainOption[] }
>();
function prepared(instruments: readonly InstrumentRecord[]) {
  let entry = PREPARED.get(instruments);
  if (!entry) {
    const option = (row: InstrumentRecord) => ({ token: row.token, symbol: row.symbol, strike: row.strike });
    entry = {
      listed: instruments.map((row) => row.strike),
      calls: instruments.filter((row) => row.optionType === 'CE').map(option),
      puts: instruments.filter((row) => row.optionType === 'PE').map(option),
    };
    PREPARED.set(instruments, entry);
  }
  return entry;
}

/** The settings' OI windows (only those in `only` when given), worked out once per settings. */
const WINDOWS = new WeakMap<CycleSettings, Map<string, OiWindow[]>>();
function windowsOf(settings: CycleSettings, only: readonly number[] | undefined): OiWindow[] {
  let bySelection = WINDOWS.get(settings);
  if (!bySelection) WINDOWS.set(settings, (bySelection = new Map()));
  const key = only === undefined ? '*' : only.join(',');
  let windows = bySelection.get(key);
  if (!windows) {
    const chosen = only
      ? settings.windows.filter((window) => only.includes(window.minutes))
      : settings.windows;
    windows = oiWindows(
      chosen.map((window) => window.minutes),
      chosen.map((window) => window.thresholdPct),
    );
    bySelection.set(key, windows);
  }
  return windows;
}

/** The snapshot the cycle published, from its record, its expiry's instruments and the history it saw. */
export function recomputeCycle(
  cycle: StoredCycle,
  instruments: readonly InstrumentRecord[],
  history: OiLookup,
  options: RecomputeOptions = {},
): ChainSnapshot {
  const { settings } = cycle;
  const { listed, calls, puts } = prepared(instruments);
  const snapshot = computeChainSnapshot({
    spec: { id: cycle.chainId, strikeStep: settings.strikeStep },
    underlying: settings.underlying,
    underlyingPrice: cycle.underlyingPrice,
    now: cycle.time,
    expiry: cycle.expiry,
    listedStrikes: listed,
    strikesEachSide: settings.strikesEachSide,
    calls,
    puts,
    quotes: NO_QUOTES,
    history,
    windows: windowsOf(settings, options.windows),
    wholeChain: null,
    status: cycle.status as ChainStatus,
    notes: cycle.notes,
    rate: settings.rate,
    ...(options.volatility === false ? { volatility: false } : {}),
    ...(options.buildup === false ? { buildup: false } : {}),
  });
  return {
    ...snapshot,
    underlyingChange: cycle.underlyingChange,
    pcrAll: cycle.pcrAll,
    maxPain: cycle.maxPain,
    support: cycle.support,
    resistance: cycle.resistance,
  };
}

/** The instruments that can be shown around the ATM of any of the cycles (the only ones whose points they need). */
function shownDuring(
  cycles: readonly StoredCycle[],
  instruments: readonly InstrumentRecord[],
): InstrumentRecord[] {
  const priced = cycles.filter((cycle) => cycle.underlyingPrice !== null);
  if (priced.length === 0) return [];
  const atms = priced.map((cycle) => atmStrike(cycle.underlyingPrice!, cycle.settings.strikeStep));
  const reach = Math.max(
    ...priced.map((cycle) => (cycle.settings.strikesEachSide + 0.5) * cycle.settings.strikeStep),
  );
  const low = Math.min(...atms) - reach;
  const high = Math.max(...atms) + reach;
  return instruments.filter((row) => row.strike >= low && row.strike <= high);
}

/** The instruments that can be shown around the cycle's ATM (the only ones whose points it needs). */
function aroundAtm(cycle: StoredCycle, instruments: readonly InstrumentRecord[]): InstrumentRecord[] {
  if (cycle.underlyingPrice === null) return [];
  const { strikeStep, strikesEachSide } = cycle.settings;
  const atm = atmStrike(cycle.underlyingPrice, strikeStep);
  const reach = (strikesEachSide + 0.5) * strikeStep;
  return instruments.filter((row) => Math.abs(row.strike - atm) <= reach);
}

export class PastChains {
  constructor(
    private readonly cycles: CycleReads,
    private readonly recompute: RecomputeOptions = {},
  ) {}

  /**
   * The latest stored cycle of the chain at or before `instant` on the same IST day, as published;
   * its history also holds `alsoTokens`.
   */
  at(
    chainId: string,
    instant: number,
    alsoTokens: readonly number[] = [],
    choice: ExpiryChoice = NEAREST,
  ): PastCycle {
    const dayStart = istMidnight(instant);
    const cycle = this.cycles.atOrBefore(chainId, instant, dayStart, choice);
    if (!cycle) throw this.nothingBefore(chainId, instant, choice);
    const instruments = cycle.expiry === null ? [] : this.cycles.instruments(chainId, cycle.expiry);
    const needed = aroundAtm(cycle, instruments);
    const history = new StoredHistory(
      this.cycles.points(
        [...new Set([...needed.map((row) => row.token), ...alsoTokens])],
        dayStart,
        cycle.time,
      ),
    );
    const seen = history.at(cycle);
    return { cycle, snapshot: recomputeCycle(cycle, needed, seen, this.recompute), history: seen };
  }

  /**
   * Every stored cycle of the chain's chosen expiry (default the nearest at each instant) on the IST
   * day `date`, ascending, read in one scan; 404 when there is none. Each cycle's snapshot, as
   * published, is recomputed only when asked for, so a replay that looks at one at a time lets each
   * go at once instead of holding the whole day's rows.
   */
  storedDay(chainId: string, date: string, choice: ExpiryChoice = NEAREST): PastDay {
    const dayStart = istWallClock(date, '00:00');
    const cycles = chosen(this.cycles.between(chainId, dayStart, dayStart + DAY_MS - 1), choice);
    if (cycles.length === 0) throw new HistoryError(`${chainId} has no stored cycles on ${date}`, 404);
    const byExpiry = new Map<string, InstrumentRecord[]>();
    for (const expiry of new Set(cycles.flatMap((cycle) => cycle.expiry ?? []))) {
      const ofExpiry = cycles.filter((cycle) => cycle.expiry === expiry);
      byExpiry.set(expiry, shownDuring(ofExpiry, this.cycles.instruments(chainId, expiry)));
    }
    const tokens = [...byExpiry.values()].flat().map((row) => row.token);
    const history = new StoredHistory(this.cycles.points(tokens, dayStart, cycles.at(-1)!.time));
    return {
      cycles,
      snapshot: (index) => {
        const cycle = cycles[index]!;
        const instruments = cycle.expiry === null ? [] : byExpiry.get(cycle.expiry)!;
        return recomputeCycle(cycle, instruments, history.at(cycle), this.recompute);
      },
    };
  }

  private nothingBefore(chainId: string, instant: number, choice: ExpiryChoice): HistoryError {
    const date = istDateOf(instant);
    const dayStart = istMidnight(instant);
    const first = this.cycles.first(chainId, dayStart, dayStart + DAY_MS);
    const which =
      'date' in choice ? ` of the ${choice.date} expiry` : choice.rank === 0 ? '' : ' of the next expiry';
    return new HistoryError(
      first
        ? `${chainId} has no stored cycle${which} on ${date} at or before ${hhmm(instant)} IST; ` +
            `the first stored minute that day is ${hhmm(first.time)} IST`
        : `${chainId} has no stored cycles on ${date}`,
      404,
    );
  }
}
