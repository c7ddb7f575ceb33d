import { describe, expect, it } from 'vitest';
import { blackScholesPrice } from '../../src/quant/black-scholes.ts';
import {
  computeChainSnapshot,
  type ChainCycleInput,
  type ChainOption,
  type LiveQuote,
} from '../../src/tracker/chain-analytics.ts';
import { oiWindows } from '../../src/tracker/oi-change.ts';
import { OiHistory } from '../../src/tracker/oi-history.ts';
import { expiryInstant, YEAR_MS } from '../../src/tracker/option-row.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 24, 5, 0, 0); // 10:30 IST
const EXPIRY = '2026-12-01';
const SPOT = 25_630;
const LISTED = [25_400, 25_450, 25_500, 25_600, 25_650, 25_700, 25_750, 25_800, 25_850, 25_900]; // no 25_550

const callToken = (strike: number): number => strike * 10 + 1;
const putToken = (strike: number): number => strike * 10 + 2;
const option = (strike: number, token: number, type: string): ChainOption => ({
  token,
  strike,
  symbol: `NIFTY26D01${strike}${type}`,
});

/** A chain with ATM 25650, 2 strikes each side (25550 unlisted), instruments for 25500…25800 given in reverse. */
function fixture(): ChainCycleInput {
  const strikes = [25_800, 25_750, 25_700, 25_650, 25_600, 25_500];
  const history = new OiHistory();
  const quotes = new Map<number, LiveQuote>();
  const years = (expiryInstant(EXPIRY) - NOW) / YEAR_MS;
  for (const strike of strikes) {
    for (const [token, type] of [
      [callToken(strike), 'CE'],
      [putToken(strike), 'PE'],
    ] as const) {
      const ltp = blackScholesPrice({ spot: SPOT, strike, years, rate: 0.1, vol: 0.12, type });
      quotes.set(token, { ltp, oi: 1_000 });
      history.record(token, { time: NOW - 30 * MIN, oi: 1_000, ltp });
    }
  }
  // The 25650 call: OI 1000 → 1080 over 5 minutes (exactly 8%), price up: Long Buildup.
  history.record(callToken(25_650), { time: NOW - 5 * MIN, oi: 1_000, ltp: 1 });
  quotes.set(callToken(25_650), { ltp: quotes.get(callToken(25_650))!.ltp, oi: 1_080 });
  // The 25700 put: 7.996% over 5 minutes, price down: Short Buildup, no breach though it rounds to 8.00.
  history.record(putToken(25_700), { time: NOW - 5 * MIN, oi: 10_000, ltp: 1_000 });
  quotes.set(putToken(25_700), { ltp: quotes.get(putToken(25_700))!.ltp, oi: 10_799.6 });
  return {
    spec: { id: 'NSE', strikeStep: 50 },
    underlying: 'NIFTY 50',
    underlyingPrice: SPOT,
    now: NOW,
    expiry: EXPIRY,
    listedStrikes: LISTED,
    strikesEachSide: 2,
    calls: strikes.map((s) => option(s, callToken(s), 'CE')),
    puts: strikes.map((s) => option(s, putToken(s), 'PE')),
    quotes,
    history,
    windows: oiWindows(),
    wholeChain: [
      { strike: 25_600, callOi: 5, putOi: 30 },
      { strike: 25_650, callOi: 10, putOi: 20 },
      { strike: 25_700, callOi: 20, putOi: 10 },
      { strike: 25_750, callOi: 30, putOi: 8 },
    ],
    status: 'Live',
    notes: ['historical API unavailable: live data only'],
  };
}

describe('computeChainSnapshot', () => {
  it('builds ascending rows for the listed shown strikes only', () => {
    const snapshot = computeChainSnapshot(fixture());
    expect(snapshot.atmStrike).toBe(25_650);
    expect(snapshot.calls.map((r) => r.strike)).toEqual([25_600, 25_650, 25_700, 25_750]);
    expect(snapshot.puts.map((r) => r.strike)).toEqual([25_600, 25_650, 25_700, 25_750]);
    expect(snapshot.calls.every((r) => r.type === 'CE')).toBe(true);
    expect(snapshot.puts.map((r) => r.symbol)).toEqual([
      'NIFTY26D0125600PE',
      'NIFTY26D0125650PE',
      'NIFTY26D0125700PE',
      'NIFTY26D0125750PE',
    ]);
    expect(snapshot.calls.map((r) => r.moneyness)).toEqual(['ITM', 'ATM', 'OTM', 'OTM']);
    expect(snapshot.puts.map((r) => r.moneyness)).toEqual(['OTM', 'ATM', 'ITM', 'ITM']);
  });

  it('keeps OI change unrounded and judges breaches on it', () => {
    const snapshot = computeChainSnapshot(fixture());
    const atmCall = snapshot.calls.find((r) => r.strike === 25_650)!;
    expect(atmCall.oiChangePct).toEqual({ '5': 8, '10': 8, '15': 8, '30': 8 });
    expect(atmCall.breaches).toEqual(['5']);
    expect(atmCall.buildup).toBe('Long Buildup');
    const put = snapshot.puts.find((r) => r.strike === 25_700)!;
    expect(put.oiChangePct['5']).toBeCloseTo(7.996, 10);
    expect(put.oiChangePct['5']).not.toBe(7.996); // not rounded to any grid either
    // 5 min: 7.996 < 8, no breach. 10/15/30 min: the base is the 1000 at 30 min back (nothing between), +979.96%.
    expect(put.oiChangePct['10']).toBeCloseTo(979.96, 10);
    expect(put.breaches).toEqual(['10', '15', '30']);
    expect(put.buildup).toBe('Short Buildup');
    const quiet = snapshot.calls.find((r) => r.strike === 25_600)!;
    expect(quiet.oiChangePct).toEqual({ '5': 0, '10': 0, '15': 0, '30': 0 });
    expect(quiet.breaches).toEqual([]);
    expect(quiet.buildup).toBeNull(); // OI unchanged
  });

  it('solves IV for every row', () => {
    const snapshot = computeChainSnapshot(fixture());
    for (const row of [...snapshot.calls, ...snapshot.puts]) expect(row.iv).toBeCloseTo(12, 5);
  });

  it('computes PCR over the shown rows and the whole-chain figures', () => {
    const snapshot = computeChainSnapshot(fixture());
    // shown call OI: 1000 + 1080 + 1000 + 1000; shown put OI: 1000 + 1000 + 10799.6 + 1000
    expect(snapshot.pcr).toBe(13_799.6 / 4_080);
    // The whole chain is the hand-worked chain of chain-figures.test.ts, strikes shifted to 25600…25750 (step 50):
    // payouts 5× those there (640, 310, 280, 550) → least at the third strike.
    expect(snapshot.maxPain).toBe(25_700);
    expect(snapshot.pcrAll).toBe(68 / 65);
    expect(snapshot.support).toBe(25_600);
    expect(snapshot.resistance).toBe(25_750);
  });

  it('passes the cycle facts through', () => {
    const input = fixture();
    const snapshot = computeChainSnapshot(input);
    expect(snapshot).toMatchObject({
      chainId: 'NSE',
      underlying: 'NIFTY 50',
      underlyingPrice: SPOT,
      expiry: EXPIRY,
      status: 'Live',
      notes: ['historical API unavailable: live data only'],
      lastUpdate: NOW,
    });
    expect(snapshot.notes).not.toBe(input.notes);
  });

  it('leaves whole-chain figures null when the quote API failed', () => {
    const snapshot = computeChainSnapshot({ ...fixture(), wholeChain: null });
    expect(snapshot).toMatchObject({ pcrAll: null, maxPain: null, support: null, resistance: null });
    expect(snapshot.pcr).not.toBeNull();
  });

  it('has no ATM and no rows without an underlying price', () => {
    const snapshot = computeChainSnapshot({ ...fixture(), underlyingPrice: null });
    expect(snapshot.atmStrike).toBeNull();
    expect(snapshot.calls).toEqual([]);
    expect(snapshot.pcr).toBeNull();
    expect(snapshot.maxPain).toBe(25_700);
  });

  it('falls back to the history for a token without a quote, and to nulls without either', () => {
    const input = fixture();
    const quotes = new Map(input.quotes);
    quotes.delete(callToken(25_600));
    quotes.delete(putToken(25_600));
    const history = new OiHistory();
    history.load(
      new Map(input.calls.map((c) => [c.token, [...(input.history as OiHistory).points(c.token)]])),
    );
    const snapshot = computeChainSnapshot({ ...input, quotes, history });
    const call = snapshot.calls[0]!;
    expect(call.oi).toBe(1_000);
    expect(call.ltp).not.toBeNull();
    const put = snapshot.puts[0]!;
    expect(put).toMatchObject({ ltp: null, oi: null, iv: null, buildup: null, breaches: [] });
    expect(put.oiChangePct).toEqual({ '5': null, '10': null, '15': null, '30': null });
  });

  it('moves the shown window with the price', () => {
    const snapshot = computeChainSnapshot({ ...fixture(), underlyingPrice: 25_700 });
    expect(snapshot.atmStrike).toBe(25_700);
    expect(snapshot.calls.map((r) => r.strike)).toEqual([25_600, 25_650, 25_700, 25_750, 25_800]);
  });

  it('has null IV without an expiry', () => {
    const snapshot = computeChainSnapshot({ ...fixture(), expiry: null });
    expect(snapshot.calls.every((r) => r.iv === null)).toBe(true);
  });
});
