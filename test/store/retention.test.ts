import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { OiStore } from '../../src/store/oi-store.ts';
import { DAY_MS, istWallClock } from '../../src/util/ist.ts';
import { instrument, useTempDir } from './fixtures.ts';

const temp = useTempDir();
afterEach(() => temp.cleanup());

const TOKENS = Array.from({ length: 26 }, (_, i) => 10_000_000 + i * 256);

/** `days` days of one chain's cycles every 30 s through the session, starting on `firstDate`. */
function fillDays(store: OiStore, firstMs: number, days: number): void {
  for (let day = 0; day < days; day++) {
    const open = firstMs + day * DAY_MS;
    for (let time = open; time <= open + 375 * 60_000; time += 30_000) {
      store.saveCycle({
        chainId: 'NSE',
        time,
        underlyingPrice: 24000,
        atm: 24000,
        observations: TOKENS.map((token, i) => ({
          token,
          time,
          oi: 1_000_000 + i + time / 1000,
          ltp: 100 + i,
        })),
      });
    }
  }
}

describe('OiStore.pruneBefore', () => {
  it('deletes older rows, keeps newer ones and hands the space back to the file system', () => {
    const path = temp.dbPath();
    const store = OiStore.open(path);
    store.upsertInstruments(
      TOKENS.map((token, i) =>
        instrument(token, 'NSE', 23700 + 50 * (i >> 1), i % 2 ? 'PE' : 'CE', '2026-12-29'),
      ),
    );
    store.upsertInstruments([instrument(5, 'NSE', 20000, 'CE', '2026-11-01')]); // expired, no data
    const first = istWallClock('2026-11-23', '09:15');
    fillDays(store, first, 3);
    store.checkpoint();
    const sizeBefore = statSync(path).size;

    const cutoff = istWallClock('2026-11-25', '00:00');
    const result = store.pruneBefore(cutoff);
    expect(result).toEqual({ cycles: 0, observations: 2 * 751 * 26, underlying: 2 * 751, instruments: 1 });

    const left = store.loadObservations('NSE', 0);
    expect([...left.values()].every((points) => points.length === 751 && points[0]!.time >= cutoff)).toBe(
      true,
    );
    expect(store.underlyingHistory('NSE', 0)[0]!.time).toBe(istWallClock('2026-11-25', '09:15'));
    expect(store.lastUpdate('NSE')).toBe(istWallClock('2026-11-25', '15:30'));
    const sizeAfter = statSync(path).size;
    store.close();

    expect(sizeAfter).toBeLessThan(sizeBefore * 0.6);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    db.close();
  });

  it('does nothing when there is nothing older', () => {
    const store = OiStore.open(temp.dbPath());
    fillDays(store, istWallClock('2026-11-24', '09:15'), 1);
    expect(store.pruneBefore(istWallClock('2026-11-24', '00:00'))).toEqual({
      cycles: 0,
      observations: 0,
      underlying: 0,
      instruments: 0,
    });
    store.close();
  });
});
