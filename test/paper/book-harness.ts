/** A paper book on a real database file in a temp dir, with a clock the test moves. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Tick } from '../../src/kite/types.ts';
import {
  PaperBook,
  type PaperBookOptions,
  type PlaceOrder,
  type PositionClosedEvent,
} from '../../src/paper/paper-book.ts';
import type { PositionJson } from '../../src/paper/position.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import { istWallClock } from '../../src/util/ist.ts';

export const CALL = {
  token: 1001 * 256 + 2,
  symbol: 'NIFTY26D0125600CE',
  strike: 25600,
  type: 'CE' as const,
  lotSize: 75,
};
export const PUT = {
  token: 1002 * 256 + 2,
  symbol: 'NIFTY26D0125600PE',
  strike: 25600,
  type: 'PE' as const,
  lotSize: 75,
};

export const tick = (token: number, lastPrice: number): Tick => ({
  mode: 'full',
  tradable: true,
  instrumentToken: token,
  lastPrice,
});

export class BookHarness {
  clock = istWallClock('2026-11-25', '10:00');
  readonly opened: PositionJson[] = [];
  readonly closed: PositionClosedEvent[] = [];
  readonly dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-paper-')), 'oi.db');
  store = OiStore.open(this.dbPath);

  /** A book on the current store, loaded, its events recorded. */
  openBook(options: Partial<PaperBookOptions> = {}): PaperBook {
    const book = new PaperBook({
      store: this.store.paperStore(),
      now: () => this.clock,
      maxPriceAgeMs: 60_000,
      ...options,
    });
    book.load();
    book.on('position_opened', (position) => this.opened.push(position));
    book.on('position_closed', (event) => this.closed.push(event));
    return book;
  }

  /** Closes the database as a stopping daemon would, opens it again and loads a new book. */
  restart(options: Partial<PaperBookOptions> = {}): PaperBook {
    this.store.close();
    this.store = OiStore.open(this.dbPath);
    return this.openBook(options);
  }

  /** A price one second old. */
  fresh(ltp: number): { ltp: number; at: number } {
    return { ltp, at: this.clock - 1000 };
  }

  /** A one-lot BUY of the call at 100 by telegram:1001 on NSE, with `extra` on top. */
  order(extra: Partial<PlaceOrder> = {}): PlaceOrder {
    return {
      owner: 'telegram:1001',
      chainId: 'NSE',
      instrument: CALL,
      side: 'BUY',
      price: this.fresh(100),
      feedUp: true,
      ...extra,
    };
  }

  /** Row counts straight from the file, through a separate connection. */
  counts(): { positions: number; sequences: number } {
    const db = new Database(this.dbPath, { readonly: true });
    try {
      return {
        positions: db.prepare('SELECT count(*) FROM paper_positions').pluck().get() as number,
        sequences: db.prepare('SELECT count(*) FROM paper_sequences').pluck().get() as number,
      };
    } finally {
      db.close();
    }
  }

  /** Closes the database and removes its directory. */
  close(): void {
    this.store.close();
    rmSync(path.dirname(this.dbPath), { recursive: true, force: true });
  }
}
