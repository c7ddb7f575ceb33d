import { describe, expect, it } from 'vitest';
import type { OptionType } from '../../src/kite/types.ts';
import { blackScholesPrice } from '../../src/quant/black-scholes.ts';
import {
  buildup,
  expiryInstant,
  impliedVolPct,
  moneyness,
  yearsToExpiry,
  YEAR_MS,
} from '../../src/tracker/option-row.ts';

describe('moneyness', () => {
  it('marks the ATM strike ATM for both types', () => {
    expect(moneyness(25_600, 25_600, 'CE')).toBe('ATM');
    expect(moneyness(25_600, 25_600, 'PE')).toBe('ATM');
  });

  it('calls below ATM and puts above ATM are ITM, the rest OTM', () => {
    expect(moneyness(25_550, 25_600, 'CE')).toBe('ITM');
    expect(moneyness(25_650, 25_600, 'CE')).toBe('OTM');
    expect(moneyness(25_650, 25_600, 'PE')).toBe('ITM');
    expect(moneyness(25_550, 25_600, 'PE')).toBe('OTM');
  });
});

describe('buildup', () => {
  const base = { ltp: 100, oi: 1_000 };

  it('names the four quadrants', () => {
    expect(buildup({ ltp: 101, oi: 1_100 }, base)).toBe('Long Buildup');
    expect(buildup({ ltp: 99, oi: 1_100 }, base)).toBe('Short Buildup');
    expect(buildup({ ltp: 101, oi: 900 }, base)).toBe('Short Covering');
    expect(buildup({ ltp: 99, oi: 900 }, base)).toBe('Long Unwinding');
  });

  it('is null when price or OI is unchanged, a value is missing, or there is no base', () => {
    expect(buildup({ ltp: 100, oi: 1_100 }, base)).toBeNull();
    expect(buildup({ ltp: 101, oi: 1_000 }, base)).toBeNull();
    expect(buildup({ ltp: null, oi: 1_100 }, base)).toBeNull();
    expect(buildup({ ltp: 101, oi: null }, base)).toBeNull();
    expect(buildup({ ltp: 101, oi: 1_100 }, null)).toBeNull();
  });
});

describe('time to expiry', () => {
  it('runs to 15:30 IST on the expiry date', () => {
    expect(expiryInstant('2026-11-24')).toBe(Date.UTC(2026, 10, 24, 10, 0, 0));
    const now = Date.UTC(2026, 10, 23, 10, 0, 0); // 15:30 IST the day before
    expect(yearsToExpiry('2026-11-24', now)).toBe(1 / 365);
  });
});

describe('impliedVolPct', () => {
  const now = Date.UTC(2026, 10, 24, 5, 0, 0); // 10:30 IST
  const expiry = '2026-12-01';
  const years = (expiryInstant(expiry) - now) / YEAR_MS;

  it('recovers the volatility a Black-Scholes price was made with', () => {
    const cases: [strike: number, type: OptionType, vol: number][] = [
      [25_600, 'CE', 0.12],
      [25_600, 'PE', 0.12],
      [25_300, 'CE', 0.15],
      [25_900, 'PE', 0.18],
      [26_000, 'CE', 0.11],
    ];
    for (const [strike, type, vol] of cases) {
      const ltp = blackScholesPrice({ spot: 25_612.35, strike, years, rate: 0.1, vol, type });
      const iv = impliedVolPct({ ltp, spot: 25_612.35, strike, type, expiry, now });
      expect(iv).not.toBeNull();
      expect(iv!).toBeCloseTo(vol * 100, 6);
    }
  });

  it('uses a 10% rate unless told otherwise', () => {
    const ltp = blackScholesPrice({ spot: 84_000, strike: 84_000, years, rate: 0.1, vol: 0.13, type: 'CE' });
    expect(impliedVolPct({ ltp, spot: 84_000, strike: 84_000, type: 'CE', expiry, now })).toBeCloseTo(13, 6);
    const other = impliedVolPct({ ltp, spot: 84_000, strike: 84_000, type: 'CE', expiry, now, rate: 0.05 });
    expect(other).not.toBeCloseTo(13, 2);
  });

  it('is null when expired, unsolvable, or a price is missing', () => {
    const base = { spot: 25_600, strike: 25_600, type: 'CE' as const, expiry };
    expect(impliedVolPct({ ...base, ltp: 100, now: expiryInstant(expiry) })).toBeNull();
    expect(impliedVolPct({ ...base, ltp: 100, now: expiryInstant(expiry) + 1 })).toBeNull();
    expect(impliedVolPct({ ...base, ltp: 0, now })).toBeNull();
    expect(impliedVolPct({ ...base, ltp: null, now })).toBeNull();
    expect(impliedVolPct({ ...base, ltp: 100, spot: null, now })).toBeNull();
    expect(impliedVolPct({ ...base, ltp: 30_000, now })).toBeNull(); // above the spot: no volatility gives it
    expect(impliedVolPct({ ...base, strike: 25_000, ltp: 10, now })).toBeNull(); // below intrinsic value
  });
});
