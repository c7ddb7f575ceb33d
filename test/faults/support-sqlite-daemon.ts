/**
 * The real daemon, in this process, against the real simulator (as against Kite), for the SQLite
 * fault tests: its warnings are kept, its JSON API is a function call away, and its database file can
 * be read by a separate connection.
 */
import { pino } from 'pino';
import Database from 'better-sqlite3';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import type { ChainJson } from '../../src/http/chain-json.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import { configAgainstSim } from '../support/daemon-config.ts';
import { untilWindowsSubscribed } from '../support/daemon-cycles.ts';
import { waitFor } from '../support/wait-for.ts';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface FaultRig {
  sim: SimServer;
  daemon: Daemon;
  dbPath: string;
  /** Each warning or error the daemon logged: its message and its error's message. */
  warnings: string[];
  get(route: string): Promise<ApiAnswer>;
  post(route: string, body: unknown): Promise<ApiAnswer>;
  /** Places a BUY of one lot of the NSE ATM call; resolves with the API's answer. */
  order(): Promise<ApiAnswer>;
  stop(): Promise<void>;
}

/** Runs `read` on a read-only connection of its own to the database file, then closes it. */
export function readDatabase<T>(dbPath: string, read: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export function integrityCheck(dbPath: string): unknown {
  return readDatabase(dbPath, (db) => db.pragma('integrity_check', { simple: true }));
}

/** Rows of the chain's underlying snapshots (one per stored cycle). */
export function storedCycles(dbPath: string, chain: string): number {
  return readDatabase(
    dbPath,
    (db) =>
      db.prepare('SELECT count(*) FROM underlying_snapshots WHERE chain = ?').pluck().get(chain) as number,
  );
}

export interface StoredPosition {
  id: string;
  exit_time: number | null;
  exit_reason: string | null;
}

export function storedPositions(dbPath: string): Map<string, StoredPosition> {
  const rows = readDatabase(
    dbPath,
    (db) => db.prepare('SELECT id, exit_time, exit_reason FROM paper_positions').all() as StoredPosition[],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Starts the simulator and the daemon on `dbPath` (market hours always, no square-off, targets and
 * stops far away so nothing exits by itself, no backfill), and waits until an NSE order is accepted: the window is subscribed and
 * its options have fresh prices. That first order is returned as `first`.
 */
export async function startFaultRig(
  dbPath: string,
  seed: number,
): Promise<{ rig: FaultRig; first: ApiAnswer }> {
  const sim = await startSimServer({ seed });
  const warnings: string[] = [];
  const logger = pino(
    { level: 'warn' },
    {
      write(line: string) {
        const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
        warnings.push(`${entry.msg ?? ''} ${entry.err?.message ?? ''}`);
      },
    },
  );
  const config = configAgainstSim(sim, {
    DB_PATH: dbPath,
    SQUARE_OFF_TIME: '',
    AUTO_EXIT_POINTS: '100000',
    HISTORICAL_DATA_MINUTES: '0', // no backfill: the only writes are cycles and paper trades
  });
  let daemon: Daemon;
  try {
    daemon = await startDaemon(config, logger);
  } catch (error) {
    await sim.close();
    throw error;
  }
  const call = async (route: string, init?: RequestInit): Promise<ApiAnswer> => {
    const response = await fetch(`${daemon.apiUrl}${route}`, init);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const post = (route: string, body: unknown) =>
    call(route, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const order = async () => {
    const chain = (await call('/api/data/NSE')).body as unknown as ChainJson;
    return post('/api/place_order', { exchange: 'NSE', strike: chain.atm_strike, type: 'CE', side: 'B' });
  };
  const rig: FaultRig = {
    sim,
    daemon,
    dbPath,
    warnings,
    get: (route) => call(route),
    post,
    order,
    stop: async () => {
      await daemon.stop();
      await sim.close();
    },
  };
  try {
    await untilWindowsSubscribed(daemon);
    const first = await waitFor(
      async () => {
        const answer = await order();
        return answer.status === 200 && answer;
      },
      { timeoutMs: 30_000, what: 'the first NSE order to be accepted', intervalMs: 200 },
    );
    return { rig, first };
  } catch (error) {
    await rig.stop();
    throw error;
  }
}
