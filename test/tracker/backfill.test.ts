import { describe, expect, it } from 'vitest';
import type { Candle } from '../../src/kite/types.ts';
import { Backfiller } from '../../src/tracker/backfill.ts';
import { OiHistory } from '../../src/tracker/oi-history.ts';
import type { ChainStore, MarketRest, ObservationRow } from '../../src/tracker/ports.ts';

const NOW = Date.parse('2026-11-25T10:00:00+05:30');
const TOKEN = 12_345 * 256 + 2;

function candles(): Candle[] {
  return Array.from({ length: 10 }, (_, i) => ({
    time: NOW - (10 - i) * 60_000,
    open: 100,
    high: 101,
    low: 99,
    close: 100 + i,
    volume: 10,
    oi: 1000 + i,
  }));
}

/** A backfiller of a REST that answers candles(), saving into `store`, once TOKEN's fetch has settled. */
async function fetchedBackfill(store: ChainStore, onStoreError: (error: unknown) => void = () => undefined) {
  const rest: MarketRest = { historicalMinutes: async () => candles(), quote: async () => new Map() };
  const history = new OiHistory();
  const backfiller = new Backfiller(rest, history, store, 40, onStoreError);
  backfiller.request([TOKEN], NOW);
  await backfiller.settled();
  return { history, backfiller };
}

describe('Backfiller', () => {
  it('merges what arrived at the next cycle only, stored as known from that cycle', async () => {
    const saved: { rows: ObservationRow[]; knownAt: number }[] = [];
    const store = {
      saveObservations(rows: ObservationRow[], knownAt: number) {
        saved.push({ rows, knownAt });
        return rows;
      },
    } as unknown as ChainStore;
    const { history, backfiller } = await fetchedBackfill(store);
    expect(history.points(TOKEN)).toEqual([]);
    backfiller.mergeArrived(NOW + 30_000);
    expect(history.points(TOKEN).map((point) => point.time)).toEqual(candles().map((candle) => candle.time));
    expect(saved).toHaveLength(1);
    expect(saved[0]!.knownAt).toBe(NOW + 30_000);
  });

  it('leaves out of the history a candle the store kept its own row for', async () => {
    const clash = candles()[3]!.time;
    const store = {
      saveObservations: (rows: ObservationRow[]) => rows.filter((row) => row.time !== clash),
    } as unknown as ChainStore;
    const { history, backfiller } = await fetchedBackfill(store);
    backfiller.mergeArrived(NOW + 30_000);
    const times = history.points(TOKEN).map((point) => point.time);
    expect(times).toHaveLength(9);
    expect(times).not.toContain(clash);
  });

  it('keeps backfilled points the store refused and saves them on the next cycle, known from the first', async () => {
    const saved: { rows: ObservationRow[]; knownAt: number }[] = [];
    let storeFails = true;
    const store = {
      saveObservations(rows: ObservationRow[], knownAt: number) {
        if (storeFails) throw new Error('database is locked');
        saved.push({ rows, knownAt });
        return rows;
      },
    } as unknown as ChainStore;
    const errors: unknown[] = [];
    const { backfiller } = await fetchedBackfill(store, (error) => errors.push(error));
    backfiller.mergeArrived(NOW + 30_000);
    expect(errors).toHaveLength(1);
    expect(saved).toHaveLength(0);

    storeFails = false;
    backfiller.mergeArrived(NOW + 60_000);
    expect(saved).toHaveLength(1);
    expect(saved[0]!.rows.map((row) => row.time)).toEqual(candles().map((candle) => candle.time));
    expect(saved[0]!.knownAt).toBe(NOW + 30_000);
    backfiller.mergeArrived(NOW + 90_000);
    expect(saved).toHaveLength(1);
  });

  it('drops what a fetch brings back after stop, and starts no more: the store may be closed', async () => {
    const saved: ObservationRow[] = [];
    const store = {
      saveObservations: (rows: ObservationRow[]) => void saved.push(...rows),
    } as unknown as ChainStore;
    let answer: (value: Candle[]) => void = () => undefined;
    const requested: number[] = [];
    const rest: MarketRest = {
      historicalMinutes: (token) => {
        requested.push(token);
        return new Promise<Candle[]>((resolve) => (answer = resolve));
      },
      quote: async () => new Map(),
    };
    const history = new OiHistory();
    const backfiller = new Backfiller(rest, history, store, 40, () => undefined);
    backfiller.request([TOKEN], NOW);
    backfiller.stop();
    answer(candles());
    await backfiller.settled();
    backfiller.mergeArrived(NOW + 30_000);
    backfiller.request([TOKEN + 256], NOW);
    expect(requested).toEqual([TOKEN]);
    expect(saved).toEqual([]);
    expect(history.needsBackfill(TOKEN, NOW, 30)).toBe(true);
  });

  it("asks for no candle from before the IST day's midnight: yesterday's would only be stored", async () => {
    const justAfterMidnight = Date.parse('2026-11-26T00:10:00+05:30');
    const asked: [number, number][] = [];
    const rest: MarketRest = {
      historicalMinutes: async (_token, from, to) => {
        asked.push([from, to]);
        return [];
      },
      quote: async () => new Map(),
    };
    const store = { saveObservations: () => undefined } as unknown as ChainStore;
    const backfiller = new Backfiller(rest, new OiHistory(), store, 40, () => undefined);
    backfiller.request([TOKEN], justAfterMidnight);
    await backfiller.settled();
    expect(asked).toEqual([[Date.parse('2026-11-26T00:00:00+05:30'), justAfterMidnight]]);
  });
});
