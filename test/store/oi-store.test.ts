import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { OiStore } from '../../src/store/oi-store.ts';
import { istWallClock } from '../../src/util/ist.ts';
import { instrument, useTempDir } from './fixtures.ts';

const temp = useTempDir();
const open: OiStore[] = [];
afterEach(() => {
  for (const store of open.splice(0)) store.close();
  temp.cleanup();
});

function openStore(): OiStore {
  const store = OiStore.open(temp.dbPath());
  open.push(store);
  return store;
}

const T = istWallClock('2026-11-24', '14:30:15');

function seedInstruments(store: OiStore): void {
  store.upsertInstruments([
    instrument(101, 'NSE', 24000, 'CE'),
    instrument(102, 'NSE', 24000, 'PE'),
    instrument(201, 'BSE', 80000, 'CE'),
  ]);
}

describe('OiStore.saveCycle', () => {
  it('writes observations, the underlying snapshot and exchange_metadata, visible through the view', () => {
    const store = openStore();
    seedInstruments(store);
    store.saveCycle({
      chainId: 'NSE',
      time: T,
      underlyingPrice: 24012.35,
      atm: 24000,
      observations: [
        { token: 101, time: T, oi: 1_234_500, ltp: 123.45 },
        { token: 102, time: T, oi: 987_600, ltp: 0.05 },
      ],
    });

    const db = new Database(temp.dbPath(), { readonly: true });
    try {
      const rows = db
        .prepare("SELECT * FROM option_chain_snapshots WHERE exchange='NSE' ORDER BY timestamp DESC LIMIT 22")
        .all();
      expect(rows).toEqual([
        {
          timestamp: '2026-11-24T14:30:15+05:30',
          exchange: 'NSE',
          strike: 24000,
          option_type: 'CE',
          symbol: 'NIFTY26N2424000CE',
          oi: 1_234_500,
          ltp: 123.45,
          token: 101,
        },
        {
          timestamp: '2026-11-24T14:30:15+05:30',
          exchange: 'NSE',
          strike: 24000,
          option_type: 'PE',
          symbol: 'NIFTY26N2424000PE',
          oi: 987_600,
          ltp: 0.05,
          token: 102,
        },
      ]);
      expect(db.prepare('SELECT * FROM exchange_metadata').all()).toEqual([
        { exchange: 'NSE', last_update: T, last_underlying_price: 24012.35, last_atm: 24000 },
      ]);
      expect(db.prepare('SELECT ltp_paise FROM observations ORDER BY token').pluck().all()).toEqual([
        12345, 5,
      ]);
    } finally {
      db.close();
    }
    expect(store.lastUpdate('NSE')).toBe(T);
    expect(store.lastUpdate('BSE')).toBeNull();
    expect(store.underlyingHistory('NSE', T)).toEqual([{ time: T, price: 24012.35, atm: 24000, pcr: null }]);
  });

  it('is one transaction: a failure on the last row leaves nothing of the cycle behind', () => {
    const store = openStore();
    seedInstruments(store);
    const other = new Database(temp.dbPath());
    other.exec(`CREATE TRIGGER refuse_999 BEFORE INSERT ON observations WHEN NEW.token = 999
                BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END`);
    other.close();

    expect(() =>
      store.saveCycle({
        chainId: 'NSE',
        time: T,
        underlyingPrice: 24000,
        atm: 24000,
        observations: [
          { token: 101, time: T, oi: 10, ltp: 1 },
          { token: 102, time: T, oi: 20, ltp: 2 },
          { token: 999, time: T, oi: 30, ltp: 3 },
        ],
      }),
    ).toThrow(/refused by test trigger/);
    expect(store.loadObservations('NSE', 0).size).toBe(0);
    expect(store.underlyingHistory('NSE', 0)).toEqual([]);
    expect(store.lastUpdate('NSE')).toBeNull();
  });

  it('replaces an existing observation with the same token and second (live wins)', () => {
    const store = openStore();
    seedInstruments(store);
    const cycle = (oi: number) => ({
      chainId: 'NSE',
      time: T,
      underlyingPrice: 24000,
      atm: 24000,
      observations: [{ token: 101, time: T, oi, ltp: 10 }],
    });
    store.saveCycle(cycle(100));
    store.saveCycle(cycle(200));
    expect(store.loadObservations('NSE', 0).get(101)).toEqual([{ time: T, oi: 200, ltp: 10 }]);
  });

  it('keeps the newest last_update when an older cycle arrives late', () => {
    const store = openStore();
    seedInstruments(store);
    const base = { chainId: 'NSE', underlyingPrice: 24000, atm: 24000, observations: [] };
    store.saveCycle({ ...base, time: T });
    store.saveCycle({ ...base, time: T - 60_000 });
    expect(store.lastUpdate('NSE')).toBe(T);
  });

  it('rejects non-finite values before touching the database', () => {
    const store = openStore();
    seedInstruments(store);
    expect(() =>
      store.saveCycle({
        chainId: 'NSE',
        time: T,
        underlyingPrice: 24000,
        atm: 24000,
        observations: [
          { token: 101, time: T, oi: 1, ltp: 1 },
          { token: 102, time: T, oi: 1, ltp: Number.NaN },
        ],
      }),
    ).toThrow(/ltp must be a finite number, got NaN \(cycle of NSE, token 102\)/);
    expect(store.loadObservations('NSE', 0).size).toBe(0);
  });
});

describe('OiStore.saveObservations (backfill)', () => {
  it('never overwrites a live row, but fills the gaps', () => {
    const store = openStore();
    seedInstruments(store);
    store.saveCycle({
      chainId: 'NSE',
      time: T,
      underlyingPrice: 24000,
      atm: 24000,
      observations: [{ token: 101, time: T, oi: 500, ltp: 50 }],
    });
    store.saveObservations([
      { token: 101, time: T - 60_000, oi: 400, ltp: 40 },
      { token: 101, time: T, oi: 999, ltp: 99 },
    ]);
    expect(store.loadObservations('NSE', 0).get(101)).toEqual([
      { time: T - 60_000, oi: 400, ltp: 40 },
      { time: T, oi: 500, ltp: 50 },
    ]);
  });
});

describe('OiStore.loadObservations', () => {
  it('returns only that chain, only since the cutoff, ascending time per token', () => {
    const store = openStore();
    seedInstruments(store);
    const times = [T - 90_000, T - 60_000, T - 30_000, T];
    // Written out of order, as backfill and live data interleave.
    store.saveObservations(
      [...times].reverse().flatMap((time, i) => [
        { token: 101, time, oi: 100 + i, ltp: 1 + i },
        { token: 102, time, oi: 200 + i, ltp: 2 + i },
        { token: 201, time, oi: 300 + i, ltp: 3 + i },
      ]),
    );

    const since = T - 60_000;
    const nse = store.loadObservations('NSE', since);
    expect([...nse.keys()].sort()).toEqual([101, 102]);
    expect(nse.get(101)!.map((p) => p.time)).toEqual([T - 60_000, T - 30_000, T]);
    expect(nse.get(101)).toEqual([
      { time: T - 60_000, oi: 102, ltp: 3 },
      { time: T - 30_000, oi: 101, ltp: 2 },
      { time: T, oi: 100, ltp: 1 },
    ]);
    const bse = store.loadObservations('BSE', since);
    expect([...bse.keys()]).toEqual([201]);
    expect(bse.get(201)!.length).toBe(3);
    expect(store.loadObservations('NSE', T + 1).size).toBe(0);
    expect(store.loadObservations('BANKNIFTY', 0).size).toBe(0);
  });

  it('stores time to the second: a cutoff inside a second excludes that second', () => {
    const store = openStore();
    seedInstruments(store);
    store.saveObservations([{ token: 101, time: T + 750, oi: 1, ltp: 1 }]);
    expect(store.loadObservations('NSE', T).get(101)).toEqual([{ time: T, oi: 1, ltp: 1 }]);
    expect(store.loadObservations('NSE', T + 1).size).toBe(0);
  });
});

describe('OiStore.health and close', () => {
  it('reports the path and size while open, and not ok once closed', () => {
    const store = OiStore.open(temp.dbPath());
    const health = store.health();
    expect(health).toMatchObject({ ok: true, path: temp.dbPath() });
    expect(health.sizeBytes).toBeGreaterThan(0);
    store.close();
    store.close();
    expect(store.health()).toMatchObject({ ok: false, error: 'store is closed' });
    expect(() => store.lastUpdate('NSE')).toThrow(/is closed/);
  });
});

describe('PCR through the day', () => {
  it('keeps each cycle’s PCR with the underlying snapshot', () => {
    const store = OiStore.open(temp.dbPath());
    try {
      store.saveCycle({
        chainId: 'NSE',
        time: T,
        underlyingPrice: 24_000,
        atm: 24_000,
        pcr: 0.875,
        observations: [],
      });
      store.saveCycle({
        chainId: 'NSE',
        time: T + 30_000,
        underlyingPrice: 24_010,
        atm: 24_000,
        observations: [],
      });
      expect(store.underlyingHistory('NSE', T).map((point) => point.pcr)).toEqual([0.875, null]);
    } finally {
      store.close();
    }
  });
});
