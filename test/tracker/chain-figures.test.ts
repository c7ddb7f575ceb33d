import { describe, expect, it } from 'vitest';
import {
  maxPain,
  pcrAll,
  putCallRatio,
  supportResistance,
  writerPayouts,
  type StrikeOi,
} from '../../src/tracker/chain-figures.ts';

const chain = (rows: [strike: number, callOi: number, putOi: number][]): StrikeOi[] =>
  rows.map(([strike, callOi, putOi]) => ({ strike, callOi, putOi }));

/** payout(S) straight from the definition, for cross-checking. */
const payoutByDefinition = (rows: StrikeOi[], s: number): number =>
  rows.reduce(
    (sum, r) => sum + r.callOi * Math.max(0, s - r.strike) + r.putOi * Math.max(0, r.strike - s),
    0,
  );

describe('max pain and PCR on a hand-worked chain', () => {
  // strike   callOI  putOI
  //   100       5      30
  //   110      10      20
  //   120      20      10
  //   130      30       8
  //
  // payout(S) = Σ callOI_k·max(0, S−k) + Σ putOI_k·max(0, k−S)
  // S=100: calls 0;                                   puts 20·10 + 10·20 + 8·30 = 200+200+240 = 640
  // S=110: calls 5·10 = 50;                           puts 10·10 + 8·20       = 100+160     = 260  → 310
  // S=120: calls 5·20 + 10·10 = 200;                  puts 8·10                              = 80   → 280
  // S=130: calls 5·30 + 10·20 + 20·10 = 150+200+200 = 550; puts 0                                   → 550
  // least: 280 at 120.  PCR = (30+20+10+8) / (5+10+20+30) = 68 / 65.
  const rows = chain([
    [120, 20, 10],
    [100, 5, 30],
    [130, 30, 8],
    [110, 10, 20],
  ]);

  it('computes every payout', () => {
    expect(writerPayouts(rows)).toEqual([
      { strike: 100, payout: 640 },
      { strike: 110, payout: 310 },
      { strike: 120, payout: 280 },
      { strike: 130, payout: 550 },
    ]);
  });

  it('finds max pain at 120', () => {
    expect(maxPain(rows)).toBe(120);
  });

  it('gives a payout tie to the lower strike', () => {
    // Same chain with putOI 5 at 130: S=110 → 50 + 100 + 5·20 = 250; S=120 → 200 + 5·10 = 250: tie.
    const tied = chain([
      [100, 5, 30],
      [110, 10, 20],
      [120, 20, 10],
      [130, 30, 5],
    ]);
    expect(writerPayouts(tied).map((p) => p.payout)).toEqual([550, 250, 250, 550]);
    expect(maxPain(tied)).toBe(110);
  });

  it('computes PCR', () => {
    expect(pcrAll(rows)).toBe(68 / 65);
    expect(putCallRatio(rows)).toBe(68 / 65);
  });

  it('matches the definition on a larger irregular chain', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const big = Array.from({ length: 80 }, (_, i) => ({
      strike: 23_600 + i * 50 + (i > 70 ? (i - 70) * 50 : 0), // wider steps at the top
      callOi: Math.floor(random() * 5_000_000),
      putOi: Math.floor(random() * 5_000_000),
    }));
    const payouts = writerPayouts(big);
    for (const { strike, payout } of payouts) expect(payout).toBe(payoutByDefinition(big, strike));
    const least = Math.min(...payouts.map((p) => p.payout));
    expect(maxPain(big)).toBe(payouts.find((p) => p.payout === least)!.strike);
  });

  it('sums duplicate strikes and handles empty and one-strike chains', () => {
    expect(maxPain([])).toBeNull();
    expect(maxPain(chain([[100, 1, 1]]))).toBe(100);
    const split = chain([
      [100, 5, 10],
      [100, 0, 20],
      [110, 10, 20],
      [120, 20, 10],
      [130, 30, 8],
    ]);
    expect(maxPain(split)).toBe(120);
    expect(writerPayouts(split)).toHaveLength(4);
  });
});

describe('PCR edge cases', () => {
  it('is null when the call sum is 0, and 0 when there are no puts', () => {
    expect(putCallRatio(chain([[100, 0, 50]]))).toBeNull();
    expect(putCallRatio([])).toBeNull();
    expect(putCallRatio(chain([[100, 40, 0]]))).toBe(0);
  });
});

describe('supportResistance', () => {
  it('picks the strikes with the highest put and call OI', () => {
    const rows = chain([
      [100, 10, 90],
      [110, 70, 40],
      [120, 30, 20],
    ]);
    expect(supportResistance(rows, 110)).toEqual({ support: 100, resistance: 110 });
  });

  it('breaks a tie toward ATM, then toward the lower strike', () => {
    const rows = chain([
      [100, 50, 30],
      [110, 10, 10],
      [120, 50, 30],
    ]);
    expect(supportResistance(rows, 115)).toEqual({ support: 120, resistance: 120 }); // 5 away beats 15
    expect(supportResistance(rows, 104)).toEqual({ support: 100, resistance: 100 });
    expect(supportResistance(rows, 110)).toEqual({ support: 100, resistance: 100 }); // equidistant: lower
    expect(supportResistance(rows, null)).toEqual({ support: 100, resistance: 100 });
  });

  it('is null for a side without any OI', () => {
    expect(supportResistance(chain([[100, 0, 5]]), 100)).toEqual({ support: 100, resistance: null });
    expect(supportResistance([], 100)).toEqual({ support: null, resistance: null });
  });
});
