import { describe, expect, it } from 'vitest';
import {
  blackScholesPrice,
  impliedVolatility,
  noArbitrageBounds,
  normalCdf,
  type OptionKind,
} from '../../src/quant/black-scholes.ts';

describe('normalCdf', () => {
  it('matches reference values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 13);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 13);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 13);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300946, 14);
    expect(normalCdf(-8) / 6.220960574271819e-16).toBeCloseTo(1, 7);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(-40)).toBe(0);
  });

  it('is symmetric', () => {
    for (const x of [0.1, 0.5, 1.3, 2.7, 5, 7.5]) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 14);
  });
});

describe('blackScholesPrice', () => {
  const base = { spot: 100, strike: 100, years: 1, rate: 0.05, vol: 0.2 };

  it('matches the textbook example', () => {
    expect(blackScholesPrice({ ...base, type: 'CE' })).toBeCloseTo(10.450583572185565, 10);
    expect(blackScholesPrice({ ...base, type: 'PE' })).toBeCloseTo(5.573526022256971, 10);
  });

  it('satisfies put-call parity', () => {
    for (const strike of [20_000, 25_000, 25_600, 26_000, 30_000]) {
      for (const years of [0.001, 0.02, 0.25, 1]) {
        const contract = { spot: 25_600, strike, years, rate: 0.1, vol: 0.13 };
        const call = blackScholesPrice({ ...contract, type: 'CE' });
        const put = blackScholesPrice({ ...contract, type: 'PE' });
        expect(call - put).toBeCloseTo(25_600 - strike * Math.exp(-0.1 * years), 8);
      }
    }
  });

  it('is worth intrinsic value at or after expiry', () => {
    expect(blackScholesPrice({ ...base, spot: 110, years: 0, type: 'CE' })).toBe(10);
    expect(blackScholesPrice({ ...base, spot: 110, years: -1, type: 'PE' })).toBe(0);
    expect(blackScholesPrice({ ...base, spot: 90, years: 0, type: 'PE' })).toBe(10);
  });

  it('stays within the no-arbitrage bounds', () => {
    for (const type of ['CE', 'PE'] as const) {
      for (const strike of [50, 90, 100, 110, 200]) {
        const contract = { ...base, strike, type };
        const price = blackScholesPrice(contract);
        const { lower, upper } = noArbitrageBounds(contract);
        expect(price).toBeGreaterThanOrEqual(lower - 1e-12);
        expect(price).toBeLessThanOrEqual(upper + 1e-12);
      }
    }
  });
});

describe('impliedVolatility', () => {
  it('recovers the volatility a price was made with', () => {
    const types: OptionKind[] = ['CE', 'PE'];
    for (const type of types) {
      for (const strike of [24_000, 25_000, 25_600, 26_200, 27_000]) {
        for (const years of [2 / 365, 7 / 365, 30 / 365, 0.5]) {
          for (const vol of [0.08, 0.13, 0.3, 0.8]) {
            const contract = { spot: 25_600, strike, years, rate: 0.1, type };
            const price = blackScholesPrice({ ...contract, vol });
            const timeValue = price - noArbitrageBounds(contract).lower;
            if (timeValue < 1e-6) continue;
            const implied = impliedVolatility({ ...contract, price });
            expect(implied).not.toBeNull();
            expect(blackScholesPrice({ ...contract, vol: implied ?? 0 })).toBeCloseTo(price, 6);
            if (timeValue > 0.05) expect(implied).toBeCloseTo(vol, 4);
          }
        }
      }
    }
  });

  it('returns null outside the no-arbitrage bounds or without time left', () => {
    const contract = { spot: 100, strike: 90, years: 0.5, rate: 0.1, type: 'CE' as const };
    const { lower } = noArbitrageBounds(contract);
    expect(impliedVolatility({ ...contract, price: lower - 0.01 })).toBeNull();
    expect(impliedVolatility({ ...contract, price: lower })).toBeNull();
    expect(impliedVolatility({ ...contract, price: 100 })).toBeNull();
    expect(impliedVolatility({ ...contract, price: 150 })).toBeNull();
    expect(impliedVolatility({ ...contract, price: 15, years: 0 })).toBeNull();
    expect(impliedVolatility({ ...contract, price: Number.NaN })).toBeNull();
    expect(impliedVolatility({ ...contract, type: 'PE', price: 95 })).toBeNull();
    expect(impliedVolatility({ ...contract, price: 15 })).toBeGreaterThan(0);
  });
});
