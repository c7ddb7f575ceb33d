import type { Quote } from '../kite/rest-client.ts';
import type { Candle, TickMode } from '../kite/types.ts';
import type { OiPoint, PublishedCycle } from './types.ts';

/** The REST calls a chain tracker makes (Kite's, through the shared rate-limited client). */
export interface MarketRest {
  historicalMinutes(token: number, fromMs: number, toMs: number): Promise<Candle[]>;
  quote(instruments: readonly string[]): Promise<Map<string, Quote>>;
}

/** The ticker subscriptions a chain tracker manages. */
export interface TickerSubscriptions {
  subscribe(tokens: readonly number[], mode: TickMode): void;
  unsubscribe(tokens: readonly number[]): void;
  readonly connectedCount: number;
}

export interface ObservationRow {
  token: number;
  time: number;
  oi: number;
  ltp: number;
}

/** What a chain tracker persists and recovers. */
export interface ChainStore {
  upsertInstruments(
    rows: {
      token: number;
      chainId: string;
      symbol: string;
      strike: number;
      optionType: 'CE' | 'PE';
      expiry: string;
      exchange: string;
      lotSize: number;
    }[],
  ): void;
  saveCycle(cycle: {
    chainId: string;
    time: number;
    underlyingPrice: number | null;
    atm: number | null;
    pcr?: number | null;
    observations: ObservationRow[];
    /** Whether to write the underlying snapshot (price, ATM, PCR) too; default true. */
    underlyingSnapshot?: boolean;
    published?: PublishedCycle;
  }): void;
  /** Stores backfilled rows known from `knownAt`, never over a stored one; answers the rows inserted. */
  saveObservations(rows: ObservationRow[], knownAt: number): ObservationRow[];
  lastUpdate(chainId: string): number | null;
  loadObservations(chainId: string, sinceMs: number): Map<number, OiPoint[]>;
}
