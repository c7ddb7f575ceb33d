/**
 * One tracker cycle's analytics for both chains (NSE around 25,600 step 50, BSE around 84,000 step 100),
 * excluding I/O: 26 tokens each with 60 minutes of 30-second history, 81 listed strikes for the
 * whole-chain figures. Baseline in the same run: the same computation with linear scans of the history
 * instead of binary search and an O(n²) max pain.
 */
import { isDeepStrictEqual } from 'node:util';
import { blackScholesPrice } from '../../src/quant/black-scholes.ts';
import {
  computeChainSnapshot,
  type ChainCycleInput,
  type ChainOption,
  type LiveQuote,
} from '../../src/tracker/chain-analytics.ts';
import { byStrike, putCallRatio, supportResistance, type StrikeOi } from '../../src/tracker/chain-figures.ts';
import { oiWindows } from '../../src/tracker/oi-change.ts';
import { OiHistory, type OiLookup } from '../../src/tracker/oi-history.ts';
import { atmStrike, strikeWindow } from '../../src/tracker/strikes.ts';
import type { ChainSnapshot, OiPoint } from '../../src/tracker/types.ts';
import { yearsToExpiry } from '../../src/tracker/option-row.ts';
import { opsPerSecond, type BenchResult } from './result.ts';

const NOW = Date.UTC(2026, 10, 24, 5, 0, 0); // Tuesday 10:30 IST
const HISTORY_MINUTES = 60;
const HISTORY_STEP_MS = 30_000;
const LISTED_STRIKES = 81;
const EACH_SIDE = 5;

/** Deterministic uniform [0, 1) (Park–Miller). */
function generator(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647;
}

interface ChainFixture {
  id: string;
  underlying: string;
  spot: number;
  step: number;
  expiry: string;
  tokenBase: number;
}

function cycleInput(chain: ChainFixture, seed: number): ChainCycleInput {
  const random = generator(seed);
  const listed = Array.from(
    { length: LISTED_STRIKES },
    (_, i) => atmStrike(chain.spot, chain.step) + (i - (LISTED_STRIKES - 1) / 2) * chain.step,
  );
  const atm = atmStrike(chain.spot, chain.step);
  const { subscribed } = strikeWindow({ atm, step: chain.step, eachSide: EACH_SIDE, listed });
  const history = new OiHistory();
  const quotes = new Map<number, LiveQuote>();
  const calls: ChainOption[] = [];
  const puts: ChainOption[] = [];
  const years = yearsToExpiry(chain.expiry, NOW);
  subscribed.forEach((strike, i) => {
    for (const type of ['CE', 'PE'] as const) {
      const token = chain.tokenBase + i * 2 + (type === 'CE' ? 0 : 1);
      const option = { token, strike, symbol: `${chain.id}${strike}${type}` };
      (type === 'CE' ? calls : puts).push(option);
      const vol = 0.11 + 0.4 * Math.abs(Math.log(strike / chain.spot));
      const ltp = blackScholesPrice({ spot: chain.spot, strike, years, rate: 0.1, vol, type });
      let oi = Math.round(2_000_000 + random() * 3_000_000);
      for (let t = NOW - HISTORY_MINUTES * 60_000; t < NOW; t += HISTORY_STEP_MS) {
        oi = Math.max(0, oi + Math.round((random() - 0.45) * 40_000));
        history.record(token, {
          time: t,
          oi,
          ltp: Math.max(0.05, ltp + Math.round((random() - 0.5) * 40) / 20),
        });
      }
      quotes.set(token, { ltp, oi: oi + 75 * Math.round(random() * 400) });
    }
  });
  const wholeChain: StrikeOi[] = listed.map((strike) => ({
    strike,
    callOi: Math.round(random() * 8_000_000),
    putOi: Math.round(random() * 8_000_000),
  }));
  return {
    spec: { id: chain.id, strikeStep: chain.step },
    underlying: chain.underlying,
    underlyingPrice: chain.spot,
    now: NOW,
    expiry: chain.expiry,
    listedStrikes: listed,
    strikesEachSide: EACH_SIDE,
    calls,
    puts,
    quotes,
    history,
    windows: oiWindows(),
    wholeChain,
    status: 'Live',
    notes: [],
  };
}

/** The reference lookups: scan every point from the start. */
class LinearScanHistory implements OiLookup {
  constructor(private readonly source: OiHistory) {}

  baseAt(token: number, instant: number): OiPoint | null {
    let found: OiPoint | null = null;
    for (const point of this.source.points(token)) if (point.time <= instant) found = point;
    return found;
  }

  latest(token: number): OiPoint | null {
    return this.source.latest(token);
  }
}

/** The reference max pain: payout of every strike summed over every strike. */
function quadraticMaxPain(chain: readonly StrikeOi[]): number | null {
  let best: number | null = null;
  let bestPayout = Infinity;
  for (const { strike: s } of byStrike(chain)) {
    let payout = 0;
    for (const { strike: k, callOi, putOi } of chain) {
      payout += callOi * Math.max(0, s - k) + putOi * Math.max(0, k - s);
    }
    if (payout < bestPayout) [best, bestPayout] = [s, payout];
  }
  return best;
}

function naiveSnapshot(input: ChainCycleInput, linear: OiLookup): ChainSnapshot {
  const snapshot = computeChainSnapshot({ ...input, history: linear, wholeChain: null });
  const chain = input.wholeChain!;
  return {
    ...snapshot,
    pcrAll: putCallRatio(chain),
    maxPain: quadraticMaxPain(chain),
    ...supportResistance(chain, snapshot.atmStrike),
  };
}

/** A cycle's analytics must be a negligible share of the shortest refresh interval (1 s). */
const BAR_US = 5000;

/** Microseconds per cycle (both chains), ours vs the naive reference; lower is better. */
export function cycleCompute(): BenchResult {
  const inputs = [
    cycleInput(
      {
        id: 'NSE',
        underlying: 'NIFTY 50',
        spot: 25_612.35,
        step: 50,
        expiry: '2026-12-01',
        tokenBase: 10_000,
      },
      1,
    ),
    cycleInput(
      { id: 'BSE', underlying: 'SENSEX', spot: 84_037.8, step: 100, expiry: '2026-11-26', tokenBase: 20_000 },
      2,
    ),
  ];
  const linear = inputs.map((input) => new LinearScanHistory(input.history as OiHistory));
  for (const [i, input] of inputs.entries()) {
    const ours = computeChainSnapshot(input);
    const reference = naiveSnapshot(input, linear[i]!);
    if (!isDeepStrictEqual(ours, reference))
      throw new Error(`cycleCompute: ${input.spec.id} differs from the reference`);
    if (ours.calls.length !== 2 * EACH_SIDE + 1 || ours.calls.some((row) => row.iv === null))
      throw new Error(`cycleCompute: ${input.spec.id} fixture is not a full chain with IVs`);
  }

  let sink = 0;
  const oursPerSecond = opsPerSecond(() => {
    for (const input of inputs) sink += computeChainSnapshot(input).pcr ?? 0;
    return 1;
  });
  const naivePerSecond = opsPerSecond(() => {
    for (const [i, input] of inputs.entries()) sink += naiveSnapshot(input, linear[i]!).pcr ?? 0;
    return 1;
  });
  if (Number.isNaN(sink)) console.log(sink);
  const value = 1e6 / oursPerSecond;
  const baseline = 1e6 / naivePerSecond;
  return {
    value,
    unit: 'µs/cycle',
    baseline,
    ratio: baseline / value,
    bar: `≤ ${BAR_US} µs/cycle`,
    pass: value <= BAR_US,
  };
}
