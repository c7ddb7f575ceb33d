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
import { firstSecondAtOrAfter, requireFinite, validateObservations } from './codec.ts';
import { acquireStoreLock, type StoreLock } from './lock.ts';
import { migrate } from './migrations.ts';
import { AlertSubscriptionStore } from './alert-subscriptions.ts';
import { AlertOutboxStore } from './alert-outbox-store.ts';
import { RuleStore } from './rule-store.ts';
import { ScoreStore } from './score-store.ts';
import { CycleStore } from './cycle-store.ts';
import { SessionStore } from './session-store.ts';
import { PaperStore } from './paper-store.ts';
import { MarketTables } from './market-tables.ts';
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

  private readonly market: MarketTables;

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

    this.market = new MarketTables(db, this.cycleStore);
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
    this.gate.run(() => this.market.upsertInstruments(rows), 'instruments not stored');
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
    this.gate.run(() => this.market.saveCycle(cycle), `${context} not stored`);
  }

  /**
   * Saves backfilled historical observations, known from `knownAt` (the first cycle that uses them);
   * an existing row (live data) is never overwritten. Returns the rows actually inserted.
   */
  saveObservations(rows: readonly ObservationRecord[], knownAt: number | null = null): ObservationRecord[] {
    this.assertOpen();
    validateObservations(rows, 'backfill');
    if (knownAt !== null) requireFinite(knownAt, 'knownAt', 'backfill');
    return this.gate.run(
      () => this.market.saveObservations(rows, knownAt),
      'backfilled observations not stored',
    );
  }

  /** The published cycles, and what brings one back, on this same connection. */
  cycles(): CycleStore {
    this.assertOpen();
    return this.cycleStore;
  }

  /** Epoch ms of the chain's last saved cycle, or null when none was saved. */
  lastUpdate(chainId: string): number | null {
    this.assertOpen();
    return this.market.lastUpdate(chainId);
  }

  /**
   * Every observation of the chain's instruments at or after `sinceMs`, by token, ascending time.
   * Times come back as whole seconds in epoch ms.
   */
  loadObservations(chainId: string, sinceMs: number): Map<number, OiPoint[]> {
    this.assertOpen();
    return this.market.observationsSince(chainId, firstSecondAtOrAfter(sinceMs));
  }

  /** The chain's underlying snapshots at or after `sinceMs`, ascending time. */
  underlyingHistory(chainId: string, sinceMs: number): UnderlyingPoint[] {
    this.assertOpen();
    return this.market.underlyingSince(chainId, firstSecondAtOrAfter(sinceMs));
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
      () => this.market.prune(firstSecondAtOrAfter(ms), cutoffDate),
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
      this.market.probe();
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
