import { describe, expect, it } from 'vitest';
import { blackScholesGreeks, roundedGreeks, type Greeks } from '../../src/quant/greeks.ts';

/**
 * Independent Black-Scholes values, worked out in Python with math.erf (not with this code):
 *   d1 = (ln(S/K) + (r + v²/2)T) / (v√T), d2 = d1 − v√T
 *   delta: N(d1) for a call, N(d1) − 1 for a put; gamma: n(d1) / (S v √T)
 *   theta: (−S n(d1) v / (2√T) ∓ r K e^(−rT) N(±d2)) / 365; vega: S n(d1) √T / 100
 * Spot 25600, rate 10%. Rows: strike, vol, type, delta, gamma, theta (₹/day), vega (₹/vol point).
 */
type Row = [number, number, 'CE' | 'PE', number, number, number, number];

const SPOT = 25_600;
const RATE = 0.1;

/** Expiry day, 10:00 IST: 5.5 hours to 15:30. */
const EXPIRY_DAY_YEARS = 5.5 / 24 / 365;
const EXPIRY_DAY: Row[] = [
  [24000, 0.3, 'CE', 1.0, 1.8412791853562756e-19, -6.574929643284398, 2.272895204805818e-16],
  [24000, 0.3, 'PE', 0.0, 1.8412791853562756e-19, -1.487713224963808e-14, 2.272895204805818e-16],
  [25400, 0.16, 'CE', 0.9758090223672733, 0.0005539492576414812, -19.519674708095668, 0.36469388496503485],
  [25400, 0.16, 'PE', -0.024190977632726707, 0.0005539492576414812, -12.56120750228636, 0.36469388496503485],
  [25550, 0.13, 'CE', 0.7327277551455125, 0.003944881628344324, -64.9731379485576, 2.1101622158966795],
  [25550, 0.13, 'PE', -0.26727224485448753, 0.003944881628344324, -57.97357743247778, 2.1101622158966795],
  [25600, 0.12, 'CE', 0.5089292838826339, 0.005181443418654507, -70.54472501896481, 2.5584122155714786],
  [25600, 0.12, 'PE', -0.4910707161173661, 0.005181443418654507, -63.531466732794804, 2.5584122155714786],
  [25700, 0.125, 'CE', 0.11064319700713593, 0.002354921686284826, -33.80826645707011, 1.2112254737128894],
  [25700, 0.125, 'PE', -0.889356802992864, 0.002354921686284826, -26.767612630719753, 1.2112254737128894],
  [
    27500,
    0.4,
    'CE',
    4.953260024365136e-13,
    1.4028598379891468e-14,
    -2.018545015432747e-9,
    2.3089407437603283e-11,
  ],
  [27500, 0.4, 'PE', -0.9999999999995046, 1.4028598379891468e-14, 7.533773547578145, 2.3089407437603283e-11],
];

/** A week before expiry: 7 days to 15:30. */
const WEEK_BEFORE_YEARS = 7 / 365;
const WEEK_BEFORE: Row[] = [
  [24000, 0.2, 'CE', 0.9920946153802358, 3.059256283316001e-5, -7.6053693685336095, 0.7690081854705653],
  [24000, 0.2, 'PE', -0.0079053846197642, 3.059256283316001e-5, -1.0426250643147243, 0.7690081854705653],
  [25000, 0.15, 'CE', 0.8933281200574137, 0.0003458631340727259, -13.066751356641126, 6.52049607460813],
  [25000, 0.15, 'PE', -0.10667187994258631, 0.0003458631340727259, -6.230559373079788, 6.52049607460813],
  [25600, 0.12, 'CE', 0.5492288298182276, 0.0009305995462125213, -15.829108430067937, 14.035542017230242],
  [25600, 0.12, 'PE', -0.4507711701817724, 0.0009305995462125213, -8.828847838901124, 14.035542017230242],
  [26200, 0.13, 'CE', 0.12073652821591974, 0.0004359170412729464, -7.453103981731475, 7.122497503382485],
  [26200, 0.13, 'PE', -0.8792634717840803, 0.0004359170412729464, -0.2887747829591929, 7.122497503382485],
  [27500, 0.18, 'CE', 0.0026954360884968165, 1.3017678966254068e-5, -0.39741292576505466, 0.2945039800007828],
  [27500, 0.18, 'PE', -0.9973045639115032, 1.3017678966254068e-5, 7.12239825615242, 0.2945039800007828],
];

/** Within rounding: half a unit of the last decimal shown (delta 4, gamma 6, theta 2, vega 2), and equal once rounded. */
function expectWithinRounding(actual: Greeks, expected: Greeks): void {
  expect(Math.abs(actual.delta - expected.delta)).toBeLessThan(0.5e-4);
  expect(Math.abs(actual.gamma - expected.gamma)).toBeLessThan(0.5e-6);
  expect(Math.abs(actual.theta - expected.theta)).toBeLessThan(0.5e-2);
  expect(Math.abs(actual.vega - expected.vega)).toBeLessThan(0.5e-2);
  expect(roundedGreeks(actual)).toEqual(roundedGreeks(expected));
}

describe.each([
  ['on the day of expiry', EXPIRY_DAY_YEARS, EXPIRY_DAY],
  ['a week before expiry', WEEK_BEFORE_YEARS, WEEK_BEFORE],
])('blackScholesGreeks %s', (_name, years, rows) => {
  it.each(rows)('%d at vol %d %s', (strike, vol, type, delta, gamma, theta, vega) => {
    const greeks = blackScholesGreeks({ spot: SPOT, strike, years, rate: RATE, vol, type });
    expect(greeks).not.toBeNull();
    expectWithinRounding(greeks!, { delta, gamma, theta, vega });
    // Much tighter than rounding too: the same formula, independently evaluated.
    expect(greeks!.delta).toBeCloseTo(delta, 9);
    expect(greeks!.theta).toBeCloseTo(theta, 7);
    expect(greeks!.vega).toBeCloseTo(vega, 7);
  });
});

describe('the ranges and signs a trader expects', () => {
  it('calls 0..1, puts −1..0; gamma and vega equal on both sides; a call never gains with time', () => {
    for (const years of [EXPIRY_DAY_YEARS, WEEK_BEFORE_YEARS, 30 / 365]) {
      for (const strike of [22_000, 24_000, 25_000, 25_600, 26_000, 27_500, 30_000]) {
        const contract = { spot: SPOT, strike, years, rate: RATE, vol: 0.14 };
        const call = blackScholesGreeks({ ...contract, type: 'CE' })!;
        const put = blackScholesGreeks({ ...contract, type: 'PE' })!;
        expect(call.delta).toBeGreaterThanOrEqual(0);
        expect(call.delta).toBeLessThanOrEqual(1);
        expect(put.delta).toBeGreaterThanOrEqual(-1);
        expect(put.delta).toBeLessThanOrEqual(0);
        expect(put.gamma).toBe(call.gamma);
        expect(put.vega).toBe(call.vega);
        expect(call.theta).toBeLessThanOrEqual(0);
      }
    }
  });
});

describe('put-call parity of delta', () => {
  // C − P = S − K·e^(−rT) with no dividend; ∂/∂S: Δcall − Δput = 1 exactly, whatever the rate
  // (the rate moves both deltas, not their difference) and whatever the time to expiry.
  it('call delta − put delta = 1 at the same vol, for any strike, rate and time', () => {
    for (const rate of [0, 0.065, 0.1, 0.2]) {
      for (const years of [EXPIRY_DAY_YEARS, WEEK_BEFORE_YEARS, 0.25, 1]) {
        for (const strike of [20_000, 24_000, 25_600, 26_200, 30_000]) {
          const contract = { spot: SPOT, strike, years, rate, vol: 0.13 };
          const call = blackScholesGreeks({ ...contract, type: 'CE' })!;
          const put = blackScholesGreeks({ ...contract, type: 'PE' })!;
          expect(call.delta - put.delta).toBeCloseTo(1, 12);
          // Theta parity: Θcall − Θput = −r·K·e^(−rT), per day.
          expect(call.theta - put.theta).toBeCloseTo((-rate * strike * Math.exp(-rate * years)) / 365, 8);
        }
      }
    }
  });
});

describe('undefined Greeks', () => {
  it('are null once expired, with no vol, or with a non-positive price', () => {
    const contract = { spot: SPOT, strike: 25_600, rate: RATE, type: 'CE' as const };
    expect(blackScholesGreeks({ ...contract, years: 0, vol: 0.12 })).toBeNull();
    expect(blackScholesGreeks({ ...contract, years: -0.001, vol: 0.12 })).toBeNull();
    expect(blackScholesGreeks({ ...contract, years: 0.01, vol: 0 })).toBeNull();
    expect(blackScholesGreeks({ ...contract, spot: 0, years: 0.01, vol: 0.12 })).toBeNull();
  });
});

describe('roundedGreeks', () => {
  it('rounds delta to 4, gamma to 6, theta and vega to 2 decimals, keeps null, and never shows −0', () => {
    expect(
      roundedGreeks({ delta: -0.49107071, gamma: 0.00518144342, theta: -70.544725, vega: 2.55841 }),
    ).toEqual({ delta: -0.4911, gamma: 0.005181, theta: -70.54, vega: 2.56 });
    expect(roundedGreeks({ delta: null, gamma: null, theta: null, vega: null })).toEqual({
      delta: null,
      gamma: null,
      theta: null,
      vega: null,
    });
    expect(Object.is(roundedGreeks({ delta: -1e-9, gamma: 0, theta: -1e-9, vega: 0 }).delta, 0)).toBe(true);
  });
});
