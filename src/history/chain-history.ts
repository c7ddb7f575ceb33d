/**
 * The stored history made answerable: the chain at a past instant, the change between two instants,
 * the OI heatmap of a day and the ATM straddle through a day, as the JSON the API and the replies use.
 */
import { round2 } from '../http/chain-json.ts';
import type { StoredCycle } from '../store/types.ts';
import type { ChainSnapshot, OptionRow } from '../tracker/types.ts';
import { formatIstIso, istWallClock, MINUTE_MS } from '../util/ist.ts';
import { HistoryError, parseInstant, parseTradingDate, type InstantRules } from './instant.ts';
import { PastChains, type CycleReads, type PastCycle } from './past-chains.ts';
import type { ExpiryChoice } from '../tracker/expiry-choice.ts';

export interface ChainHistoryDeps {
  cycles: CycleReads;
  now: () => number;
  retentionDays: number;
  /** OI_CHANGE_WINDOWS, minutes ascending. */
  windows: readonly number[];
}

export interface DiffSide {
  oi_from: number | null;
  oi_to: number | null;
  change: number | null;
  change_pct: number | null;
  ltp_from: number | null;
  ltp_to: number | null;
}

export interface DiffJson {
  exchange: string;
  from: string;
  to: string;
  underlying_price_from: number | null;
  underlying_price_to: number | null;
  atm_from: number | null;
  atm_to: number | null;
  pcr_from: number | null;
  pcr_to: number | null;
  rows: { strike: number; ce: DiffSide; pe: DiffSide }[];
}

export interface HeatmapJson {
  exchange: string;
  date: string;
  window: number;
  columns: string[];
  strikes: number[];
  ce: (number | null)[][];
  pe: (number | null)[][];
  atm: (number | null)[];
  breaches: { ce: boolean[][]; pe: boolean[][] };
}

export interface StraddleEntry {
  time: string;
  atm: number | null;
  ce_ltp: number | null;
  pe_ltp: number | null;
  straddle: number | null;
  average: number | null;
  underlying_price: number | null;
}

export interface StraddleJson {
  exchange: string;
  date: string;
  entries: StraddleEntry[];
}

const HEATMAP_STEP_MS = 5 * MINUTE_MS;
const SESSION_OPEN = '09:15';

function diffSide(from: { oi: number; ltp: number } | null, to: OptionRow | undefined): DiffSide {
  const oiFrom = from?.oi ?? null;
  const oiTo = to?.oi ?? null;
  const change = oiFrom === null || oiTo === null ? null : oiTo - oiFrom;
  return {
    oi_from: oiFrom,
    oi_to: oiTo,
    change,
    change_pct: change === null || oiFrom === 0 ? null : round2((change * 100) / oiFrom!),
    ltp_from: from?.ltp ?? null,
    ltp_to: to?.ltp ?? null,
  };
}

/**
 * The column ends of a day's heatmap: every 5 minutes from 09:15 (from the first stored cycle on) and
 * the last cycle, or every cycle when there are fewer cycles.
 */
function columnEnds(cycles: readonly StoredCycle[], date: string): number[] {
  const times = cycles.map((cycle) => cycle.time);
  const last = times.at(-1)!;
  const ends: number[] = [];
  for (let end = istWallClock(date, SESSION_OPEN); end <= last; end += HEATMAP_STEP_MS) {
    if (end >= times[0]!) ends.push(end);
  }
  if (ends.at(-1) !== last) ends.push(last);
  return ends.length > times.length ? times : ends;
}

export class ChainHistory {
  readonly past: PastChains;

  constructor(private readonly deps: ChainHistoryDeps) {
    this.past = new PastChains(deps.cycles);
  }

  private rules(api: boolean): InstantRules {
    return { now: this.deps.now(), retentionDays: this.deps.retentionDays, api };
  }

  instant(text: string, api: boolean): number {
    return parseInstant(text, this.rules(api));
  }

  date(text: string | undefined): string {
    return parseTradingDate(text, this.rules(false));
  }

  /** The chain (its nearest expiry, or the chosen one) as the latest stored cycle at or before the instant published it. */
  chainAt(chainId: string, at: string, api: boolean, choice?: ExpiryChoice): PastCycle {
    return this.past.at(chainId, this.instant(at, api), [], choice);
  }

  /** OI and LTP at `to` against `from` (default now) for the strikes shown at `to`. */
  diff(chainId: string, fromText: string, toText: string | undefined, api: boolean): DiffJson {
    const fromInstant = this.instant(fromText, api);
    const toInstant = toText === undefined ? this.deps.now() : this.instant(toText, api);
    if (fromInstant >= toInstant) {
      throw new HistoryError(
        `"from" (${formatIstIso(fromInstant)}) must be before "to" (${formatIstIso(toInstant)})`,
        400,
      );
    }
    const to = this.past.at(chainId, toInstant);
    const tokens = [...to.snapshot.calls, ...to.snapshot.puts].map((row) => row.token);
    const from = this.past.at(chainId, fromInstant, tokens);
    const strikes = [...new Set([...to.snapshot.calls, ...to.snapshot.puts].map((row) => row.strike))];
    strikes.sort((a, b) => a - b);
    const side = (rows: readonly OptionRow[], strike: number) => {
      const row = rows.find((candidate) => candidate.strike === strike);
      return diffSide(row ? from.history.latest(row.token) : null, row);
    };
    return {
      exchange: chainId,
      from: formatIstIso(from.cycle.time),
      to: formatIstIso(to.cycle.time),
      underlying_price_from: from.snapshot.underlyingPrice,
      underlying_price_to: to.snapshot.underlyingPrice,
      atm_from: from.snapshot.atmStrike,
      atm_to: to.snapshot.atmStrike,
      pcr_from: round2(from.snapshot.pcr),
      pcr_to: round2(to.snapshot.pcr),
      rows: strikes.map((strike) => ({
        strike,
        ce: side(to.snapshot.calls, strike),
        pe: side(to.snapshot.puts, strike),
      })),
    };
  }

  /** Strikes × time of the day's OI % change over `window` minutes (default the longest window). */
  heatmap(chainId: string, windowText: string | undefined, dateText: string | undefined): HeatmapJson {
    const window = this.window(windowText);
    const date = this.date(dateText);
    // The heatmap reads one window's changes and breaches: no IV, no other window.
    const day = new PastChains(this.deps.cycles, {
      volatility: false,
      windows: [window],
      buildup: false,
    }).storedDay(chainId, date);
    const ends = columnEnds(day.cycles, date);
    // Only the cycle that ends each column is recomputed, once however many columns it ends.
    const columns: ChainSnapshot[] = [];
    let next = 0;
    for (const end of ends) {
      const previous = next;
      while (next + 1 < day.cycles.length && day.cycles[next + 1]!.time <= end) next++;
      columns.push(columns.length > 0 && next === previous ? columns.at(-1)! : day.snapshot(next));
    }
    const strikes = [
      ...new Set(columns.flatMap((snapshot) => [...snapshot.calls, ...snapshot.puts]).map((r) => r.strike)),
    ].sort((a, b) => a - b);
    const key = String(window);
    const grid = <T>(side: 'calls' | 'puts', cell: (row: OptionRow | undefined) => T) =>
      strikes.map((strike) =>
        columns.map((snapshot) => cell(snapshot[side].find((row) => row.strike === strike))),
      );
    const pct = (row: OptionRow | undefined) => round2(row?.oiChangePct[key] ?? null);
    const breach = (row: OptionRow | undefined) => row?.breaches.includes(key) ?? false;
    return {
      exchange: chainId,
      date,
      window,
      columns: ends.map(formatIstIso),
      strikes,
      ce: grid('calls', pct),
      pe: grid('puts', pct),
      atm: columns.map((snapshot) => snapshot.atmStrike),
      breaches: { ce: grid('calls', breach), pe: grid('puts', breach) },
    };
  }

  /** The ATM straddle premium through the day, with its running average since the first cycle. */
  straddle(chainId: string, dateText: string | undefined): StraddleJson {
    const date = this.date(dateText);
    let sum = 0;
    let count = 0;
    // The straddle reads the ATM rows' LTP: no IV, no OI window.
    const past = new PastChains(this.deps.cycles, { volatility: false, windows: [], buildup: false });
    const day = past.storedDay(chainId, date);
    const entries = day.cycles.map((_, index): StraddleEntry => {
      const snapshot = day.snapshot(index);
      const atm = snapshot.atmStrike;
      const ce = snapshot.calls.find((row) => row.strike === atm)?.ltp ?? null;
      const pe = snapshot.puts.find((row) => row.strike === atm)?.ltp ?? null;
      const straddle = ce === null || pe === null ? null : round2(ce + pe);
      if (straddle !== null) {
        sum += straddle;
        count++;
      }
      return {
        time: formatIstIso(snapshot.lastUpdate),
        atm,
        ce_ltp: ce,
        pe_ltp: pe,
        straddle,
        average: count === 0 ? null : round2(sum / count),
        underlying_price: snapshot.underlyingPrice,
      };
    });
    return { exchange: chainId, date, entries };
  }

  private window(text: string | undefined): number {
    const { windows } = this.deps;
    if (text === undefined || text.trim() === '') return windows.at(-1)!;
    const minutes = Number(text.trim().replace(/m$/i, ''));
    if (!windows.includes(minutes)) {
      throw new HistoryError(
        `"${text.trim()}" is not an OI window; use one of ${windows.map((w) => `${w}m`).join(', ')}`,
        400,
      );
    }
    return minutes;
  }
}
