/**
 * db_bytes_30_days: the database file after 30 trading days at default settings (both chains, each
 * with its nearest and next expiry (EXPIRIES_TRACKED=2), 26 options each, a cycle every 30 s from 09:15 to 15:30 IST with its published record, underlying
 * snapshots, daily retention
 * prune of 30 days as the daemon runs it), in MB after a WAL checkpoint. Baseline: the same data in a
 * naive row-per-observation rowid table with text timestamp, symbol and exchange columns, as the
 * original product stored it.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { OiStore, type InstrumentRecord } from '../../src/store/oi-store.ts';
import { DAY_MS, formatIstIso, istAddDays, istWallClock, istWeekday } from '../../src/util/ist.ts';
import { atMost, type BenchResult } from './result.ts';
import { mulberry32 } from '../../src/sim/random.ts';
import { SYNTHETIC_CHAINS, generateChainDay } from './recovery-load-day.ts';

const BAR_MB = 60;
/** EXPIRIES_TRACKED=2 (the default): each chain's nearest and next expiry. */
const RANKS = [0, 1] as const;
const TRADING_DAYS = 30;
const RETENTION_DAYS = 30;
const FIRST_DAY = '2026-10-01';
const MB = 1024 * 1024;

/** The first `count` weekdays on or after `first`. */
export function tradingDays(first: string, count: number): string[] {
  const days: string[] = [];
  for (let date = first; days.length < count; date = istAddDays(date, 1)) {
    const weekday = istWeekday(date);
    if (weekday !== 0 && weekday !== 6) days.push(date);
  }
  return days;
}

const NAIVE_SCHEMA = `
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = NORMAL;
  CREATE TABLE option_chain_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT NOT NULL,
    exchange TEXT NOT NULL,
    strike REAL NOT NULL,
    option_type TEXT NOT NULL,
    symbol TEXT NOT NULL,
    oi INTEGER NOT NULL,
    ltp REAL NOT NULL,
    token INTEGER NOT NULL
  );
  CREATE TABLE underlying_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT NOT NULL,
    exchange TEXT NOT NULL,
    price REAL NOT NULL,
    atm REAL NOT NULL
  );
  CREATE TABLE exchange_metadata (
    exchange TEXT PRIMARY KEY,
    last_update TEXT,
    last_underlying_price REAL,
    last_atm REAL
  );
`;

/** MB of the store after 30 generated trading days, against the naive schema holding the same data. */
export function dbBytes30Days(): BenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'oi-bench-bytes-'));
  const ourPath = join(dir, 'oi-tracker.db');
  const naivePath = join(dir, 'naive.db');
  try {
    const store = OiStore.open(ourPath);
    const naive = new Database(naivePath);
    naive.exec(NAIVE_SCHEMA);
    const insertRow = naive.prepare(
      `INSERT INTO option_chain_snapshots (timestamp, exchange, strike, option_type, symbol, oi, ltp, token)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertUnderlying = naive.prepare(
      'INSERT INTO underlying_snapshots (timestamp, exchange, price, atm) VALUES (?, ?, ?, ?)',
    );
    const upsertMetadata = naive.prepare(
      `INSERT OR REPLACE INTO exchange_metadata (exchange, last_update, last_underlying_price, last_atm)
       VALUES (?, ?, ?, ?)`,
    );

    const random = mulberry32(30);
    for (const date of tradingDays(FIRST_DAY, TRADING_DAYS)) {
      // The naive table only appends, so its layout does not depend on how commits are grouped:
      // one transaction per day keeps the bench short. Ours commits once per cycle, as the daemon does.
      naive.exec('BEGIN');
      for (const [chain, expiryRank] of SYNTHETIC_CHAINS.flatMap((c) => RANKS.map((r) => [c, r] as const))) {
        const instruments = new Map<number, InstrumentRecord>();
        generateChainDay(
          chain,
          date,
          random,
          (rows) => {
            store.upsertInstruments(rows);
            for (const row of rows) instruments.set(row.token, row);
          },
          (cycle) => {
            store.saveCycle(cycle);
            const timestamp = formatIstIso(cycle.time);
            for (const o of cycle.observations) {
              const instrument = instruments.get(o.token)!;
              insertRow.run(
                timestamp,
                chain.chainId,
                instrument.strike,
                instrument.optionType,
                instrument.symbol,
                o.oi,
                o.ltp,
                o.token,
              );
            }
            insertUnderlying.run(timestamp, chain.chainId, cycle.underlyingPrice, cycle.atm);
            upsertMetadata.run(chain.chainId, timestamp, cycle.underlyingPrice, cycle.atm);
          },
          expiryRank,
        );
      }
      naive.exec('COMMIT');
      // The daemon's daily retention job, after the close.
      store.pruneBefore(istWallClock(date, '16:00') - RETENTION_DAYS * DAY_MS);
    }
    store.checkpoint();
    naive.pragma('wal_checkpoint(TRUNCATE)');
    const value = statSync(ourPath).size / MB;
    const baseline = statSync(naivePath).size / MB;
    store.close();
    naive.close();
    return atMost(value, baseline, 'MB', BAR_MB);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
