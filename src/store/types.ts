/** Shapes crossing the store's API: epoch milliseconds and rupees. */
import type { OptionType } from '../kite/types.ts';
import type { PublishedCycle } from '../tracker/types.ts';

export type { CycleSettings } from '../tracker/types.ts';

export interface InstrumentRecord {
  token: number;
  /** The chain's id: 'NSE', 'BSE', … */
  chainId: string;
  symbol: string;
  strike: number;
  optionType: OptionType;
  /** 'YYYY-MM-DD'. */
  expiry: string;
  /** Exchange of the option: 'NFO', 'BFO'. */
  exchange: string;
  lotSize: number;
}

/** One observation of one option; `time` in epoch ms (stored to the second), `ltp` in rupees. */
export interface ObservationRecord {
  token: number;
  time: number;
  oi: number;
  ltp: number;
}

export interface CycleRecord {
  chainId: string;
  /** The instant the cycle computed for (epoch ms). */
  time: number;
  /** Null for a cycle without the index's price (no rows): only its `published` row is stored. */
  underlyingPrice: number | null;
  atm: number | null;
  /** PCR over the shown strikes, when known. */
  pcr?: number | null;
  observations: ObservationRecord[];
  /** Whether to write the underlying snapshot (price, ATM, PCR) too; default true (the nearest expiry's). */
  underlyingSnapshot?: boolean;
  /** What the cycle published besides its rows, when it published a Live or Stale snapshot. */
  published?: StoredCycle;
}

/** One published cycle as stored: everything it read except its observations. */
export type StoredCycle = PublishedCycle;

/**
 * A token's stored observations as columns, ascending by time: instants in epoch ms, LTP in rupees, and
 * when each became known (-1 for a live one, the using cycle's instant for a backfilled one).
 */
export interface StoredSeries {
  time: Float64Array;
  oi: Float64Array;
  ltp: Float64Array;
  knownAt: Float64Array;
}

export interface UnderlyingPoint {
  time: number;
  price: number;
  atm: number;
  pcr: number | null;
}

export interface PruneResult {
  /** Published cycles. */
  cycles: number;
  observations: number;
  underlying: number;
  /** Expired instruments with no observation left. */
  instruments: number;
}

export interface StoreHealth {
  ok: boolean;
  path: string;
  /** Database file plus its write-ahead log, in bytes. */
  sizeBytes: number;
  error?: string;
}
