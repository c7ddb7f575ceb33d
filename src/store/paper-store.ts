import type Database from 'better-sqlite3';

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

type Row = Record<string, unknown>;

const COLUMNS = `id, chain, owner, token, symbol, strike, option_type, side, qty, entry_paise, entry_time,
  target_paise, stop_paise, exit_paise, exit_time, exit_reason, realized_paise`;
const IST_OFFSET_SECONDS = 19_800;

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

export function positionId(chainId: string, seq: number): string {
  return `${chainId}_P${String(seq).padStart(4, '0')}`;
}

/**
 * The paper book's SQLite tables, on the tracker's connection. Every write is one transaction that
 * has committed when the call returns, so the caller may acknowledge it.
 */
export class PaperStore {
  private readonly nextSeq: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly close: Database.Statement;
  private readonly selectOpen: Database.Statement;
  private readonly selectClosed: Database.Statement;
  private readonly selectDaily: Database.Statement;
  private readonly openTx: (position: Omit<PositionRecord, 'id'>) => string;
  private readonly closeTx: (exits: readonly PositionExit[]) => void;

  constructor(db: Database.Database) {
    this.nextSeq = db.prepare(
      `INSERT INTO paper_sequences (chain, last_seq) VALUES (?, 1)
       ON CONFLICT (chain) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
    );
    this.insert = db.prepare(
      `INSERT INTO paper_positions (${COLUMNS}) VALUES (${COLUMNS.replace(/\w+/g, '?')})`,
    );
    this.close = db.prepare(
      `UPDATE paper_positions SET exit_paise = ?, exit_time = ?, exit_reason = ?, realized_paise = ?
       WHERE id = ? AND exit_time IS NULL`,
    );
    this.selectOpen = db.prepare(
      `SELECT ${COLUMNS} FROM paper_positions WHERE exit_time IS NULL ORDER BY id`,
    );
    this.selectClosed = db.prepare(
      `SELECT ${COLUMNS} FROM paper_positions
       WHERE exit_time IS NOT NULL AND exit_time >= ? AND exit_time < ?
         AND (? IS NULL OR owner = ?) AND (? IS NULL OR chain = ?)
       ORDER BY exit_time, id`,
    );
    this.selectDaily = db.prepare(
      `SELECT date(exit_time / 1000 + ${IST_OFFSET_SECONDS}, 'unixepoch') AS day, chain, SUM(realized_paise) AS paise
       FROM paper_positions
       WHERE exit_time IS NOT NULL AND exit_time >= ? AND (? IS NULL OR owner = ?) AND (? IS NULL OR chain = ?)
       GROUP BY day, chain ORDER BY day, chain`,
    );
    this.openTx = db.transaction((position: Omit<PositionRecord, 'id'>) => {
      const { last_seq: seq } = this.nextSeq.get(position.chainId) as { last_seq: number };
      const id = positionId(position.chainId, seq);
      const p = position;
      this.insert.run(
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
      for (const exit of exits) {
        const result = this.close.run(
          exit.exitPaise,
          exit.exitTime,
          exit.exitReason,
          exit.realizedPaise,
          exit.id,
        );
        if (result.changes !== 1) throw new Error(`paper position ${exit.id} is not open`);
      }
    });
  }

  /** Allocates the chain's next id and stores the position, in one transaction; returns the id. */
  openPosition(position: Omit<PositionRecord, 'id'>): string {
    return this.openTx(position);
  }

  /** Closes positions, all or none, in one transaction. */
  closePositions(exits: readonly PositionExit[]): void {
    if (exits.length > 0) this.closeTx(exits);
  }

  loadOpen(): PositionRecord[] {
    return (this.selectOpen.all() as Row[]).map(toRecord);
  }

  closedBetween(fromMs: number, toMs: number, filter: OwnerChainFilter = {}): PositionRecord[] {
    const owner = filter.owner ?? null;
    const chain = filter.chainId ?? null;
    return (this.selectClosed.all(fromMs, toMs, owner, owner, chain, chain) as Row[]).map(toRecord);
  }

  /** Realized P&L per IST day and chain, since `sinceMs`. */
  realizedByDay(
    sinceMs: number,
    filter: OwnerChainFilter = {},
  ): { day: string; chainId: string; paise: number }[] {
    const owner = filter.owner ?? null;
    const chain = filter.chainId ?? null;
    return (this.selectDaily.all(sinceMs, owner, owner, chain, chain) as Row[]).map((row) => ({
      day: row.day as string,
      chainId: row.chain as string,
      paise: row.paise as number,
    }));
  }
}
