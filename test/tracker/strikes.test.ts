import { describe, expect, it } from 'vitest';
import { atmStrike, strikeWindow, subscriptionDiff } from '../../src/tracker/strikes.ts';

describe('atmStrike', () => {
  it('picks the nearest multiple of the step', () => {
    expect(atmStrike(25_624.95, 50)).toBe(25_600);
    expect(atmStrike(25_625.05, 50)).toBe(25_650);
    expect(atmStrike(25_600, 50)).toBe(25_600);
    expect(atmStrike(84_049.9, 100)).toBe(84_000);
    expect(atmStrike(84_050.1, 100)).toBe(84_100);
  });

  it('gives an exact tie to the higher strike', () => {
    expect(atmStrike(25_625, 50)).toBe(25_650);
    expect(atmStrike(25_575, 50)).toBe(25_600);
    expect(atmStrike(84_050, 100)).toBe(84_100);
    expect(atmStrike(25, 50)).toBe(50);
  });

  it('treats arithmetic noise around a tie as a tie', () => {
    const noisy = 25_625 - 4e-12; // e.g. an average of prices that should be 25625
    expect(noisy).not.toBe(25_625);
    expect(atmStrike(noisy, 50)).toBe(25_650);
    // 1.15 / 0.1 = 11.499999999999998 in binary: a naive Math.round would pick 1.1.
    expect(atmStrike(1.15, 0.1)).toBe(1.2);
    expect(atmStrike(0.3, 0.1)).toBe(0.3); // not 0.30000000000000004
  });

  it('rejects a bad step or price', () => {
    expect(() => atmStrike(25_600, 0)).toThrow(RangeError);
    expect(() => atmStrike(Number.NaN, 50)).toThrow(RangeError);
  });
});

describe('strikeWindow', () => {
  const listed = Array.from({ length: 81 }, (_, i) => 23_600 + i * 50); // 23600 … 27600

  it('shows 11 strikes and subscribes 13 around ATM by default reach', () => {
    const { shown, subscribed } = strikeWindow({ atm: 25_600, step: 50, eachSide: 5, listed });
    expect(shown).toEqual([
      25_350, 25_400, 25_450, 25_500, 25_550, 25_600, 25_650, 25_700, 25_750, 25_800, 25_850,
    ]);
    expect(subscribed).toEqual([25_300, ...shown, 25_900]);
    expect(subscribed).toHaveLength(13);
  });

  it('leaves out strikes missing from the listing (gaps and the ends)', () => {
    const gappy = listed.filter((s) => s !== 25_650 && s !== 25_300);
    const { shown, subscribed } = strikeWindow({ atm: 25_600, step: 50, eachSide: 5, listed: gappy });
    expect(shown).toHaveLength(10);
    expect(shown).not.toContain(25_650);
    expect(subscribed).toEqual([...shown, 25_900]);

    const edge = strikeWindow({ atm: 23_650, step: 50, eachSide: 5, listed });
    expect(edge.shown).toEqual([23_600, 23_650, 23_700, 23_750, 23_800, 23_850, 23_900]);
    expect(edge.subscribed).toEqual([...edge.shown, 23_950]);
  });

  it('accepts an unsorted listing and a custom buffer', () => {
    const { shown, subscribed } = strikeWindow({
      atm: 84_000,
      step: 100,
      eachSide: 1,
      bufferEachSide: 2,
      listed: [84_300, 83_700, 84_100, 83_900, 84_000, 83_800, 84_200],
    });
    expect(shown).toEqual([83_900, 84_000, 84_100]);
    expect(subscribed).toEqual([83_700, 83_800, 83_900, 84_000, 84_100, 84_200, 84_300]);
  });
});

describe('subscriptionDiff', () => {
  it('subscribes the new edge and unsubscribes the old one when ATM moves up a step', () => {
    const listed = Array.from({ length: 81 }, (_, i) => 23_600 + i * 50);
    const before = strikeWindow({ atm: 25_600, step: 50, eachSide: 5, listed }).subscribed;
    const after = strikeWindow({ atm: 25_650, step: 50, eachSide: 5, listed }).subscribed;
    expect(subscriptionDiff(new Set(before), new Set(after))).toEqual({
      subscribe: [25_950],
      unsubscribe: [25_300],
    });
  });

  it('handles a jump of several steps, sorted ascending', () => {
    const diff = subscriptionDiff(new Set([30, 10, 20, 40]), new Set([50, 30, 60, 40]));
    expect(diff).toEqual({ subscribe: [50, 60], unsubscribe: [10, 20] });
  });

  it('is empty when nothing changes, and complete from or to nothing', () => {
    expect(subscriptionDiff(new Set([1, 2]), new Set([2, 1]))).toEqual({ subscribe: [], unsubscribe: [] });
    expect(subscriptionDiff(new Set(), new Set([2, 1]))).toEqual({ subscribe: [1, 2], unsubscribe: [] });
    expect(subscriptionDiff(new Set([2, 1]), new Set())).toEqual({ subscribe: [], unsubscribe: [1, 2] });
  });
});
