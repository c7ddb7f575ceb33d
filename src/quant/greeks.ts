/**
 * Black-Scholes Greeks of a European option on a non-dividend-paying underlying, in the units a
 * trader reads them: per one unit of the underlying (multiply by the lot size for a lot).
 */
import { normalCdf, normalPdf, type PricingInput } from './black-scholes.ts';

export interface Greeks {
  /** Change in price per point of the underlying: calls 0..1, puts −1..0. */
  delta: number;
  /** Change in delta per point of the underlying. */
  gamma: number;
  /** Change in price per calendar day (the annual figure / 365), in rupees; negative for a bought option. */
  theta: number;
  /** Change in price per one volatility point (per 1%), in rupees. */
  vega: number;
}

/** Calendar days in the year that theta is spread over. */
export const THETA_DAYS_PER_YEAR = 365;

/**
 * The four Greeks at `vol` (a fraction, e.g. 0.12), or null when they are not defined: years <= 0
 * (expired), vol <= 0, or a non-positive spot or strike. With no dividend, call delta − put delta = 1.
 */
export function blackScholesGreeks(input: PricingInput): Greeks | null {
  const { spot, strike, years, rate, vol, type } = input;
  if (!(years > 0 && vol > 0 && spot > 0 && strike > 0)) return null;
  const sqrtYears = Math.sqrt(years);
  const d1 = (Math.log(spot / strike) + (rate + 0.5 * vol * vol) * years) / (vol * sqrtYears);
  const d2 = d1 - vol * sqrtYears;
  const density = normalPdf(d1);
  const discountedStrike = strike * Math.exp(-rate * years);
  const decay = (-spot * density * vol) / (2 * sqrtYears);
  const annualTheta =
    type === 'CE'
      ? decay - rate * discountedStrike * normalCdf(d2)
      : decay + rate * discountedStrike * normalCdf(-d2);
  return {
    delta: type === 'CE' ? normalCdf(d1) : normalCdf(d1) - 1,
    gamma: density / (spot * vol * sqrtYears),
    theta: annualTheta / THETA_DAYS_PER_YEAR,
    vega: (spot * density * sqrtYears) / 100,
  };
}

/** The decimals each Greek is shown with (JSON, tables): delta 4, gamma 6, theta 2, vega 2. */
export const GREEK_DECIMALS = { delta: 4, gamma: 6, theta: 2, vega: 2 } as const;

export type MaybeGreeks = { [K in keyof Greeks]: number | null };

const roundTo = (value: number | null, decimals: number): number | null => {
  if (value === null || !Number.isFinite(value)) return null;
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale + 0; // + 0 turns -0 into 0
};

/** The four Greeks of `row` rounded for display (`GREEK_DECIMALS`); null stays null. */
export function roundedGreeks(row: MaybeGreeks): MaybeGreeks {
  return {
    delta: roundTo(row.delta, GREEK_DECIMALS.delta),
    gamma: roundTo(row.gamma, GREEK_DECIMALS.gamma),
    theta: roundTo(row.theta, GREEK_DECIMALS.theta),
    vega: roundTo(row.vega, GREEK_DECIMALS.vega),
  };
}
