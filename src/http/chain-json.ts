import type { ChainSnapshot, OptionRow } from '../tracker/types.ts';
import { roundedGreeks } from '../quant/greeks.ts';
import { formatIstIso } from '../util/ist.ts';

/** The JSON shape other tools read (`/api/data`): the seed's field names, numbers rounded for display. */
export interface ChainJson {
  exchange: string;
  underlying: string;
  underlying_price: number | null;
  /** Points since the previous session's close, when the feed gave the close. */
  underlying_change: number | null;
  atm_strike: number | null;
  expiry: string | null;
  pcr: number | null;
  pcr_all: number | null;
  max_pain: number | null;
  support: number | null;
  resistance: number | null;
  status: string;
  notes: string[];
  last_update: string;
  data_age_s: number | null;
  call_options: RowJson[];
  put_options: RowJson[];
}

export interface RowJson {
  strike: number;
  symbol: string;
  token: number;
  ltp: number | null;
  oi: number | null;
  oi_change_pct: Record<string, number | null>;
  breaches: string[];
  moneyness: string;
  buildup: string | null;
  iv: number | null;
  /**
   * Black-Scholes at the unrounded IV, per unit of the underlying: delta (4 decimals), gamma (6),
   * theta in rupees per day (2), vega in rupees per vol point (2); null wherever `iv` is null.
   */
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
}

export function round2(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.round(value * 100) / 100;
}

function rowJson(row: OptionRow, windows: readonly number[]): RowJson {
  const changes: Record<string, number | null> = {};
  for (const window of windows) changes[String(window)] = round2(row.oiChangePct[String(window)] ?? null);
  return {
    strike: row.strike,
    symbol: row.symbol,
    token: row.token,
    ltp: row.ltp,
    oi: row.oi,
    oi_change_pct: changes,
    breaches: row.breaches,
    moneyness: row.moneyness,
    buildup: row.buildup,
    iv: round2(row.iv),
    ...roundedGreeks(row),
  };
}

export function chainJson(
  snapshot: ChainSnapshot,
  windows: readonly number[],
  dataAgeS: number | null,
): ChainJson {
  return {
    exchange: snapshot.chainId,
    underlying: snapshot.underlying,
    underlying_price: snapshot.underlyingPrice,
    underlying_change: snapshot.underlyingChange ?? null,
    atm_strike: snapshot.atmStrike,
    expiry: snapshot.expiry,
    pcr: round2(snapshot.pcr),
    pcr_all: round2(snapshot.pcrAll),
    max_pain: snapshot.maxPain,
    support: snapshot.support,
    resistance: snapshot.resistance,
    status: snapshot.status,
    notes: snapshot.notes,
    last_update: formatIstIso(snapshot.lastUpdate),
    data_age_s: dataAgeS === null ? null : Math.round(dataAgeS * 10) / 10,
    call_options: snapshot.calls.map((row) => rowJson(row, windows)),
    put_options: snapshot.puts.map((row) => rowJson(row, windows)),
  };
}
