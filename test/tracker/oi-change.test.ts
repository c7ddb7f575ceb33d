import { describe, expect, it } from 'vitest';
import { isBreach, oiChangePct, oiChanges, oiWindows } from '../../src/tracker/oi-change.ts';
import { OiHistory } from '../../src/tracker/oi-history.ts';

const T0 = Date.UTC(2026, 10, 24, 4, 0, 0);
const MIN = 60_000;
const TOKEN = 11;

describe('oiChangePct', () => {
  it('is (now − base) / base × 100, unrounded and exact for whole percents', () => {
    expect(oiChangePct(1_080, { oi: 1_000 })).toBe(8);
    expect(oiChangePct(107, { oi: 100 })).toBe(7); // 7 / 100 × 100 would be 7.000000000000001
    expect(oiChangePct(900, { oi: 1_000 })).toBe(-10);
    expect(oiChangePct(1_000, { oi: 3 })).toBeCloseTo(33_233.333333, 5);
  });

  it('is null without a base or with a zero base', () => {
    expect(oiChangePct(1_000, null)).toBeNull();
    expect(oiChangePct(1_000, undefined)).toBeNull();
    expect(oiChangePct(1_000, { oi: 0 })).toBeNull();
  });
});

describe('isBreach', () => {
  it('judges the unrounded pct: 7.996 does not breach 8 though it shows as 8.00', () => {
    const pct = oiChangePct(10_799.6, { oi: 10_000 })!;
    expect(pct).toBeCloseTo(7.996, 10);
    expect(pct.toFixed(2)).toBe('8.00');
    expect(isBreach(pct, 8)).toBe(false);
    expect(isBreach(8, 8)).toBe(true);
    expect(isBreach(-8, 8)).toBe(true);
    expect(isBreach(-7.999999, 8)).toBe(false);
    expect(isBreach(null, 0)).toBe(false);
  });
});

describe('oiWindows', () => {
  it('pairs the default windows with the default thresholds', () => {
    expect(oiWindows()).toEqual([
      { minutes: 5, thresholdPct: 8, key: '5' },
      { minutes: 10, thresholdPct: 10, key: '10' },
      { minutes: 15, thresholdPct: 15, key: '15' },
      { minutes: 30, thresholdPct: 25, key: '30' },
    ]);
  });

  it('rejects mismatched lengths and bad values', () => {
    expect(() => oiWindows([5, 10], [8])).toThrow(/pair up/);
    expect(() => oiWindows([0], [8])).toThrow(RangeError);
    expect(() => oiWindows([5], [-1])).toThrow(RangeError);
  });
});

describe('oiChanges', () => {
  const windows = oiWindows();
  const now = T0 + 40 * MIN;

  it('uses the latest observation at or before now − window, across gaps', () => {
    const h = new OiHistory();
    h.record(TOKEN, { time: T0 + 5 * MIN, oi: 750, ltp: 1 }); // older than every base: never used
    h.record(TOKEN, { time: T0 + 10 * MIN, oi: 800, ltp: 1 }); // exactly now − 30: the 30-minute base
    h.record(TOKEN, { time: T0 + 24 * MIN, oi: 1_000, ltp: 1 }); // gap 10 → 24: the 15-minute base (now − 15 = 25)
    h.record(TOKEN, { time: T0 + 30 * MIN + 1, oi: 5_000, ltp: 1 }); // 1 ms after now − 10: not the 10-minute base
    h.record(TOKEN, { time: T0 + 35 * MIN, oi: 1_100, ltp: 1 }); // exactly now − 5
    const { oiChangePct, breaches } = oiChanges(h, TOKEN, now, 1_200, windows);
    expect(oiChangePct).toEqual({
      '5': ((1_200 - 1_100) * 100) / 1_100, // 9.09…
      '10': 20, // base 1000 at 24 min
      '15': 20,
      '30': 50, // base 800
    });
    expect(breaches).toEqual(['5', '10', '15', '30']);
  });

  it('is null for windows reaching before the first observation, and for a zero base', () => {
    const h = new OiHistory();
    h.record(TOKEN, { time: T0 + 20 * MIN, oi: 0, ltp: 1 });
    h.record(TOKEN, { time: T0 + 34 * MIN, oi: 1_000, ltp: 1 });
    const { oiChangePct, breaches } = oiChanges(h, TOKEN, now, 1_079, windows);
    expect(oiChangePct['5']).toBeCloseTo(7.9, 12); // below 8: no breach
    expect(oiChangePct['10']).toBeNull(); // base has OI 0
    expect(oiChangePct['15']).toBeNull();
    expect(oiChangePct['30']).toBeNull(); // nothing at or before now − 30
    expect(breaches).toEqual([]);
  });

  it('gives nulls and no breaches without a live OI, and for unknown tokens', () => {
    const h = new OiHistory();
    h.record(TOKEN, { time: T0, oi: 1_000, ltp: 1 });
    expect(oiChanges(h, TOKEN, now, null, windows)).toEqual({
      oiChangePct: { '5': null, '10': null, '15': null, '30': null },
      breaches: [],
    });
    expect(oiChanges(h, 999, now, 5, windows).breaches).toEqual([]);
  });

  it('breaches on a fall as well as a rise, per window threshold', () => {
    const h = new OiHistory();
    h.record(TOKEN, { time: now - 30 * MIN, oi: 1_000, ltp: 1 });
    h.record(TOKEN, { time: now - 5 * MIN, oi: 800, ltp: 1 });
    // 5 min: 760 vs 800 = −5% (< 8); 10/15/30 min: 760 vs 1000 = −24% (≥ 10, ≥ 15, < 25)
    expect(oiChanges(h, TOKEN, now, 760, windows).breaches).toEqual(['10', '15']);
  });
});
