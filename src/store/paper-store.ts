/**
 * The paper book's SQLite tables (migration 2), on the tracker's connection.
 *
 * Prices are integer paise, times UTC epoch ms. A position is open while `exit_time` is NULL (the
 * status is derived, so it cannot disagree with the exit columns). Ids come from a per-chain
 * sequence row that is bumped in the same transaction as the insert: unique per chain, never reused
 * (a refused or rolled-back order bumps nothing), monotonic across restarts.
 *
 * Durability: the connection runs WAL with `synchronous = NORMAL`, which already survives a killed
 * process (a committed transaction is in the WAL file). Paper writes are what a trader is told
 * happened, and they are rare (one per order, one per exit batch), so each runs with
 * `synchronous = FULL`: the WAL is fsynced before the call returns, so an acknowledged fill or exit
 * also survives an OS crash or power cut. That costs about 0.5 ms per write here; the tracker's
 * frequent cycle writes, which a backfill can redo, stay at NORMAL.
 */
import type Database from 'better-sqlite3';
import { IST_OFFSET_MS } from '../util/ist.ts';
import { WriteGate } from './write-gate.ts';

/** A paper position as stored: prices in paise (exact), times in UTC epoch ms. */
export interface PositionRecord {
  id: string;
  chainId: string;
  owner: string;
  token: number;
  symbol: string;
  strike: number;
  type: 'CE' | 'PE';
  side: 'BUY' | 'SELL';
  qty: number;
  entryPaise: number;
  entryTime: number;
  /** Target and stop distances in paise of points. */
  targetPaise: number;
  stopPaise: number;
  exitPaise: number | null;
  exitTime: number | null;
  exitReason: string | null;
  realizedPaise: number | null;
}

/** What `openPosition` stores; the id is allocated there. Exit fields, if present, are ignored. */
export type NewPosition = Omit<
  PositionRecord,
  'id' | 'exitPaise' | 'exitTime' | 'exitReason' | 'realizedPaise'
>;

export interface PositionExit {
  id: string;
  exitPaise: number;
  exitTime: number;
  exitReason: string;
  realizedPaise: number;
}

export interface OwnerChainFilter {
  owner?: string;
  chainId?: string;
}

/** An owner/chain filter over exit times in [sinceMs, untilMs). */
export interface RealizedFilter extends OwnerChainFilter {
  sinceMs?: number;
  untilMs?: number;
}

/** A closed position as the book's statistics read it. */
export interface ClosedTradeRecord {
  id: string;
  chainId: string;
  owner: string;
  exitTime: number;
  /** As stored: 'Target Hit (+25)', 'Stop Loss (-25)', 'Manual Exit', 'Square-off'. */
  exitReason: string;
  realizedPaise: number;
}

export interface DailyRealized {
  /** IST calendar day, 'YYYY-MM-DD'. */
  day: string;
  owner: string;
  chainId: string;
  paise: number;
}

type Row = Record<string, unknown>;

const COLUMNS = `id, chain, owner, token, symbol, strike, option_type, side, qty, entry_paise, entry_time,
  target_paise, stop_paise, exit_paise, exit_time, exit_reason, realized_paise`;
/** Exit times in [@since, @until), optionally one owner and one chain. */
const CLOSED_WHERE = `exit_time IS NOT NULL AND exit_time >= @since AND exit_time < @until
  AND (@owner IS NULL OR owner = @owner) AND (@chain IS NULL OR chain = @chain)`;
const IST_OFFSET_SECONDS = IST_OFFSET_MS / 1000;

export function positionId(chainId: string, seq: number): string {
  return `${chainId}_P${String(seq).padStart(4, '0')}`;
}

/**
 * Every write is one transaction that has committed (and been fsynced) when the call returns, so the
 * caller may acknowledge it. A write the database cannot take (locked by another program, disk full)
 * throws `StoreWriteError` (a `UserError` saying the order was not placed or nothing was closed).
 */
export class PaperStore {
  private readonly db: Database.Database;
  /** The connection's own `synchronous` level, restored after each paper write. */
  private readonly baseSynchronous: number;
  private readonly nextSeqStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  private readonly closeStmt: Database.Statement;
  private readonly openStmt: Database.Statement;
  private readonly closedStmt: Database.Statement;
  private readonly dailyStmt: Database.Statement;
  private readonly totalStmt: Database.Statement;
  private readonly tradesStmt: Database.Statement;
  private readonly ownerTradesStmt: Database.Statement;
  private readonly openTx: (position: NewPosition) => string;
  private readonly closeTx: (exits: readonly PositionExit[]) => void;

  constructor(
    db: Database.Database,
    private readonly gate = new WriteGate(db),
  ) {
    this.db = db;
    this.baseSynchronous = db.pragma('synchronous', { simple: true }) as number;
    this.nextSeqStmt = db
      .prepare(
        `INSERT INTO paper_sequences (chain, last_seq) VALUES (?, 1)
         ON CONFLICT (chain) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
      )
      .pluck();
    this.insertStmt = db.prepare(
      `INSERT INTO paper_positions (${COLUMNS}) VALUES (${COLUMNS.replace(/\w+/g, '?')})`,
    );
    this.closeStmt = db.prepare(
      `UPDATE paper_positions SET exit_paise = ?, exit_time = ?, exit_reason = ?, realized_paise = ?
       WHERE id = ? AND exit_time IS NULL`,
    );
    this.openStmt = db.prepare(`SELECT ${COLUMNS} FROM paper_positions WHERE exit_time IS NULL ORDER BY id`);
    this.closedStmt = db.prepare(
      `SELECT ${COLUMNS} FROM paper_positions WHERE ${CLOSED_WHERE} ORDER BY exit_time, id`,
    );
    this.dailyStmt = db.prepare(
      `SELECT date((exit_time / 1000) + ${IST_OFFSET_SECONDS}, 'unixepoch') AS day, owner, chain,
         SUM(realized_paise) AS paise
       FROM paper_positions WHERE ${CLOSED_WHERE}
       GROUP BY day, owner, chain ORDER BY day, owner, chain`,
    );
    this.totalStmt = db
      .prepare(`SELECT COALESCE(SUM(realized_paise), 0) FROM paper_positions WHERE ${CLOSED_WHERE}`)
      .pluck();
    // Range scans of paper_positions_closed (exit_time, owner, chain): exit time first, then the owner.
    const trades = `SELECT id, chain, owner, exit_time, exit_reason, realized_paise FROM paper_positions
      WHERE exit_time IS NOT NULL AND exit_time >= @since AND exit_time < @until`;
    this.tradesStmt = db.prepare(`${trades} ORDER BY exit_time, id`);
    this.ownerTradesStmt = db.prepare(`${trades} AND owner = @owner ORDER BY exit_time, id`);

    this.openTx = db.transaction((p: NewPosition) => {
      const id = positionId(p.chainId, this.nextSeqStmt.get(p.chainId) as number);
      this.insertStmt.run(
        id,
        p.chainId,
        p.owner,
        p.token,
        p.symbol,
        p.strike,
        p.type,
        p.side,
        p.qty,
        p.entryPaise,
        p.entryTime,
        p.targetPaise,
        p.stopPaise,
        null,
        null,
        null,
        null,
      );
      return id;
    });
    this.closeTx = db.transaction((exits: readonly PositionExit[]) => {
      for (const e of exits) {
        const { changes } = this.closeStmt.run(e.exitPaise, e.exitTime, e.exitReason, e.realizedPaise, e.id);
        if (changes !== 1) throw new Error(`paper position ${e.id} is not open (unknown or already closed)`);
      }
    });
  }

  /** Allocates the chain's next id and stores the position, in one transaction; returns the id. */
  openPosition(position: NewPosition): string {
    requireWhole(position.qty, 'qty', 1);
    requireWhole(position.entryPaise, 'entryPaise', 0);
    requireWhole(position.targetPaise, 'targetPaise', 1);
    requireWhole(position.stopPaise, 'stopPaise', 1);
    requireWhole(position.entryTime, 'entryTime', 0);
    return this.gate.run(
      () => this.durably(() => this.openTx(position)),
      'the order was not placed',
      '; try again shortly',
    );
  }

  /** Closes one open position; throws (changing nothing) when it is not open. */
  closePosition(id: string, exit: Omit<PositionExit, 'id'>): void {
    this.closePositions([{ id, ...exit }]);
  }

  /** Closes positions, all or none, in one transaction. */
  closePositions(exits: readonly PositionExit[]): void {
    if (exits.length === 0) return;
    for (const e of exits) {
      requireWhole(e.exitPaise, 'exitPaise', 0);
      requireWhole(e.realizedPaise, 'realizedPaise', Number.MIN_SAFE_INTEGER);
      requireWhole(e.exitTime, 'exitTime', 0);
    }
    this.gate.run(
      () => this.durably(() => this.closeTx(exits)),
      exits.length === 1 ? `${exits[0]!.id} was not closed` : 'nothing was closed',
      '; try again shortly',
    );
  }

  /** Every open position, in id order. */
  loadOpen(): PositionRecord[] {
    return (this.openStmt.all() as Row[]).map(toRecord);
  }

  /** Positions closed in [fromMs, toMs), by exit time. */
  closedBetween(fromMs: number, toMs: number, filter: OwnerChainFilter = {}): PositionRecord[] {
    const params = bind({ ...filter, sinceMs: fromMs, untilMs: toMs });
    return (this.closedStmt.all(params) as Row[]).map(toRecord);
  }

  /** Closed trades with exit times in [sinceMs, untilMs), of one owner (every owner when undefined), by exit time. */
  closedTrades(sinceMs: number, untilMs: number, owner?: string): ClosedTradeRecord[] {
    const rows =
      owner === undefined
        ? this.tradesStmt.all({ since: sinceMs, until: untilMs })
        : this.ownerTradesStmt.all({ since: sinceMs, until: untilMs, owner });
    return (rows as Row[]).map((row) => ({
      id: row.id as string,
      chainId: row.chain as string,
      owner: row.owner as string,
      exitTime: row.exit_time as number,
      exitReason: (row.exit_reason as string | null) ?? '',
      realizedPaise: (row.realized_paise as number | null) ?? 0,
    }));
  }

  /** Realized P&L per IST day, owner and chain (ascending), over exits in the filter's range. */
  realizedByDay(filter: RealizedFilter = {}): DailyRealized[] {
    return (this.dailyStmt.all(bind(filter)) as Row[]).map((row) => ({
      day: row.day as string,
      owner: row.owner as string,
      chainId: row.chain as string,
      paise: row.paise as number,
    }));
  }

  /** Realized P&L in paise over exits in the filter's range (all-time without one). */
  realizedTotal(filter: RealizedFilter = {}): number {
    return this.totalStmt.get(bind(filter)) as number;
  }

  /** Runs a write transaction with the WAL fsynced at its commit. */
  private durably<T>(write: () => T): T {
    // The level cannot change inside a transaction: a caller's outer transaction decides.
    if (this.db.inTransaction || this.baseSynchronous >= 2) return write();
    this.db.pragma('synchronous = FULL');
    try {
      return write();
    } finally {
      this.db.pragma(`synchronous = ${this.baseSynchronous}`);
    }
  }
}

function bind(filter: RealizedFilter): Record<string, string | number | null> {
  return {
    since: filter.sinceMs ?? Number.MIN_SAFE_INTEGER,
    until: filter.untilMs ?? Number.MAX_SAFE_INTEGER,
    owner: filter.owner ?? null,
    chain: filter.chainId ?? null,
  };
}

function requireWhole(value: number, name: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`paper store: ${name} must be a whole number ≥ ${min}, got ${String(value)}`);
  }
}

function toRecord(row: Row): PositionRecord {
  return {
    id: row.id as string,
    chainId: row.chain as string,
    owner: row.owner as string,
    token: row.token as number,
    symbol: row.symbol as string,
    strike: row.strike as number,
    type: row.option_type as 'CE' | 'PE',
    side: row.side as 'BUY' | 'SELL',
    qty: row.qty as number,
    entryPaise: row.entry_paise as number,
    entryTime: row.entry_time as number,
    targetPaise: row.target_paise as number,
    stopPaise: row.stop_paise as number,
    exitPaise: (row.exit_paise as number | null) ?? null,
    exitTime: (row.exit_time as number | null) ?? null,
    exitReason: (row.exit_reason as string | null) ?? null,
    realizedPaise: (row.realized_paise as number | null) ?? null,
  };
}
