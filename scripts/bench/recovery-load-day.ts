/**
 * recovery_load_day: the restart path. One full trading day of both chains (13 strikes × CE/PE each,
 * every 30 s from 09:15 to 15:30 IST) sits in a fresh database; the bench times a freshly opened
 * store loading both chains' observations, median of several runs, against a naive load of the same
 * day through the seed-compatible `option_chain_snapshots` view (row objects, grouped by token).
 *
 * Also exports the synthetic market-day generator used by db_bytes_30_days.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mulberry32 } from '../../src/sim/random.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { OiStore, type CycleRecord, type InstrumentRecord } from '../../src/store/oi-store.ts';
import {
  DAY_MS,
  formatIstIso,
  istAddDays,
  istDayNumberOfDate,
  istMidnight,
  istWallClock,
  istWeekday,
} from '../../src/util/ist.ts';
import { atMost, type BenchResult } from './result.ts';

const BAR_MS = 50;
const RUNS = 15;
const WARM_UP_RUNS = 2;
const DAY = '2026-11-24';

export interface SyntheticChain {
  chainId: string;
  /** The index's display name. */
  underlying: string;
  optionName: string;
  optionsExchange: string;
  segmentCode: number;
  firstExchangeToken: number;
  referenceLevel: number;
  strikeStep: number;
  lotSize: number;
  /** 0 = Sunday … 6 = Saturday. */
  expiryWeekday: number;
}

export const SYNTHETIC_CHAINS: readonly SyntheticChain[] = [
  {
    chainId: 'NSE',
    underlying: 'NIFTY 50',
    optionName: 'NIFTY',
    optionsExchange: 'NFO',
    segmentCode: 2,
    firstExchangeToken: 40_000,
    referenceLevel: 24_000,
    strikeStep: 50,
    lotSize: 75,
    expiryWeekday: 2,
  },
  {
    chainId: 'BSE',
    underlying: 'SENSEX',
    optionName: 'SENSEX',
    optionsExchange: 'BFO',
    segmentCode: 4,
    firstExchangeToken: 800_000,
    referenceLevel: 80_000,
    strikeStep: 100,
    lotSize: 20,
    expiryWeekday: 4,
  },
];

export const STRIKES_PER_CHAIN = 13;
export const CYCLE_MS = 30_000;

/** The nearest expiry weekday on or after `date`. */
function expiryOf(chain: SyntheticChain, date: string): string {
  let expiry = date;
  while (istWeekday(expiry) !== chain.expiryWeekday) expiry = istAddDays(expiry, 1);
  return expiry;
}

interface OptionState {
  instrument: InstrumentRecord;
  oi: number;
  ltp: number;
}

/**
 * Generates one trading day of one chain: its 26 instruments around the day's ATM, then one cycle
 * every 30 s from 09:15 to 15:30 IST (OI moving in lots, LTP in 5-paise ticks).
 */
export function generateChainDay(
  chain: SyntheticChain,
  date: string,
  random: () => number,
  onInstruments: (rows: InstrumentRecord[]) => void,
  onCycle: (cycle: CycleRecord) => void,
  /** 0: the nearest expiry; 1: the next (a week later), as EXPIRIES_TRACKED=2 tracks it too. */
  expiryRank = 0,
): void {
  const expiry = istAddDays(expiryOf(chain, date), 7 * expiryRank);
  const weekSlot = Math.floor(istDayNumberOfDate(expiry) / 7) % 64;
  let price = chain.referenceLevel * (0.97 + random() * 0.06);
  const atm0 = Math.round(price / chain.strikeStep) * chain.strikeStep;
  const options: OptionState[] = [];
  for (let k = -(STRIKES_PER_CHAIN >> 1); k <= STRIKES_PER_CHAIN >> 1; k++) {
    const strike = atm0 + k * chain.strikeStep;
    for (const optionType of ['CE', 'PE'] as const) {
      const strikeSlot = Math.round(strike / chain.strikeStep) % 2048;
      const exchangeToken =
        chain.firstExchangeToken + (weekSlot * 2048 + strikeSlot) * 2 + (optionType === 'CE' ? 0 : 1);
      const intrinsic = Math.max(0, optionType === 'CE' ? price - strike : strike - price);
      options.push({
        instrument: {
          token: exchangeToken * 256 + chain.segmentCode,
          chainId: chain.chainId,
          symbol: `${chain.optionName}${expiry.slice(2, 4)}${expiry.slice(5, 7)}${expiry.slice(8)}${strike}${optionType}`,
          strike,
          optionType,
          expiry,
          exchange: chain.optionsExchange,
          lotSize: chain.lotSize,
        },
        oi: chain.lotSize * Math.round(20_000 + random() * 120_000),
        ltp: intrinsic + chain.strikeStep * (0.5 + random()),
      });
    }
  }
  onInstruments(options.map((o) => o.instrument));

  const open = istWallClock(date, '09:15');
  const close = istWallClock(date, '15:30');
  for (let time = open; time <= close; time += CYCLE_MS) {
    price *= 1 + (random() - 0.5) * 0.0008;
    const observations = options.map((o) => {
      if (random() < 0.6) o.oi = Math.max(0, o.oi + chain.lotSize * Math.round((random() - 0.45) * 400));
      o.ltp = Math.max(0.05, Math.round((o.ltp * (1 + (random() - 0.5) * 0.02)) / 0.05) * 0.05);
      return { token: o.instrument.token, time, oi: o.oi, ltp: Math.round(o.ltp * 100) / 100 };
    });
    const atm = Math.round(price / chain.strikeStep) * chain.strikeStep;
    const underlyingPrice = Math.round(price * 100) / 100;
    onCycle({
      chainId: chain.chainId,
      time,
      underlyingPrice,
      atm,
      observations,
      underlyingSnapshot: expiryRank === 0,
      published: {
        chainId: chain.chainId,
        time,
        expiry,
        expiryRank,
        status: 'Live',
        underlyingPrice,
        underlyingChange: Math.round((underlyingPrice - chain.referenceLevel) * 100) / 100,
        pcrAll: Math.round((0.7 + random() * 0.6) * 10_000) / 10_000,
        maxPain: atm,
        support: atm - 2 * chain.strikeStep,
        resistance: atm + 2 * chain.strikeStep,
        notes: [],
        historySince: open - 9.25 * 3_600_000,
        settings: {
          underlying: chain.underlying,
          strikeStep: chain.strikeStep,
          strikesEachSide: 5,
          windows: [
            { minutes: 5, thresholdPct: 8 },
            { minutes: 10, thresholdPct: 10 },
            { minutes: 15, thresholdPct: 15 },
            { minutes: 30, thresholdPct: 25 },
          ],
          rate: 0.1,
        },
      },
    });
  }
}

/** Writes one trading day of every synthetic chain into the store, one transaction per cycle. */
export function writeTradingDay(store: OiStore, date: string, random: () => number): number {
  let rows = 0;
  for (const chain of SYNTHETIC_CHAINS) {
    generateChainDay(
      chain,
      date,
      random,
      (instruments) => store.upsertInstruments(instruments),
      (cycle) => {
        store.saveCycle(cycle);
        rows += cycle.observations.length;
      },
    );
  }
  return rows;
}

/**
 * A database at `path` holding `days` of both synthetic chains (a seeded random market), with the daily
 * retention prune after each day's close when `retentionDays` is given.
 */
export function writeTradingDays(path: string, days: readonly string[], retentionDays?: number): void {
  const store = OiStore.open(path);
  const random = mulberry32(31);
  for (const date of days) {
    writeTradingDay(store, date, random);
    if (retentionDays !== undefined) store.pruneBefore(istWallClock(date, '16:00') - retentionDays * DAY_MS);
  }
  store.close();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** Median ms to load one trading day of both chains on a freshly opened store; naive view load as baseline. */
export function recoveryLoadDay(): BenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'oi-bench-recovery-'));
  const path = join(dir, 'oi-tracker.db');
  try {
    const writer = OiStore.open(path);
    const rowsWritten = writeTradingDay(writer, DAY, mulberry32(7));
    writer.close();
    const since = istMidnight(istWallClock(DAY, '12:00'));

    let sink = 0;
    const ours: number[] = [];
    for (let run = 0; run < WARM_UP_RUNS + RUNS; run++) {
      const store = OiStore.open(path);
      const start = performance.now();
      let loaded = 0;
      for (const chain of SYNTHETIC_CHAINS) {
        for (const points of store.loadObservations(chain.chainId, since).values()) loaded += points.length;
      }
      const elapsed = performance.now() - start;
      store.close();
      if (loaded !== rowsWritten) throw new Error(`loaded ${loaded} observations, wrote ${rowsWritten}`);
      if (run >= WARM_UP_RUNS) ours.push(elapsed);
      sink += loaded;
    }

    const naive: number[] = [];
    const sinceText = formatIstIso(since);
    for (let run = 0; run < WARM_UP_RUNS + RUNS; run++) {
      const db = new Database(path, { readonly: true });
      const start = performance.now();
      const select = db.prepare(
        'SELECT * FROM option_chain_snapshots WHERE exchange = ? AND timestamp >= ? ORDER BY token, timestamp',
      );
      for (const chain of SYNTHETIC_CHAINS) {
        const byToken = new Map<number, { time: number; oi: number; ltp: number }[]>();
        for (const row of select.all(chain.chainId, sinceText) as {
          timestamp: string;
          token: number;
          oi: number;
          ltp: number;
        }[]) {
          let points = byToken.get(row.token);
          if (points === undefined) byToken.set(row.token, (points = []));
          points.push({ time: Date.parse(row.timestamp), oi: row.oi, ltp: row.ltp });
        }
        for (const points of byToken.values()) sink += points.length;
      }
      const elapsed = performance.now() - start;
      db.close();
      if (run >= WARM_UP_RUNS) naive.push(elapsed);
    }
    if (Number.isNaN(sink)) console.log(sink);

    const value = median(ours);
    const baseline = median(naive);
    return atMost(value, baseline, 'ms', BAR_MS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
