import { describe, expect, it } from 'vitest';
import { chainJson } from '../../src/http/chain-json.ts';
import { computeChainSnapshot, type ChainCycleInput } from '../../src/tracker/chain-analytics.ts';
import { oiWindows } from '../../src/tracker/oi-change.ts';
import { OiHistory } from '../../src/tracker/oi-history.ts';
import { istWallClock } from '../../src/util/ist.ts';

/** 10:30 IST on 24 Nov: 7 days and 5 hours (173 h) to 15:30 IST on the expiry date. */
const NOW = istWallClock('2026-11-24', '10:30');
const EXPIRY = '2026-12-01';
const SPOT = 25_630;

/**
 * Prices and Greeks worked out independently (Python, math.erf) for spot 25630, T = 173/24/365:
 * the 25650 call at vol 12% and the 25600 put at vol 14%, at a rate of 10% and of 6.5%.
 */
const CASES = {
  0.1: {
    call: {
      ltp: 188.05952871329828,
      greeks: [0.531597263752938, 0.0009201193909561804, -15.604185145425403, 14.324010763010614],
    },
    put: {
      ltp: 163.15702436900028,
      greeks: [-0.43260531222523757, 0.0007798403048948662, -10.671804751722306, 14.163576164456076],
    },
  },
  0.065: {
    call: {
      ltp: 178.91323965918673,
      greeks: [0.5152747512439458, 0.0009223393253772967, -14.27162160299659, 14.358569717917762],
    },
    put: {
      ltp: 171.05903449682228,
      greeks: [-0.4464591621570444, 0.0007840208428012926, -11.759745098749132, 14.239503718693031],
    },
  },
} as const;

function cycle(rate: 0.1 | 0.065 | undefined, overrides: Partial<ChainCycleInput> = {}): ChainCycleInput {
  const prices = CASES[rate ?? 0.1];
  return {
    spec: { id: 'NSE', strikeStep: 50 },
    underlying: 'NIFTY 50',
    underlyingPrice: SPOT,
    now: NOW,
    expiry: EXPIRY,
    listedStrikes: [25_600, 25_650],
    strikesEachSide: 1,
    calls: [
      { token: 11, strike: 25_600, symbol: 'NIFTY26D0125600CE' },
      { token: 12, strike: 25_650, symbol: 'NIFTY26D0125650CE' },
    ],
    puts: [
      { token: 21, strike: 25_600, symbol: 'NIFTY26D0125600PE' },
      { token: 22, strike: 25_650, symbol: 'NIFTY26D0125650PE' },
    ],
    quotes: new Map([
      [11, { ltp: 60, oi: 1_000 }], // below the call's discounted intrinsic value (≈ 80.4)
      [12, { ltp: prices.call.ltp, oi: 1_000 }],
      [21, { ltp: prices.put.ltp, oi: 1_000 }],
      [22, { ltp: null, oi: 1_000 }],
    ]),
    history: new OiHistory(),
    windows: oiWindows(),
    wholeChain: null,
    status: 'Live',
    notes: [],
    ...(rate === undefined ? {} : { rate }),
    ...overrides,
  };
}

const greeksOf = (row: {
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
}) => [row.delta, row.gamma, row.theta, row.vega];

function expectGreeks(actual: (number | null)[], expected: readonly number[]): void {
  const digits = [8, 10, 6, 6];
  expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, digits[i]));
}

describe('Greeks on chain rows', () => {
  it("use the row's own unrounded IV, the cycle's spot and time to 15:30 IST on expiry", () => {
    const snapshot = computeChainSnapshot(cycle(undefined));
    const call = snapshot.calls.find((row) => row.strike === 25_650)!;
    const put = snapshot.puts.find((row) => row.strike === 25_600)!;
    expect(call.iv).toBeCloseTo(12, 6);
    expect(put.iv).toBeCloseTo(14, 6);
    expectGreeks(greeksOf(call), CASES[0.1].call.greeks);
    expectGreeks(greeksOf(put), CASES[0.1].put.greeks);
  });

  it("use the cycle's rate, the same one the IV is solved with", () => {
    const snapshot = computeChainSnapshot(cycle(0.065));
    const call = snapshot.calls.find((row) => row.strike === 25_650)!;
    const put = snapshot.puts.find((row) => row.strike === 25_600)!;
    expect(call.iv).toBeCloseTo(12, 6);
    expect(put.iv).toBeCloseTo(14, 6);
    expectGreeks(greeksOf(call), CASES[0.065].call.greeks);
    expectGreeks(greeksOf(put), CASES[0.065].put.greeks);
  });

  it('are null wherever the IV is null: no price, an unsolvable price, no expiry, expired', () => {
    const snapshot = computeChainSnapshot(cycle(undefined));
    const belowIntrinsic = snapshot.calls.find((row) => row.strike === 25_600)!;
    const noPrice = snapshot.puts.find((row) => row.strike === 25_650)!;
    for (const row of [noPrice, belowIntrinsic]) {
      expect(row.iv).toBeNull();
      expect(greeksOf(row)).toEqual([null, null, null, null]);
    }
    const noExpiry = computeChainSnapshot(cycle(undefined, { expiry: null }));
    const expired = computeChainSnapshot(cycle(undefined, { now: istWallClock(EXPIRY, '15:31') }));
    for (const row of [...noExpiry.calls, ...noExpiry.puts, ...expired.calls, ...expired.puts]) {
      expect(row.iv).toBeNull();
      expect(greeksOf(row)).toEqual([null, null, null, null]);
    }
  });

  it('reach the JSON rounded to 4, 6, 2 and 2 decimals', () => {
    const json = chainJson(computeChainSnapshot(cycle(undefined)), [5, 10, 15, 30], 1);
    const call = json.call_options.find((row) => row.strike === 25_650)!;
    const put = json.put_options.find((row) => row.strike === 25_600)!;
    expect(call).toMatchObject({ delta: 0.5316, gamma: 0.00092, theta: -15.6, vega: 14.32 });
    expect(put).toMatchObject({ delta: -0.4326, gamma: 0.00078, theta: -10.67, vega: 14.16 });
    const missing = json.put_options.find((row) => row.strike === 25_650)!;
    expect(missing).toMatchObject({ iv: null, delta: null, gamma: null, theta: null, vega: null });
  });
});
