/** What the soak reads from the daemon's SQLite file, on a read-only connection of its own. */
import Database from 'better-sqlite3';
import { DAY_MS } from '../../src/util/ist.ts';
import type { DayFigures, WeekReport } from './week-report.ts';

function reading<T>(dbPath: string, read: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Epoch ms of the oldest observation and underlying snapshot left (rows are stored by the second). */
export function oldestRows(dbPath: string): { observation: number | null; underlying: number | null } {
  return reading(dbPath, (db) => {
    const oldest = (table: string) => {
      const seconds = db.prepare(`SELECT min(time) FROM ${table}`).pluck().get() as number | null;
      return seconds === null ? null : seconds * 1000;
    };
    return { observation: oldest('observations'), underlying: oldest('underlying_snapshots') };
  });
}

/** Paper positions closed on the IST day starting at `dayStart`, by reason, and those open now. */
export function paperDay(dbPath: string, dayStart: number): { closed: DayFigures['closed']; open: number } {
  return reading(dbPath, (db) => {
    const rows = db
      .prepare(
        `SELECT exit_reason AS reason, count(*) AS n FROM paper_positions
         WHERE exit_time >= ? AND exit_time < ? GROUP BY exit_reason`,
      )
      .all(dayStart, dayStart + DAY_MS) as { reason: string; n: number }[];
    const count = (prefix: string) =>
      rows.filter((row) => row.reason.startsWith(prefix)).reduce((total, row) => total + row.n, 0);
    return {
      closed: {
        target: count('Target Hit'),
        stop: count('Stop Loss'),
        manual: count('Manual Exit'),
        squareOff: count('Square-off'),
      },
      open: db
        .prepare('SELECT count(*) FROM paper_positions WHERE exit_time IS NULL')
        .pluck()
        .get() as number,
    };
  });
}

export function storeFigures(dbPath: string): WeekReport['store'] {
  return reading(dbPath, (db) => {
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    return {
      observations: count('observations'),
      underlying: count('underlying_snapshots'),
      expiries: db
        .prepare('SELECT DISTINCT expiry FROM instruments ORDER BY expiry')
        .pluck()
        .all() as string[],
      positions: count('paper_positions'),
    };
  });
}
