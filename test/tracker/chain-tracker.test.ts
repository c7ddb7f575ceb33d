import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseChainSpecs, DEFAULT_CHAINS } from '../../src/chain-specs.ts';
import { InstrumentCatalogue } from '../../src/kite/instrument-catalogue.ts';
import type { Quote } from '../../src/kite/rest-client.ts';
import type { Candle, Tick, TickMode } from '../../src/kite/types.ts';
import { SimMarket } from '../../src/sim/market-model.ts';
import { simTick } from '../../src/sim/sim-tick.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import { ChainTracker } from '../../src/tracker/chain-tracker.ts';
import type { MarketRest, TickerSubscriptions } from '../../src/tracker/ports.ts';
import { istWallClock } from '../../src/util/ist.ts';
import { testTrackerSettings } from '../support/tracker-settings.ts';

const NSE = parseChainSpecs(DEFAULT_CHAINS)![0]!;
const NIFTY_INDEX = 256265;

/** The ticker port as the tracker sees it: what is subscribed, and whether a socket is up. */
class RecordingTicker implements TickerSubscriptions {
  readonly subscribed = new Map<number, TickMode>();
  connectedCount = 1;
  subscribe(tokens: readonly number[], mode: TickMode): void {
    for (const token of tokens) this.subscribed.set(token, mode);
  }
  unsubscribe(tokens: readonly number[]): void {
    for (const token of tokens) this.subscribed.delete(token);
  }
}

/** Kite's REST answers from the simulator's market model; `failHistorical` plays an outage. */
class MarketModelRest implements MarketRest {
  failHistorical = false;
  historicalCalls = 0;
  /** Runs while the quote call is under way (ticks or a dropped socket arriving mid-cycle). */
  duringQuote: (() => void) | null = null;
  constructor(
    private readonly market: SimMarket,
    private readonly catalogue: InstrumentCatalogue,
    private readonly now: () => number,
  ) {}
  async historicalMinutes(token: number, fromMs: number, toMs: number): Promise<Candle[]> {
    this.historicalCalls++;
    if (this.failHistorical) throw new Error('historical: Gateway timeout');
    return this.market.candles(token, fromMs, Math.min(toMs, this.now() - 60_000));
  }
  async quote(keys: readonly string[]): Promise<Map<string, Quote>> {
    this.duringQuote?.();
    const result = new Map<string, Quote>();
    for (const key of keys) {
      const instrument = this.catalogue.byTradingsymbol(key)!;
      const q = this.market.quote(instrument.instrumentToken, this.now());
      result.set(key, {
        instrumentToken: instrument.instrumentToken,
        lastPrice: q.lastPrice,
        oi: q.oi,
        volume: q.volume,
        ohlc: q.ohlc,
      });
    }
    return result;
  }
}

let clock: number;
let market: SimMarket;
let catalogue: InstrumentCatalogue;
let store: OiStore;
let ticker: RecordingTicker;
let rest: MarketModelRest;

function newTracker(): ChainTracker {
  const tracker = new ChainTracker({
    spec: NSE,
    catalogue,
    rest,
    ticker,
    store,
    now: () => clock,
    settings: testTrackerSettings(),
  });
  tracker.start();
  return tracker;
}

/** Every subscribed token ticks at the current instant (the index at `indexPrice` when given). */
function tickAll(tracker: ChainTracker, indexPrice?: number): void {
  const ticks: Tick[] = [...ticker.subscribed.keys()].map((token) => simTick(market, token, clock));
  if (indexPrice !== undefined) {
    const index = ticks.find((tick) => tick.instrumentToken === NIFTY_INDEX)!;
    index.lastPrice = indexPrice;
  }
  tracker.onTicks(ticks);
}

beforeEach(() => {
  clock = istWallClock('2026-11-25', '11:00');
  market = new SimMarket({ seed: 4, asOf: clock });
  catalogue = new InstrumentCatalogue(market.instruments());
  store = OiStore.open(path.join(mkdtempSync(path.join(tmpdir(), 'oi-tracker-')), 'oi.db'));
  ticker = new RecordingTicker();
  rest = new MarketModelRest(market, catalogue, () => clock);
});
afterEach(() => store.close());

describe('ChainTracker', () => {
  it('subscribes 13 strikes × CE/PE around ATM in full mode and moves the window with ATM', async () => {
    const tracker = newTracker();
    expect([...ticker.subscribed]).toEqual([[NIFTY_INDEX, 'full']]);
    tickAll(tracker, 25_612.35);
    const first = await tracker.runCycle(clock);
    expect(first.atmStrike).toBe(25_600);
    const previousClose = simTick(market, NIFTY_INDEX, clock).ohlc!.close;
    expect(first.underlyingChange).toBeCloseTo(25_612.35 - previousClose, 2);
    const strikesOf = () =>
      [
        ...new Set(
          [...ticker.subscribed.keys()]
            .filter((t) => t !== NIFTY_INDEX)
            .map((t) => catalogue.byInstrumentToken(t)!.strike),
        ),
      ].sort();
    expect(strikesOf()).toEqual(Array.from({ length: 13 }, (_, i) => 25_300 + 50 * i));
    expect([...ticker.subscribed.values()].every((mode) => mode === 'full')).toBe(true);

    clock += 30_000;
    tickAll(tracker, 25_700);
    const moved = await tracker.runCycle(clock);
    expect(moved.atmStrike).toBe(25_700);
    expect(strikesOf()).toEqual(Array.from({ length: 13 }, (_, i) => 25_400 + 50 * i));
    expect(moved.calls.map((row) => row.strike)).toEqual(
      Array.from({ length: 11 }, (_, i) => 25_450 + 50 * i),
    );
  });

  it('backfills strikes without history once, persists the points, and has 5-minute changes', async () => {
    const tracker = newTracker();
    tickAll(tracker, 25_612.35);
    await tracker.runCycle(clock);
    tickAll(tracker, 25_612.35);
    await tracker.backfillSettled();
    expect(rest.historicalCalls).toBe(26);
    clock += 30_000;
    tickAll(tracker, 25_612.35);
    const snapshot = await tracker.runCycle(clock);
    expect(snapshot.status).toBe('Live');
    expect(
      snapshot.calls.every((row) => row.oiChangePct['5'] !== null && row.oiChangePct['30'] !== null),
    ).toBe(true);
    expect(snapshot.pcr).toBeGreaterThan(0);
    expect(store.underlyingHistory('NSE', clock).map((point) => point.pcr)).toEqual([snapshot.pcr]);
    await tracker.backfillSettled();
    expect(rest.historicalCalls).toBe(26); // once per token
    const stored = store.loadObservations('NSE', clock - 45 * 60_000);
    expect(stored.size).toBe(26);
    expect([...stored.values()].every((points) => points.length >= 40)).toBe(true);
  });

  it('carries on with live data and says so when the historical API fails', async () => {
    rest.failHistorical = true;
    const tracker = newTracker();
    tickAll(tracker);
    await tracker.runCycle(clock);
    tickAll(tracker);
    await tracker.backfillSettled();
    clock += 30_000;
    tickAll(tracker);
    const snapshot = await tracker.runCycle(clock);
    expect(snapshot.status).toBe('Live');
    expect(snapshot.notes).toEqual([
      'historical API unavailable (historical: Gateway timeout): live data only',
    ]);
    expect(snapshot.calls[0]!.oiChangePct['5']).toBeNull();
  });

  it('a silent feed adds no points, turns Stale after two cycles, and Disconnected without a socket', async () => {
    const tracker = newTracker();
    tickAll(tracker);
    await tracker.runCycle(clock);
    tickAll(tracker);
    clock += 30_000;
    await tracker.runCycle(clock);
    const token = tracker.tradableOptions()[0]!.token;
    const pointsBefore = tracker.history.points(token).length;
    clock += 30_000;
    expect((await tracker.runCycle(clock)).status).toBe('Live');
    clock += 31_000;
    expect((await tracker.runCycle(clock)).status).toBe('Stale');
    expect(tracker.history.points(token).length).toBe(pointsBefore);
    ticker.connectedCount = 0;
    expect((await tracker.runCycle(clock + 30_000)).status).toBe('Disconnected');
  });

  it('a cycle is what its frozen read saw: ticks or a dropped socket during the quote call', async () => {
    const tracker = newTracker();
    tickAll(tracker, 25_612.35);
    // The options subscribed this cycle first tick while its quote call runs: the rows had none.
    rest.duringQuote = () => tickAll(tracker, 25_612.35);
    const first = await tracker.runCycle(clock);
    expect(first.status).toBe('Starting');
    expect(first.calls.every((row) => row.oi === null)).toBe(true);
    expect(store.cycles().between('NSE', clock - 60_000, clock + 60_000)).toEqual([]);

    clock += 30_000;
    const second = await tracker.runCycle(clock);
    expect(second.status).toBe('Live');
    expect(second.calls.every((row) => row.oi !== null)).toBe(true);
    expect(second.pcr).not.toBeNull();
    expect(
      store
        .cycles()
        .between('NSE', clock - 60_000, clock)
        .map((cycle) => cycle.time),
    ).toEqual([clock]);

    clock += 30_000;
    rest.duringQuote = () => {
      ticker.connectedCount = 0;
    };
    expect((await tracker.runCycle(clock)).status).toBe('Disconnected');
  });

  it('recovers today’s history from the store after a restart within the gap, without the historical API', async () => {
    const first = newTracker();
    tickAll(first);
    await first.runCycle(clock);
    tickAll(first);
    await first.backfillSettled();
    clock += 30_000;
    tickAll(first);
    await first.runCycle(clock);
    await first.backfillSettled();
    first.stop(); // stores the candles that arrived after its last cycle
    const callsBefore = rest.historicalCalls;

    clock += 10 * 60_000;
    const second = newTracker();
    tickAll(second);
    await second.runCycle(clock);
    tickAll(second);
    clock += 30_000;
    tickAll(second);
    const snapshot = await second.runCycle(clock);
    await second.backfillSettled();
    expect(rest.historicalCalls).toBe(callsBefore);
    expect(snapshot.calls.every((row) => row.oiChangePct['15'] !== null)).toBe(true);
  });
});
