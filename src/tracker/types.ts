import type { OptionType } from '../kite/types.ts';

/** One tracked option chain, from the CHAINS setting (defaults: NSE = NIFTY 50 on NFO, BSE = SENSEX on BFO). */
export interface ChainSpec {
  /** The chain's id in commands and the API: 'NSE', 'BSE', 'BANKNIFTY', … (upper case). */
  id: string;
  /** Other names accepted for it, upper case: 'NIFTY' for NSE, 'SENSEX' for BSE. */
  aliases: string[];
  /** The index's tradingsymbol in the instrument list: 'NIFTY 50', 'SENSEX', 'NIFTY BANK'. */
  underlying: string;
  /** Exchange of the index: 'NSE' or 'BSE'. */
  indexExchange: string;
  /** The `name` column of its options: 'NIFTY', 'SENSEX', 'BANKNIFTY'. */
  optionName: string;
  /** Exchange of its options: 'NFO' or 'BFO'. */
  optionsExchange: string;
  strikeStep: number;
}

/** One observation of an option: open interest and last price at an instant (epoch ms). */
export interface OiPoint {
  time: number;
  oi: number;
  ltp: number;
}

export type ChainStatus = 'Starting' | 'Live' | 'Stale' | 'Disconnected' | 'Closed' | 'History';
export type Moneyness = 'ITM' | 'ATM' | 'OTM';
export type Buildup = 'Long Buildup' | 'Short Buildup' | 'Short Covering' | 'Long Unwinding';

export interface OptionRow {
  strike: number;
  type: OptionType;
  symbol: string;
  token: number;
  ltp: number | null;
  oi: number | null;
  /** Unrounded percent change per window (minutes → pct); null when there is no usable base. */
  oiChangePct: Record<string, number | null>;
  /** Windows (as strings, e.g. '5') whose |pct| reached their threshold. */
  breaches: string[];
  moneyness: Moneyness;
  buildup: Buildup | null;
  /** Implied volatility in percent, or null when it cannot be solved. */
  iv: number | null;
  /**
   * Black-Scholes Greeks at `iv` (unrounded), per unit of the underlying; null wherever `iv` is null.
   * Delta per point of the underlying: calls 0..1, puts −1..0.
   */
  delta: number | null;
  /** Change in delta per point of the underlying. */
  gamma: number | null;
  /** Rupees per calendar day (annual / 365). */
  theta: number | null;
  /** Rupees per one volatility point (1%). */
  vega: number | null;
}

export interface ChainSnapshot {
  chainId: string;
  underlying: string;
  underlyingPrice: number | null;
  /** Points since the previous session's close, when the feed gave the close. */
  underlyingChange?: number | null;
  atmStrike: number | null;
  expiry: string | null;
  /** Σ put OI / Σ call OI over the shown strikes (unrounded). */
  pcr: number | null;
  /** Whole-chain figures from the quote API, once a cycle. */
  pcrAll: number | null;
  maxPain: number | null;
  support: number | null;
  resistance: number | null;
  status: ChainStatus;
  /** Notes on degraded data, e.g. 'historical API unavailable: live data only'. */
  notes: string[];
  /** The instant the cycle computed for (epoch ms). */
  lastUpdate: number;
  /** Ascending strike, 2 × STRIKES_EACH_SIDE + 1 rows each. */
  calls: OptionRow[];
  puts: OptionRow[];
}

/** The settings a cycle computed its rows with. */
export interface CycleSettings {
  /** The underlying's display name, e.g. 'NIFTY 50'. */
  underlying: string;
  strikeStep: number;
  strikesEachSide: number;
  windows: { minutes: number; thresholdPct: number }[];
  /** Risk-free rate (fraction) for IV. */
  rate: number;
}

/** What a published cycle read besides its observations; with them, it recomputes the cycle exactly. Instants in epoch ms. */
export interface PublishedCycle {
  chainId: string;
  time: number;
  expiry: string | null;
  /** 0 when `expiry` was the chain's nearest then, 1 the next, … */
  expiryRank: number;
  status: string;
  underlyingPrice: number | null;
  underlyingChange: number | null;
  pcrAll: number | null;
  maxPain: number | null;
  support: number | null;
  resistance: number | null;
  notes: string[];
  /**
   * Live observations before this instant were not in the cycle's history (a restart that did not
   * recover); a backfilled one counts from when it became known.
   */
  historySince: number;
  settings: CycleSettings;
}
