/** Black-Scholes pricing of European options on a non-dividend-paying underlying, and implied volatility. */

export type OptionKind = 'CE' | 'PE';

export interface OptionContract {
  spot: number;
  strike: number;
  /** Time to expiry in years. */
  years: number;
  /** Continuously compounded risk-free rate, e.g. 0.1 for 10%. */
  rate: number;
  type: OptionKind;
}

export interface PricingInput extends OptionContract {
  /** Annualised volatility, e.g. 0.12 for 12%. */
  vol: number;
}

export interface ImpliedVolatilityInput extends OptionContract {
  price: number;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Standard normal CDF (Hart's 1968 approximation): absolute error below 1e-15, relative below 1e-8. */
export function normalCdf(x: number): number {
  const z = Math.abs(x);
  let tail: number;
  if (z > 37) {
    tail = 0;
  } else if (z < 7.07106781186547) {
    let num = 3.52624965998911e-2 * z + 0.700383064443688;
    num = num * z + 6.37396220353165;
    num = num * z + 33.912866078383;
    num = num * z + 112.079291497871;
    num = num * z + 221.213596169931;
    num = num * z + 220.206867912376;
    let den = 8.83883476483184e-2 * z + 1.75566716318264;
    den = den * z + 16.064177579207;
    den = den * z + 86.7807322029461;
    den = den * z + 296.564248779674;
    den = den * z + 637.333633378831;
    den = den * z + 793.826512519948;
    den = den * z + 440.413735824752;
    tail = (Math.exp(-0.5 * z * z) * num) / den;
  } else {
    let fraction = z + 0.65;
    fraction = z + 4 / fraction;
    fraction = z + 3 / fraction;
    fraction = z + 2 / fraction;
    fraction = z + 1 / fraction;
    tail = Math.exp(-0.5 * z * z) / fraction / Math.sqrt(2 * Math.PI);
  }
  return x > 0 ? 1 - tail : tail;
}

/** Price bounds any arbitrage-free option price lies within: [lower, upper]. */
export function noArbitrageBounds({ spot, strike, years, rate, type }: OptionContract): {
  lower: number;
  upper: number;
} {
  const discountedStrike = strike * Math.exp(-rate * Math.max(years, 0));
  return type === 'CE'
    ? { lower: Math.max(spot - discountedStrike, 0), upper: spot }
    : { lower: Math.max(discountedStrike - spot, 0), upper: discountedStrike };
}

/** With years <= 0 or vol <= 0 the option is worth its (discounted) intrinsic value. */
export function blackScholesPrice(input: PricingInput): number {
  const { spot, strike, years, rate, vol, type } = input;
  if (years <= 0 || vol <= 0) return noArbitrageBounds(input).lower;
  const sqrtYears = Math.sqrt(years);
  const d1 = (Math.log(spot / strike) + (rate + 0.5 * vol * vol) * years) / (vol * sqrtYears);
  const d2 = d1 - vol * sqrtYears;
  const discountedStrike = strike * Math.exp(-rate * years);
  return type === 'CE'
    ? spot * normalCdf(d1) - discountedStrike * normalCdf(d2)
    : discountedStrike * normalCdf(-d2) - spot * normalCdf(-d1);
}

/** Sensitivity of the price to volatility (per 1.00 of vol), identical for calls and puts. */
export function blackScholesVega({ spot, strike, years, rate, vol }: Omit<PricingInput, 'type'>): number {
  if (years <= 0 || vol <= 0) return 0;
  const sqrtYears = Math.sqrt(years);
  const d1 = (Math.log(spot / strike) + (rate + 0.5 * vol * vol) * years) / (vol * sqrtYears);
  return spot * normalPdf(d1) * sqrtYears;
}

const MIN_VOL = 1e-6;
const MAX_VOL = 10;
const MAX_ITERATIONS = 200;

/**
 * The volatility at which Black-Scholes reproduces `price`, or null when no positive volatility does
 * (price at or beyond the no-arbitrage bounds, non-positive inputs, or years <= 0).
 * Newton steps, falling back to bisection whenever a step would leave the bracketing interval.
 */
export function impliedVolatility(input: ImpliedVolatilityInput): number | null {
  const { price, spot, strike, years } = input;
  if (!(years > 0 && spot > 0 && strike > 0 && Number.isFinite(price))) return null;
  const { lower, upper } = noArbitrageBounds(input);
  if (price <= lower || price >= upper) return null;

  const { rate, type } = input;
  const priceAt = (vol: number): number => blackScholesPrice({ spot, strike, years, rate, type, vol });
  let low = MIN_VOL;
  let high = MAX_VOL;
  if (priceAt(low) > price || priceAt(high) < price) return null;

  const tolerance = 1e-10 * Math.max(1, price);
  let vol = 0.2;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const error = priceAt(vol) - price;
    if (Math.abs(error) < tolerance) return vol;
    if (error > 0) high = vol;
    else low = vol;
    const vega = blackScholesVega({ spot, strike, years, rate, vol });
    const newton = vega > 0 ? vol - error / vega : NaN;
    vol = newton > low && newton < high ? newton : 0.5 * (low + high);
    if (high - low < 1e-12) return vol;
  }
  return vol;
}
