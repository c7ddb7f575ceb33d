/** Per-option figures of a chain row: moneyness, price/OI buildup, implied volatility and the Greeks. */
import type { OptionType } from '../kite/types.ts';
import { impliedVolatility } from '../quant/black-scholes.ts';
import { blackScholesGreeks } from '../quant/greeks.ts';
import { DAY_MS, istWallClock } from '../util/ist.ts';
import type { Buildup, Moneyness } from './types.ts';

/** Risk-free rate of IV and the Greeks when the cycle gives none: RISK_FREE_RATE's default, 10% (continuous). */
export const IV_RATE = 0.1;
/** Options expire at the close on their expiry date, IST. */
export const EXPIRY_TIME_IST = '15:30';
/** Year length for time to expiry: 365 calendar days. */
export const YEAR_MS = 365 * DAY_MS;
/** The window buildup compares against, minutes. */
export const BUILDUP_MINUTES = 5;

/** ATM for the ATM strike (either type); calls below ATM and puts above ATM are ITM; the rest OTM. */
export function moneyness(strike: number, atm: number, type: OptionType): Moneyness {
  if (strike === atm) return 'ATM';
  const inTheMoney = type === 'CE' ? strike < atm : strike > atm;
  return inTheMoney ? 'ITM' : 'OTM';
}

/**
 * Price and OI now against a base observation (the 5-minute one):
 * price↑ OI↑ Long Buildup, price↓ OI↑ Short Buildup, price↑ OI↓ Short Covering, price↓ OI↓ Long Unwinding.
 * Null when there is no base, a value is missing, or either price or OI is unchanged.
 */
export function buildup(
  now: { ltp: number | null; oi: number | null },
  base: { ltp: number; oi: number } | null | undefined,
): Buildup | null {
  if (!base || now.ltp === null || now.oi === null) return null;
  const price = Math.sign(now.ltp - base.ltp);
  const oi = Math.sign(now.oi - base.oi);
  if (price === 0 || oi === 0 || Number.isNaN(price) || Number.isNaN(oi)) return null;
  if (oi > 0) return price > 0 ? 'Long Buildup' : 'Short Buildup';
  return price > 0 ? 'Short Covering' : 'Long Unwinding';
}

/** Epoch ms at which options of `expiry` ('YYYY-MM-DD') expire: 15:30 IST that day. */
export function expiryInstant(expiry: string): number {
  return istWallClock(expiry, EXPIRY_TIME_IST);
}

/** Years from `now` to 15:30 IST on the expiry date (negative once expired). */
export function yearsToExpiry(expiry: string, now: number): number {
  return (expiryInstant(expiry) - now) / YEAR_MS;
}

export interface IvInput {
  ltp: number | null;
  spot: number | null;
  strike: number;
  type: OptionType;
  /** 'YYYY-MM-DD'. */
  expiry: string;
  now: number;
  /** Default 10%. */
  rate?: number;
}

/** Black-Scholes implied volatility in percent (e.g. 12.5), or null when expired, a price is missing, or unsolvable. */
export function impliedVolPct({
  ltp,
  spot,
  strike,
  type,
  expiry,
  now,
  rate = IV_RATE,
}: IvInput): number | null {
  if (ltp === null || spot === null || !(ltp > 0)) return null;
  const years = yearsToExpiry(expiry, now);
  if (!(years > 0)) return null;
  const vol = impliedVolatility({ price: ltp, spot, strike, years, rate, type });
  return vol === null ? null : vol * 100;
}

/** A row's Greeks per unit of the underlying (see `blackScholesGreeks`), unrounded; all null without an IV. */
export interface RowGreeks {
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
}

const NO_GREEKS: RowGreeks = { delta: null, gamma: null, theta: null, vega: null };

/**
 * Black-Scholes Greeks at the row's own (unrounded) IV in percent, the cycle's underlying price, time
 * to 15:30 IST on the expiry date and the same rate as the IV; all null when the IV or spot is null.
 */
export function rowGreeks(input: Omit<IvInput, 'ltp'> & { iv: number | null }): RowGreeks {
  const { iv, spot, strike, type, expiry, now, rate = IV_RATE } = input;
  if (iv === null || spot === null) return NO_GREEKS;
  const greeks = blackScholesGreeks({
    spot,
    strike,
    type,
    rate,
    vol: iv / 100,
    years: yearsToExpiry(expiry, now),
  });
  return greeks ?? NO_GREEKS;
}
