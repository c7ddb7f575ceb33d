/**
 * Every write of the store goes through a `WriteGate`, so a database that cannot be written (another
 * program holds its write lock, the disk is full, an I/O error) gives the caller one clear error, and
 * the store's health says so until a write goes through again.
 *
 * better-sqlite3 is synchronous: while a statement waits out another program's write lock, the whole
 * event loop waits with it (no ticks, no HTTP answers, and the ticker's 5 s watchdog fires). So only
 * the first write that finds the lock taken waits the busy timeout; the writes after it fail at once
 * (busy timeout 0, which still succeeds when the lock happens to be free) until one succeeds, which
 * restores the timeout.
 */
import Database from 'better-sqlite3';
import { UserError } from '../errors.ts';
import { formatIstIso } from '../util/ist.ts';

/**
 * A write that was not made because the database could not be written. Nothing of it was stored; its
 * message is meant for whoever asked (a trader's refused order), so it is a `UserError`.
 */
export class StoreWriteError extends UserError {
  override name = 'StoreWriteError';
  constructor(
    message: string,
    /** SQLite's result code: `SQLITE_BUSY`, `SQLITE_FULL`, `SQLITE_IOERR_WRITE`, … */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface WriteFailure {
  /** UTC epoch ms of the first failed write since the last write that went through. */
  since: number;
  /** The latest failure's reason. */
  reason: string;
}

/** Result codes meaning "the database cannot be written now", not "this write is wrong". */
const UNWRITABLE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/;

export class WriteGate {
  private readonly busyTimeoutMs: number;
  private failure: WriteFailure | null = null;
  private waitsForLock = true;

  /** The connection's busy timeout when the gate is made is the one the first blocked write waits. */
  constructor(private readonly db: Database.Database) {
    this.busyTimeoutMs = db.pragma('busy_timeout', { simple: true }) as number;
  }

  /**
   * Runs `write` (one transaction). When the database cannot be written, throws `StoreWriteError`
   * with the message `<refusal>: <reason><advice>`; any other error passes through unchanged.
   */
  run<T>(write: () => T, refusal: string, advice = ''): T {
    let result: T;
    try {
      result = write();
    } catch (error) {
      const code = error instanceof Database.SqliteError ? error.code : null;
      if (code === null || !UNWRITABLE.test(code)) throw error;
      const reason = this.reasonFor(code, error as Error);
      this.failure = { since: this.failure?.since ?? Date.now(), reason };
      if (code.startsWith('SQLITE_BUSY') && this.waitsForLock) this.setWaitsForLock(false);
      throw new StoreWriteError(`${refusal}: ${reason}${advice}`, code, { cause: error });
    }
    this.failure = null;
    if (!this.waitsForLock) this.setWaitsForLock(true);
    return result;
  }

  /** One line for a health report, or null when writes work. */
  describeFailure(): string | null {
    const failure = this.failure;
    return failure && `writes failing since ${formatIstIso(failure.since)}: ${failure.reason}`;
  }

  private reasonFor(code: string, error: Error): string {
    if (code.startsWith('SQLITE_BUSY')) {
      return this.waitsForLock
        ? `the database is locked by another program (waited ${this.busyTimeoutMs} ms for it)`
        : 'the database is still locked by another program';
    }
    if (code === 'SQLITE_FULL') return 'the disk holding the database is full';
    return `the database could not be written (${code}: ${error.message})`;
  }

  private setWaitsForLock(waits: boolean): void {
    this.waitsForLock = waits;
    this.db.pragma(`busy_timeout = ${waits ? this.busyTimeoutMs : 0}`);
  }
}
