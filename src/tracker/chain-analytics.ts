/** One cycle's analytics of an option chain, as a pure function of what the tracker holds. */
import type { OptionType } from '../kite/types.ts';
import { MINUTE_MS } from '../util/ist.ts';
import { maxPain, pcrAll, putCallRatio, supportResistance, type StrikeOi } from './chain-figures.ts';
import { oiChanges, type OiWindow } from './oi-change.ts';
import type { OiLookup } from './oi-history.ts';
import {
  BUILDUP_MINUTES,
  buildup,
  impliedVolPct,
  IV_RATE,
  moneyness,
  rowGreeks,
  type RowGreeks,
} from './option-row.ts';
import { atmStrike, cleanStrike, strikeWindow } from './strikes.ts';
import type { ChainSnapshot, ChainSpec, ChainStatus, OptionRow } from './types.ts';

/** An option the chain tracks: its instrument token, tradingsymbol and strike. */
export interface ChainOption {
  token: number;
  symbol: string;
  strike: number;
}

/** The latest live values of one token (from ticks); null fields are not known yet. */
export interface LiveQuote {
  ltp: number | null;
  oi: number | null;
}

export interface ChainCycleInput {
  spec: Pick<ChainSpec, 'id' | 'strikeStep'>;
  /** The underlying's display name, e.g. 'NIFTY 50'. */
  underlying: string;
  underlyingPrice: number | null;
  /** The instant the cycle computes for (epoch ms). */
  now: number;
  /** 'YYYY-MM-DD', or null when no expiry is known (then IV is null). */
  expiry: string | null;
  /** Every strike listed for the expiry (any order); empty means "the strikes of `calls` and `puts`". */
  listedStrikes: readonly number[];
  /** STRIKES_EACH_SIDE: rows are ATM ± this many steps (those that are listed). */
  strikesEachSide: number;
  /**
   * Call and put instruments of (at least) the shown strikes, any order. Extra ones (e.g. the
   * subscribed buffer strikes) are ignored; shown strikes without an instrument get no row.
   */
  calls: readonly ChainOption[];
  puts: readonly ChainOption[];
  /** Latest LTP/OI per token. A token (or field) missing here falls back to the history's latest point. */
  quotes: ReadonlyMap<number, LiveQuote>;
  history: OiLookup;
  /** From `oiWindows(OI_CHANGE_WINDOWS, OI_CHANGE_THRESHOLDS)`. */
  windows: readonly OiWindow[];
  /** Call and put OI of every strike of the expiry (quote API), or null when it failed this cycle. */
  wholeChain: readonly StrikeOi[] | null;
  status: ChainStatus;
  notes: readonly string[];
  /** Risk-free rate (a fraction, from RISK_FREE_RATE) for IV and the Greeks; default 0.1. */
  rate?: number;
  /** false: leave IV and the Greeks null (a rule replay that reads neither); default true. */
  volatility?: boolean;
  /** false: leave the buildup null (a replay that does not read it); default true. */
  buildup?: boolean;
}

export interface WholeChainFigures {
  pcrAll: number | null;
  maxPain: number | null;
  support: number | null;
  resistance: number | null;
}

/** PCR, max pain, support and resistance over the whole chain; all null when it is unavailable. */
export function wholeChainFigures(chain: readonly StrikeOi[] | null, atm: number | null): WholeChainFigures {
  if (!chain) return { pcrAll: null, maxPain: null, support: null, resistance: null };
  return { pcrAll: pcrAll(chain), maxPain: maxPain(chain), ...supportResistance(chain, atm) };
}

interface RowContext {
  input: ChainCycleInput;
  atm: number;
  shown: ReadonlySet<number>;
}

const NO_VALUES: LiveQuote = Object.freeze({ ltp: null, oi: null });

function liveValues(input: ChainCycleInput, token: number): LiveQuote {
  const quote = input.quotes.get(token);
  if (quote && quote.ltp !== null && quote.oi !== null) return quote;
  const latest = input.history.latest(token);
  // Without a quote, the history's point itself (no copy: rows are made by the hundred thousand in a replay).
  if (!quote) return latest ?? NO_VALUES;
  return { ltp: quote.ltp ?? latest?.ltp ?? null, oi: quote.oi ?? latest?.oi ?? null };
}

/** IV (percent) and the Greeks at it, with the same rate (`input.rate ?? IV_RATE`) for both. */
const NO_VOLATILITY = Object.freeze({ iv: null, delta: null, gamma: null, theta: null, vega: null });

function volatilityFigures(
  input: ChainCycleInput,
  row: { ltp: number | null; strike: number; type: OptionType },
): RowGreeks & { iv: number | null } {
  const { expiry, now } = input;
  const rate = input.rate ?? IV_RATE;
  const spot = input.underlyingPrice;
  if (expiry === null || input.volatility === false) return NO_VOLATILITY;
  const iv = impliedVolPct({ ...row, spot, expiry, now, rate });
  return { iv, ...rowGreeks({ iv, spot, strike: row.strike, type: row.type, expiry, now, rate }) };
}

function optionRow(option: ChainOption, type: OptionType, { input, atm }: RowContext): OptionRow {
  const { now, history } = input;
  const strike = cleanStrike(option.strike);
  const values = liveValues(input, option.token);
  const { ltp, oi } = values;
  const changes = oiChanges(history, option.token, now, oi, input.windows);
  const volatility = volatilityFigures(input, { ltp, strike, type });
  // Listed field by field (no spread): every row has one shape, cheaper to make by the hundred thousand.
  return {
    strike,
    type,
    symbol: option.symbol,
    token: option.token,
    ltp,
    oi,
    oiChangePct: changes.oiChangePct,
    breaches: changes.breaches,
    moneyness: moneyness(strike, atm, type),
    buildup:
      input.buildup === false
        ? null
        : buildup(values, history.baseAt(option.token, now - BUILDUP_MINUTES * MINUTE_MS)),
    iv: volatility.iv,
    delta: volatility.delta,
    gamma: volatility.gamma,
    theta: volatility.theta,
    vega: volatility.vega,
  };
}

/** Rows of one side for the shown strikes, ascending by strike, one per strike (the first given wins). */
function sideRows(options: readonly ChainOption[], type: OptionType, context: RowContext): OptionRow[] {
  const seen = new Set<number>();
  const picked: ChainOption[] = [];
  for (const option of options) {
    const strike = cleanStrike(option.strike);
    if (!context.shown.has(strike) || seen.has(strike)) continue;
    seen.add(strike);
    picked.push(option);
  }
  picked.sort((a, b) => a.strike - b.strike);
  return picked.map((option) => optionRow(option, type, context));
}

/** Σ put OI / Σ call OI over the shown rows (an OI not known yet counts as 0); null when the call sum is 0. */
export function shownPcr(calls: readonly OptionRow[], puts: readonly OptionRow[]): number | null {
  const byStrike = new Map<number, StrikeOi>();
  const entry = (strike: number): StrikeOi => {
    let row = byStrike.get(strike);
    if (!row) byStrike.set(strike, (row = { strike, callOi: 0, putOi: 0 }));
    return row;
  };
  for (const call of calls) entry(call.strike).callOi += call.oi ?? 0;
  for (const put of puts) entry(put.strike).putOi += put.oi ?? 0;
  return putCallRatio(byStrike.values());
}

/**
 * The chain's snapshot for one cycle: ATM from the underlying price, rows for the shown strikes
 * (ascending; OI change unrounded), PCR over them, and the whole-chain figures. Without an underlying
 * price there is no ATM and no rows; the whole-chain figures are still computed.
 */
export function computeChainSnapshot(input: ChainCycleInput): ChainSnapshot {
  const { spec, underlyingPrice } = input;
  const atm = underlyingPrice === null ? null : atmStrike(underlyingPrice, spec.strikeStep);
  let calls: OptionRow[] = [];
  let puts: OptionRow[] = [];
  if (atm !== null) {
    const listed =
      input.listedStrikes.length > 0
        ? input.listedStrikes
        : [...input.calls, ...input.puts].map((option) => option.strike);
    const { shown } = strikeWindow({ atm, step: spec.strikeStep, eachSide: input.strikesEachSide, listed });
    const context: RowContext = { input, atm, shown: new Set(shown) };
    calls = sideRows(input.calls, 'CE', context);
    puts = sideRows(input.puts, 'PE', context);
  }
  return {
    chainId: spec.id,
    underlying: input.underlying,
    underlyingPrice,
    atmStrike: atm,
    expiry: input.expiry,
    pcr: calls.length + puts.length > 0 ? shownPcr(calls, puts) : null,
    ...wholeChainFigures(input.wholeChain, atm),
    status: input.status,
    notes: [...input.notes],
    lastUpdate: input.now,
    calls,
    puts,
  };
}
