/**
 * SQLite persistence of the tracked option chains (better-sqlite3, WAL, synchronous transactions).
 *
 * Instants cross this API as UTC epoch milliseconds and prices as rupees; the tables hold epoch
 * seconds and paise. Observations are keyed (token, time) in a WITHOUT ROWID table, so a chain's
 * history since a cutoff is one range scan per instrument on the primary key.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { OiPoint } from '../tracker/types.ts';
import { istDateOf } from '../util/ist.ts';
import {
  firstSecondAtOrAfter,
  requireFinite,
  toPaise,
  toStoredSeconds,
  unpackPoints,
  validateObservations,
} from './codec.ts';
import { acquireStoreLock, type StoreLock } from './lock.ts';
import { migrate } from './migrations.ts';
import { AlertSubscriptionStore } from './alert-subscriptions.ts';
import { AlertOutboxStore } from './alert-outbox-store.ts';
import { RuleStore } from './rule-store.ts';
import { ScoreStore } from './score-store.ts';
import { CycleStore } from './cycle-store.ts';
import { SessionStore } from './session-store.ts';
import { PaperStore } from './paper-store.ts';
import { WriteGate } from './write-gate.ts';
import type {
  CycleRecord,
  InstrumentRecord,
  ObservationRecord,
  PruneResult,
  StoreHealth,
  UnderlyingPoint,
} from './types.ts';

export { StoreWriteError } from './write-gate.ts';
export type {
  CycleRecord,
  InstrumentRecord,
  ObservationRecord,
  PruneResult,
  StoreHealth,
  UnderlyingPoint,
} from './types.ts';

/**
 * How long a write waits for another program's write lock before failing with SQLITE_BUSY. The wait
 * blocks the event loop, so it stays well under the ticker's 5 s watchdog; and only the first blocked
 * write waits (see `WriteGate`).
 */
export const BUSY_TIMEOUT_MS = 2000;

export interface OiStoreOptions {
  /** Overrides `BUSY_TIMEOUT_MS` (whole milliseconds ≥ 0). */
  busyTimeoutMs?: number;
}

/** A token and its observations as a JSON array of flat (seconds, oi, paise) triples, or null for none. */
type PackedObservations = [token: number, packed: string | null];

export class OiStore {
  readonly path: string;
  private readonly db: Database.Database;
  private paper: PaperStore | undefined;
  private session: SessionStore | undefined;
  private alerts: AlertSubscriptionStore | undefined;
  private outbox: AlertOutboxStore | undefined;
  private rules: RuleStore | undefined;
  private scores: ScoreStore | undefined;
  private readonly cycleStore: CycleStore;
  private readonly lock: StoreLock;
  private readonly gate: WriteGate;
  private closed = false;

  private readonly upsertInstrumentStmt: Database.Statement;
  private readonly upsertObservationStmt: Database.Statement;
  private readonly insertBackfillStmt: Database.Statement;
  private readonly upsertUnderlyingStmt: Database.Statement;
  private readonly upsertMetadataStmt: Database.Statement;
  private readonly lastUpdateStmt: Database.Statement;
  private readonly chainObservationsStmt: Database.Statement;
  private readonly underlyingHistoryStmt: Database.Statement;
  private readonly pruneObservationsStmt: Database.Statement;
  private readonly pruneUnderlyingStmt: Database.Statement;
  private readonly pruneInstrumentsStmt: Database.Statement;
  private readonly healthStmt: Database.Statement;

  private readonly saveCycleTx: (cycle: CycleRecord) => void;
  private readonly saveObservationsTx: (
    rows: readonly ObservationRecord[],
    knownAt: number | null,
  ) => ObservationRecord[];
  private readonly upsertInstrumentsTx: (rows: readonly InstrumentRecord[]) => void;
  private readonly pruneTx: (seconds: number, date: string) => PruneResult;

  /**
   * Opens (creating if needed, mode 0600, with its directory) the database at `path`, takes its
   * lock and brings the schema up to date. Throws `StoreLockedError` when another live process has
   * it open.
   */
  static open(path: string, options: OiStoreOptions = {}): OiStore {
    if (typeof path !== 'string' || path.trim() === '') {
      throw new TypeError('OiStore.open() needs the database file path (DB_PATH), got an empty value');
    }
    if (path === ':memory:' || path.startsWith('file:')) {
      throw new TypeError(`OiStore.open() needs a plain file path, got ${path}`);
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new RangeError(
        `OiStore.open(): busyTimeoutMs must be whole milliseconds ≥ 0, got ${busyTimeoutMs}`,
      );
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const lock = acquireStoreLock(path);
    let db: Database.Database | undefined;
    try {
      createPrivateFile(path);
      db = new Database(path, { fileMustExist: true });
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      migrate(db, path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      return new OiStore(path, db, lock);
    } catch (error) {
      db?.close();
      lock.release();
      throw error;
    }
  }

  private constructor(path: string, db: Database.Database, lock: StoreLock) {
    this.path = path;
    this.db = db;
    this.lock = lock;
    this.gate = new WriteGate(db);
    this.cycleStore = new CycleStore(db);

    this.upsertInstrumentStmt = db.prepare(
      `INSERT INTO instruments (token, chain, symbol, strike, option_type, expiry, exchange, lot_size)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (token) DO UPDATE SET chain = excluded.chain, symbol = excluded.symbol,
         strike = excluded.strike, option_type = excluded.option_type, expiry = excluded.expiry,
         exchange = excluded.exchange, lot_size = excluded.lot_size`,
    );
    this.upsertObservationStmt = db.prepare(
      `INSERT INTO observations (token, time, oi, ltp_paise) VALUES (?, ?, ?, ?)
       ON CONFLICT (token, time) DO UPDATE SET oi = excluded.oi, ltp_paise = excluded.ltp_paise,
         known_at = NULL`,
    );
    this.insertBackfillStmt = db.prepare(
      `INSERT INTO observations (token, time, oi, ltp_paise, known_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (token, time) DO NOTHING`,
    );
    this.upsertUnderlyingStmt = db.prepare(
      `INSERT INTO underlying_snapshots (chain, time, price, atm, pcr) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (chain, time) DO UPDATE SET price = excluded.price, atm = excluded.atm, pcr = excluded.pcr`,
    );
    this.upsertMetadataStmt = db.prepare(
      `INSERT INTO exchange_metadata (exchange, last_update, last_underlying_price, last_atm)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (exchange) DO UPDATE SET last_update = excluded.last_update,
         last_underlying_price = excluded.last_underlying_price, last_atm = excluded.last_atm
       WHERE excluded.last_update >= exchange_metadata.last_update`,
    );
    this.lastUpdateStmt = db.prepare('SELECT last_update FROM exchange_metadata WHERE exchange = ?').pluck();
    // One row per instrument of the chain, its observations since the cutoff packed by SQLite into one
    // JSON array of (time, oi, ltp_paise) triples: a primary-key range scan per token, and far fewer
    // values crossing into JavaScript than one row per observation (about 2× faster to load).
    this.chainObservationsStmt = db
      .prepare(
        `SELECT i.token,
           (SELECT '[' || group_concat(o.time || ',' || o.oi || ',' || o.ltp_paise, ',') || ']'
            FROM observations AS o WHERE o.token = i.token AND o.time >= @since)
         FROM instruments AS i
         WHERE i.chain = @chain`,
      )
      .raw();
    this.underlyingHistoryStmt = db
      .prepare(
        'SELECT time, price, atm, pcr FROM underlying_snapshots WHERE chain = ? AND time >= ? ORDER BY time',
      )
      .raw();
    this.pruneObservationsStmt = db.prepare('DELETE FROM observations WHERE time < ?');
    this.pruneUnderlyingStmt = db.prepare('DELETE FROM underlying_snapshots WHERE time < ?');
    this.pruneInstrumentsStmt = db.prepare(
      `DELETE FROM instruments WHERE expiry < ?
       AND NOT EXISTS (SELECT 1 FROM observations AS o WHERE o.token = instruments.token)`,
    );

    this.healthStmt = db.prepare('SELECT count(*) FROM exchange_metadata').pluck();

    this.saveCycleTx = db.transaction((cycle: CycleRecord) => {
      for (const row of cycle.observations) this.bindObservation(this.upsertObservationStmt, row);
      const seconds = toStoredSeconds(cycle.time);
      if (cycle.underlyingSnapshot !== false && cycle.underlyingPrice !== null && cycle.atm !== null) {
        this.upsertUnderlyingStmt.run(
          cycle.chainId,
          seconds,
          cycle.underlyingPrice,
          cycle.atm,
          cycle.pcr ?? null,
        );
      }
      this.upsertMetadataStmt.run(cycle.chainId, Math.round(cycle.time), cycle.underlyingPrice, cycle.atm);
      if (cycle.published) this.cycleStore.insert(cycle.published);
    });
    this.saveObservationsTx = db.transaction((rows: readonly ObservationRecord[], knownAt: number | null) =>
      this.insertBackfill(rows, knownAt),
    );
    this.upsertInstrumentsTx = db.transaction((rows: readonly InstrumentRecord[]) => {
      for (const r of rows) {
        this.upsertInstrumentStmt.run(
          r.token,
          r.chainId,
          r.symbol,
          r.strike,
          r.optionType,
          r.expiry,
          r.exchange,
          r.lotSize,
        );
      }
    });
    this.pruneTx = db.transaction((seconds: number, date: string) => ({
      cycles: this.cycleStore.pruneBefore(seconds),
      observations: this.pruneObservationsStmt.run(seconds).changes,
      underlying: this.pruneUnderlyingStmt.run(seconds).changes,
      instruments: this.pruneInstrumentsStmt.run(date).changes,
    }));
  }

  /** Inserts or updates instruments (by token). Observations of a token count for a chain only once its instrument is known. */
  upsertInstruments(rows: readonly InstrumentRecord[]): void {
    this.assertOpen();
    for (const r of rows) {
      requireFinite(r.token, 'token', `instrument ${r.symbol}`);
      requireFinite(r.strike, 'strike', `instrument ${r.symbol}`);
      if (r.optionType !== 'CE' && r.optionType !== 'PE') {
        throw new RangeError(
          `optionType must be 'CE' or 'PE', got ${String(r.optionType)} (instrument ${r.symbol})`,
        );
      }
    }
    this.gate.run(() => this.upsertInstrumentsTx(rows), 'instruments not stored');
  }

  /**
   * Saves one tracking cycle in one transaction: its observations (replacing any row with the same
   * token and second: live data wins), the underlying snapshot and the chain's exchange_metadata row.
   */
  saveCycle(cycle: CycleRecord): void {
    this.assertOpen();
    const context = `cycle of ${cycle.chainId}`;
    requireFinite(cycle.time, 'time', context);
    if (cycle.underlyingPrice !== null) requireFinite(cycle.underlyingPrice, 'underlyingPrice', context);
    if (cycle.atm !== null) requireFinite(cycle.atm, 'atm', context);
    validateObservations(cycle.observations, context);
    this.gate.run(() => this.saveCycleTx(cycle), `${context} not stored`);
  }

  /**
   * Saves backfilled historical observations, known from `knownAt` (the first cycle that uses them);
   * an existing row (live data) is never overwritten. Returns the rows actually inserted.
   */
  saveObservations(rows: readonly ObservationRecord[], knownAt: number | null = null): ObservationRecord[] {
    this.assertOpen();
    validateObservations(rows, 'backfill');
    if (knownAt !== null) requireFinite(knownAt, 'knownAt', 'backfill');
    return this.gate.run(() => this.saveObservationsTx(rows, knownAt), 'backfilled observations not stored');
  }

  /** The published cycles, and what brings one back, on this same connection. */
  cycles(): CycleStore {
    this.assertOpen();
    return this.cycleStore;
  }

  /** Epoch ms of the chain's last saved cycle, or null when none was saved. */
  lastUpdate(chainId: string): number | null {
    this.assertOpen();
    const value = this.lastUpdateStmt.get(chainId) as number | undefined;
    return value ?? null;
  }

  /**
   * Every observation of the chain's instruments at or after `sinceMs`, by token, ascending time.
   * Times come back as whole seconds in epoch ms.
   */
  loadObservations(chainId: string, sinceMs: number): Map<number, OiPoint[]> {
    this.assertOpen();
    const rows = this.chainObservationsStmt.all({
      since: firstSecondAtOrAfter(sinceMs),
      chain: chainId,
    }) as PackedObservations[];
    const byToken = new Map<number, OiPoint[]>();
    for (const [token, packed] of rows) {
      if (packed !== null) byToken.set(token, unpackPoints(JSON.parse(packed) as number[]));
    }
    return byToken;
  }

  /** The chain's underlying snapshots at or after `sinceMs`, ascending time. */
  underlyingHistory(chainId: string, sinceMs: number): UnderlyingPoint[] {
    this.assertOpen();
    const rows = this.underlyingHistoryStmt.all(chainId, firstSecondAtOrAfter(sinceMs)) as [
      number,
      number,
      number,
      number | null,
    ][];
    return rows.map(([time, price, atm, pcr]) => ({ time: time * 1000, price, atm, pcr }));
  }

  /**
   * Deletes observations and underlying snapshots older than `ms` (and expired instruments with no
   * observation left), then hands the freed pages back to the file system. Counts deleted rows.
   */
  pruneBefore(ms: number): PruneResult {
    this.assertOpen();
    requireFinite(ms, 'ms', 'pruneBefore');
    const cutoffDate = istDateOf(ms);
    const result = this.gate.run(
      () => this.pruneTx(firstSecondAtOrAfter(ms), cutoffDate),
      'old data not deleted',
    );
    if (result.cycles + result.observations + result.underlying + result.instruments > 0) {
      this.db.pragma('incremental_vacuum');
      this.checkpoint();
    }
    return result;
  }

  /** Copies the write-ahead log into the database file and truncates the log. */
  checkpoint(): void {
    this.assertOpen();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Readable, and the last write went through (not ok while writes fail: locked database, full disk). */
  health(): StoreHealth {
    const base = { path: this.path, sizeBytes: this.sizeBytes() };
    if (this.closed) return { ok: false, ...base, error: 'store is closed' };
    if (!existsSync(this.path)) return { ok: false, ...base, error: 'database file is missing' };
    try {
      this.healthStmt.get();
      const writeFailure = this.gate.describeFailure();
      return writeFailure === null ? { ok: true, ...base } : { ok: false, ...base, error: writeFailure };
    } catch (error) {
      return { ok: false, ...base, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Which chats get alerts, on this same connection. */
  alertSubscriptions(): AlertSubscriptionStore {
    this.alerts ??= new AlertSubscriptionStore(this.db, this.gate);
    return this.alerts;
  }

  /** The alert outbox, on this same connection. */
  alertOutbox(): AlertOutboxStore {
    this.outbox ??= new AlertOutboxStore(this.db, this.gate);
    return this.outbox;
  }

  /** Alert rules written in chat, on this same connection. */
  ruleStore(): RuleStore {
    this.rules ??= new RuleStore(this.db, this.gate);
    return this.rules;
  }

  /** What alerts are scored on, and their scores, on this same connection. */
  scoreStore(): ScoreStore {
    this.scores ??= new ScoreStore(this.db, this.gate);
    return this.scores;
  }

  /** The Kite session set from chat, on this same connection. */
  sessionStore(): SessionStore {
    this.session ??= new SessionStore(this.db, this.gate);
    return this.session;
  }

  /** The paper-trading tables, on this same connection (one file, one lock). */
  paperStore(): PaperStore {
    this.paper ??= new PaperStore(this.db, this.gate);
    return this.paper;
  }

  /** Closes the database (checkpointing the WAL) and removes the lock file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.pragma('optimize');
    } finally {
      try {
        this.db.close();
      } finally {
        this.lock.release();
      }
    }
  }

  /** Inserts the rows no stored row has the place of; answers those inserted. */
  private insertBackfill(rows: readonly ObservationRecord[], knownAt: number | null): ObservationRecord[] {
    const knownSeconds = knownAt === null ? null : toStoredSeconds(knownAt);
    return rows.filter(
      (row) =>
        this.insertBackfillStmt.run(
          row.token,
          toStoredSeconds(row.time),
          Math.round(row.oi),
          toPaise(row.ltp),
          knownSeconds,
        ).changes > 0,
    );
  }

  private bindObservation(stmt: Database.Statement, row: ObservationRecord): void {
    stmt.run(row.token, toStoredSeconds(row.time), Math.round(row.oi), toPaise(row.ltp));
  }

  private sizeBytes(): number {
    let total = 0;
    for (const file of [this.path, `${this.path}-wal`]) {
      try {
        total += statSync(file).size;
      } catch {
        // absent WAL (after close) or file: counts as 0
      }
    }
    return total;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`store ${this.path} is closed`);
  }
}

/** Creates an empty database file readable by its owner only, unless it exists already. */
function createPrivateFile(path: string): void {
  if (existsSync(path)) return;
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  chmodSync(path, 0o600); // in case the umask removed owner bits
}
