/** Shapes crossing the store's API: epoch milliseconds and rupees. */
import type { OptionType } from '../kite/types.ts';

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
  underlyingPrice: number;
  atm: number;
  /** PCR over the shown strikes, when known. */
  pcr?: number | null;
  observations: ObservationRecord[];
}

export interface UnderlyingPoint {
  time: number;
  price: number;
  atm: number;
  pcr: number | null;
}

export interface PruneResult {
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
