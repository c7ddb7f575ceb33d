/**
 * A trading morning recorded the way the daemon records it: a real ChainTracker on the simulator's
 * market model, cycling every 30 s of a driven clock into a real SQLite store. Keeps every snapshot
 * the tracker published, to compare the history's answers with.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import { InstrumentCatalogue } from '../../src/kite/instrument-catalogue.ts';
import type { Candle } from '../../src/kite/types.ts';
import { SimMarket } from '../../src/sim/market-model.ts';
import { simTick } from '../../src/sim/sim-tick.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import { ChainTracker } from '../../src/tracker/chain-tracker.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { istWallClock } from '../../src/util/ist.ts';
import { testTrackerSettings } from './tracker-settings.ts';

export interface RecordedDay {
  store: OiStore;
  /** Every published snapshot, by chain, ascending. */
  published: Map<string, ChainSnapshot[]>;
  /** The clock when the recording stopped. */
  end: number;
}

/** Both default chains from `from` to `to` (IST) on `date`, a cycle every 30 s. */
export async function recordDay(date: string, from: string, to: string, seed = 7): Promise<RecordedDay> {
  let clock = istWallClock(date, from);
  const market = new SimMarket({ seed, asOf: clock });
  const catalogue = new InstrumentCatalogue(market.instruments());
  const store = OiStore.open(path.join(mkdtempSync(path.join(tmpdir(), 'oi-day-')), 'oi.db'));
  const subscribed = new Set<number>();
  const ticker = {
    connectedCount: 1,
    subscribe: (tokens: readonly number[]) => tokens.forEach((token) => subscribed.add(token)),
    unsubscribe: (tokens: readonly number[]) => tokens.forEach((token) => subscribed.delete(token)),
  };
  const rest = {
    historicalMinutes: async (token: number, fromMs: number, toMs: number): Promise<Candle[]> =>
      market.candles(token, fromMs, Math.min(toMs, clock - 60_000)),
    quote: async () => new Map(),
  };
  const published = new Map<string, ChainSnapshot[]>();
  const trackers = parseChainSpecs(DEFAULT_CHAINS)!.map((spec) => {
    const tracker = new ChainTracker({
      spec,
      catalogue,
      rest,
      ticker,
      store,
      now: () => clock,
      settings: testTrackerSettings(),
    });
    tracker.on('snapshot', (snapshot) => {
      if (snapshot.status === 'Live') published.set(spec.id, [...(published.get(spec.id) ?? []), snapshot]);
    });
    tracker.start();
    return tracker;
  });
  const end = istWallClock(date, to);
  for (; clock <= end; clock += 30_000) {
    const ticks = [...subscribed].map((token) => simTick(market, token, clock));
    for (const tracker of trackers) {
      tracker.onTicks(ticks);
      await tracker.runCycle(clock);
      await tracker.backfillSettled();
    }
  }
  return { store, published, end: end + 5 * 60_000 };
}
