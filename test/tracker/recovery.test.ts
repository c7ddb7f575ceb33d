import { afterEach, describe, expect, it } from 'vitest';
import { OiStore } from '../../src/store/oi-store.ts';
import { recoverChain, shouldRecover } from '../../src/tracker/recovery.ts';
import { istWallClock } from '../../src/util/ist.ts';
import { instrument, useTempDir } from '../store/fixtures.ts';

const at = (date: string, time: string): number => istWallClock(date, time);

describe('shouldRecover', () => {
  it('recovers from a recent snapshot of the same IST day', () => {
    expect(shouldRecover(at('2026-11-24', '10:00'), at('2026-11-24', '10:05'), 30)).toBe(true);
    expect(shouldRecover(at('2026-11-24', '10:00'), at('2026-11-24', '10:29:59'), 30)).toBe(true);
  });

  it('starts fresh when the snapshot is gapMinutes old or more', () => {
    expect(shouldRecover(at('2026-11-24', '10:00'), at('2026-11-24', '10:30'), 30)).toBe(false);
    expect(shouldRecover(at('2026-11-24', '10:00'), at('2026-11-24', '14:00'), 30)).toBe(false);
  });

  it('starts fresh after midnight IST even when less than gapMinutes have passed', () => {
    expect(shouldRecover(at('2026-11-24', '23:50'), at('2026-11-25', '00:05'), 30)).toBe(false);
  });

  it('uses the IST day, not the UTC day', () => {
    // 05:00 and 05:40 IST are on different UTC days (23:30 and 00:10 UTC) but the same IST day.
    expect(shouldRecover(at('2026-11-24', '05:00'), at('2026-11-24', '05:40'), 60)).toBe(true);
  });

  it('starts fresh without any snapshot', () => {
    expect(shouldRecover(null, at('2026-11-24', '10:00'), 30)).toBe(false);
  });
});

describe('recoverChain', () => {
  const temp = useTempDir();
  afterEach(() => temp.cleanup());

  it("returns today's observations of the chain from the store when recovering, else null", () => {
    const store = OiStore.open(temp.dbPath());
    try {
      store.upsertInstruments([instrument(101, 'NSE', 24000, 'CE'), instrument(201, 'BSE', 80000, 'CE')]);
      const yesterday = at('2026-11-23', '15:29');
      const morning = at('2026-11-24', '09:15');
      const last = at('2026-11-24', '11:00');
      store.saveObservations([{ token: 101, time: yesterday, oi: 1, ltp: 1 }]);
      for (const time of [morning, last]) {
        store.saveCycle({
          chainId: 'NSE',
          time,
          underlyingPrice: 24010,
          atm: 24000,
          observations: [{ token: 101, time, oi: 7, ltp: 2.5 }],
        });
      }
      store.saveCycle({
        chainId: 'BSE',
        time: last,
        underlyingPrice: 80010,
        atm: 80000,
        observations: [{ token: 201, time: last, oi: 3, ltp: 4 }],
      });

      const recovered = recoverChain(store, 'NSE', at('2026-11-24', '11:10'), 30);
      expect(recovered).not.toBeNull();
      expect(recovered!.lastUpdate).toBe(last);
      expect([...recovered!.observations.keys()]).toEqual([101]);
      expect(recovered!.observations.get(101)!.map((p) => p.time)).toEqual([morning, last]);

      expect(recoverChain(store, 'NSE', at('2026-11-24', '11:30'), 30)).toBeNull();
      expect(recoverChain(store, 'BANKNIFTY', at('2026-11-24', '11:10'), 30)).toBeNull();
    } finally {
      store.close();
    }
  });
});
