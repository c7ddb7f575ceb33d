import { describe, expect, it } from 'vitest';
import { OiHistory } from '../../src/tracker/oi-history.ts';
import type { OiPoint } from '../../src/tracker/types.ts';

const T0 = Date.UTC(2026, 10, 24, 4, 0, 0); // 09:30 IST
const MIN = 60_000;
const at = (minutes: number, oi: number, ltp = 100): OiPoint => ({ time: T0 + minutes * MIN, oi, ltp });
const times = (history: OiHistory, token: number): number[] =>
  history.points(token).map((p) => (p.time - T0) / MIN);

describe('OiHistory.record', () => {
  it('keeps points sorted, inserts late ones in place and replaces the same instant', () => {
    const h = new OiHistory();
    h.record(1, at(2, 200));
    h.record(1, at(5, 500));
    h.record(1, at(3, 300)); // late arrival
    h.record(1, at(0, 0));
    h.record(1, at(3, 333)); // same time replaces
    h.record(1, at(5, 555));
    expect(times(h, 1)).toEqual([0, 2, 3, 5]);
    expect(h.points(1).map((p) => p.oi)).toEqual([0, 200, 333, 555]);
    expect(h.latest(1)).toEqual(at(5, 555));
    expect(h.latest(2)).toBeNull();
  });

  it('copies the point so later changes by the caller do not leak in', () => {
    const h = new OiHistory();
    const point = at(1, 10);
    h.record(7, point);
    point.oi = 99;
    expect(h.latest(7)!.oi).toBe(10);
  });
});

describe('OiHistory.baseAt', () => {
  const h = new OiHistory();
  for (const p of [at(0, 100), at(1, 110), at(2, 120), at(20, 300), at(21, 310)]) h.record(9, p);

  it('returns the latest observation at or before the instant', () => {
    expect(h.baseAt(9, T0 + 2 * MIN)!.oi).toBe(120); // exactly at
    expect(h.baseAt(9, T0 + 2 * MIN - 1)!.oi).toBe(110); // just before
    expect(h.baseAt(9, T0 + 21 * MIN + 5)!.oi).toBe(310); // after the last
  });

  it('bridges a gap with the last point before it', () => {
    expect(h.baseAt(9, T0 + 10 * MIN)!.oi).toBe(120);
    expect(h.baseAt(9, T0 + 20 * MIN - 1)!.oi).toBe(120);
  });

  it('is null before the first observation and for unknown tokens', () => {
    expect(h.baseAt(9, T0 - 1)).toBeNull();
    expect(h.baseAt(10, T0 + 100 * MIN)).toBeNull();
  });

  it('matches a linear scan on a long history', () => {
    const long = new OiHistory();
    const points = Array.from({ length: 120 }, (_, i) => at(i / 2 + (i % 3) * 0.01, i));
    for (const p of points) long.record(3, p);
    for (let q = -2; q < 65; q += 0.37) {
      const instant = T0 + q * MIN;
      const linear = points.filter((p) => p.time <= instant).at(-1) ?? null;
      expect(long.baseAt(3, instant)).toEqual(linear);
    }
  });
});

describe('OiHistory.mergeBackfill', () => {
  it('adds candles sorted and without duplicates; live points win their minute', () => {
    const h = new OiHistory();
    h.record(1, at(3.5, 999)); // live point inside minute 3
    h.record(1, at(6, 888)); // live point at the start of minute 6
    const candles = [at(6, 60), at(1, 10), at(3, 30), at(2, 20), at(4, 40), at(2, 21)];
    const added = h.mergeBackfill(1, candles);
    expect(added.map((p) => (p.time - T0) / MIN)).toEqual([1, 2, 4]);
    expect(times(h, 1)).toEqual([1, 2, 3.5, 4, 6]);
    expect(h.points(1).map((p) => p.oi)).toEqual([10, 21, 999, 40, 888]);
  });

  it('keeps a candle whose minute ends exactly where a live point begins', () => {
    const h = new OiHistory();
    h.record(1, at(5, 500));
    expect(h.mergeBackfill(1, [at(4, 400)])).toHaveLength(1); // [4, 5) holds nothing live
    expect(times(h, 1)).toEqual([4, 5]);
  });

  it('adds nothing when the same candles are merged twice', () => {
    const h = new OiHistory();
    const candles = [at(0, 1), at(1, 2), at(2, 3)];
    h.mergeBackfill(4, candles);
    expect(h.mergeBackfill(4, candles)).toEqual([]);
    expect(times(h, 4)).toEqual([0, 1, 2]);
  });

  it('merges into an empty token and leaves nothing behind for no candles', () => {
    const h = new OiHistory();
    expect(h.mergeBackfill(5, [])).toEqual([]);
    expect(h.size).toBe(0);
    h.mergeBackfill(5, [at(2, 2), at(1, 1)]);
    expect(times(h, 5)).toEqual([1, 2]);
  });
});

describe('OiHistory.prune, coverage and load', () => {
  it('drops points older than the cutoff and forgets emptied tokens', () => {
    const h = new OiHistory();
    for (let m = 0; m <= 90; m += 0.5) h.record(1, at(m, m));
    h.record(2, at(0, 1));
    const dropped = h.prune(T0 + 30 * MIN);
    expect(dropped).toBe(60 + 1);
    expect(h.earliest(1)!.time).toBe(T0 + 30 * MIN);
    expect(h.points(1)).toHaveLength(121);
    expect(h.tokens()).toEqual([1]);
    expect(h.prune(T0 + 30 * MIN)).toBe(0);
  });

  it('needs backfill until an observation lies at or before now − 30 min', () => {
    const h = new OiHistory();
    const now = T0 + 40 * MIN;
    expect(h.needsBackfill(1, now)).toBe(true);
    expect(h.coverageMinutes(1, now)).toBe(0);
    h.record(1, at(10.5, 1));
    expect(h.needsBackfill(1, now)).toBe(true);
    expect(h.coverageMinutes(1, now)).toBe(29.5);
    expect(h.mergeBackfill(1, [at(10, 1)])).toEqual([]); // minute 10 already holds the live 10.5 point
    expect(h.needsBackfill(1, now)).toBe(true);
    h.record(1, at(10, 1));
    expect(h.needsBackfill(1, now)).toBe(false); // exactly 30 minutes back
    expect(h.coverageMinutes(1, now)).toBe(30);
    expect(h.needsBackfill(1, now, 31)).toBe(true);
    h.mergeBackfill(1, [at(8, 1), at(9, 1)]);
    expect(h.coverageMinutes(1, now)).toBe(32);
    expect(h.needsBackfill(1, now, 31)).toBe(false);
  });

  it('loads stored points sorted and deduplicated; points already held win', () => {
    const h = new OiHistory();
    h.record(1, at(2, 222));
    h.load(
      new Map([
        [1, [at(3, 3), at(1, 1), at(2, 2)]],
        [2, [at(5, 5), at(5, 6)]],
        [3, []],
      ]),
    );
    expect(h.points(1).map((p) => p.oi)).toEqual([1, 222, 3]);
    expect(h.points(2).map((p) => p.oi)).toEqual([6]);
    expect(h.tokens().sort()).toEqual([1, 2]);
  });
});
