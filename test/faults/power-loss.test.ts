/**
 * Power loss, ten times in a row: the daemon (`node src/main.ts`, against one simulator served from
 * this process as if it were Kite) runs a busy session (cycles every second, paper orders and exits
 * from several clients at once, targets and stops close enough to be hit by ticks) and is killed with
 * SIGKILL at a moment drawn from a seeded random generator. After each kill the database file passes
 * `PRAGMA integrity_check`, and every acknowledged trade is in it: an order the API answered 200, an
 * exit the API answered 200, and any `position_opened` / `position_closed` event the daemon streamed.
 * Each restart continues the id sequence right after the highest id in the file.
 *
 * `POWER_LOSS_SEED=<n>` replays a run's kill moments and choices.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainJson } from '../../src/http/chain-json.ts';
import type { PositionJson } from '../../src/paper/position.ts';
import type { PositionClosedEvent } from '../../src/paper/types.ts';
import { mulberry32 } from '../../src/sim/random.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { simAsKiteEnv } from '../support/daemon-config.ts';
import { startDaemonProcess, type DaemonProcess } from '../support/daemon-process.ts';
import { waitFor } from '../support/wait-for.ts';
import { readDatabase } from './support-sqlite-daemon.ts';

const SEED = Number(process.env.POWER_LOSS_SEED ?? 20_261_108);
const ROUNDS = 10;
const CLIENTS = 3;
/** The busy session lasts this long (ms) before the kill: between these bounds, uniformly. */
const KILL_AFTER_MS = [150, 2500] as const;
const TOKEN = 'power-loss';

interface Opened {
  symbol: string;
  side: string;
  qty: number;
  entryPaise: number;
  round: number;
}

interface Closed {
  exitPaise: number;
  reason: string;
  round: number;
}

/** Everything the daemons acknowledged, over all rounds. */
class Ledger {
  readonly opened = new Map<string, Opened>();
  readonly closed = new Map<string, Closed>();
  /** Exits acknowledged for positions opened by an earlier daemon (so reloaded after a restart). */
  reloadedExits = 0;

  open(position: PositionJson, round: number): void {
    this.opened.set(position.id, {
      symbol: position.symbol,
      side: position.side,
      qty: position.qty,
      entryPaise: Math.round(position.entry_price * 100),
      round,
    });
  }

  close(id: string, exitPrice: number, reason: string, round: number): void {
    if (!this.closed.has(id) && (this.opened.get(id)?.round ?? round) < round) this.reloadedExits++;
    this.closed.set(id, { exitPaise: Math.round(exitPrice * 100), reason, round });
  }

  openIds(): string[] {
    return [...this.opened.keys()].filter((id) => !this.closed.has(id));
  }
}

/** The daemon against the simulator as against Kite: cycles every second, no chat, no square-off. */
function startDaemon(sim: SimServer, dbPath: string): Promise<DaemonProcess & { apiUrl: string }> {
  return startDaemonProcess({
    env: {
      ...simAsKiteEnv(sim),
      REFRESH_INTERVAL_SECONDS: '1',
      DB_PATH: dbPath,
      HTTP_TOKEN: TOKEN,
      SQUARE_OFF_TIME: '',
    },
  });
}

const HEADERS = { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` };

/** POSTs; null when the daemon died before answering (not acknowledged). */
async function post(apiUrl: string, route: string, body: unknown): Promise<Record<string, unknown> | null> {
  try {
    const response = await fetch(`${apiUrl}${route}`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    return response.status === 200 ? json : null;
  } catch {
    return null;
  }
}

/** Records every paper event the daemon streams until the connection dies with it. */
function followEvents(apiUrl: string, ledger: Ledger, round: number): Promise<void> {
  const record = (event: string, data: string) => {
    if (event === 'position_opened') ledger.open(JSON.parse(data) as PositionJson, round);
    if (event === 'position_closed') {
      const closed = JSON.parse(data) as PositionClosedEvent;
      ledger.close(closed.position_id, closed.exit_price, closed.exit_reason, round);
    }
  };
  return (async () => {
    try {
      const response = await fetch(`${apiUrl}/api/events`, { headers: HEADERS });
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = block.match(/^event: (.*)$/m)?.[1];
          const data = block.match(/^data: (.*)$/m)?.[1];
          if (event && data) record(event, data);
        }
      }
    } catch {
      // the daemon was killed: the stream ends here
    }
  })();
}

/** The chains' JSON; a chain without a first snapshot yet is null. */
async function chains(apiUrl: string): Promise<(ChainJson | null)[]> {
  const response = await fetch(`${apiUrl}/api/data`, { headers: HEADERS });
  return Object.values((await response.json()) as Record<string, ChainJson | null>);
}

interface StoredRow {
  id: string;
  chain: string;
  symbol: string;
  side: string;
  qty: number;
  entry_paise: number;
  exit_paise: number | null;
  exit_reason: string | null;
}

function inspect(dbPath: string): { integrity: unknown; rows: Map<string, StoredRow> } {
  return readDatabase(dbPath, (db) => ({
    integrity: db.pragma('integrity_check', { simple: true }),
    rows: new Map(
      (
        db
          .prepare(
            'SELECT id, chain, symbol, side, qty, entry_paise, exit_paise, exit_reason FROM paper_positions',
          )
          .all() as StoredRow[]
      ).map((row) => [row.id, row]),
    ),
  }));
}

const sequenceOf = (id: string) => Number(id.slice(id.indexOf('_P') + 2));

describe('power loss during a busy session', () => {
  let sim: SimServer;
  let running: DaemonProcess | undefined;

  beforeAll(async () => {
    sim = await startSimServer({ seed: SEED, tickIntervalMs: 250 });
  });
  afterAll(async () => {
    await running?.stop('SIGKILL');
    await sim.close();
  });

  it(`every acknowledged trade survives ${ROUNDS} kills at random moments (seed ${SEED})`, async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-fault-power-')), 'oi.db');
    const random = mulberry32(SEED);
    const ledger = new Ledger();
    let highestNse = 0;

    for (let round = 1; round <= ROUNDS + 1; round++) {
      const daemon = await startDaemon(sim, dbPath);
      running = daemon;
      const events = followEvents(daemon.apiUrl, ledger, round);
      const context = `seed ${SEED}, round ${round}`;

      // The restart's first order continues the sequence right after the highest id in the file.
      let listed: ChainJson[] = [];
      const first = await waitFor(
        async () => {
          listed = (await chains(daemon.apiUrl).catch((): (ChainJson | null)[] => [])).filter(
            (chain): chain is ChainJson => chain !== null && chain.call_options.length > 0,
          );
          const atm = listed.find((chain) => chain.exchange === 'NSE')?.call_options[5];
          return (
            atm && post(daemon.apiUrl, '/api/place_order', { exchange: 'NSE', symbol: atm.symbol, side: 'B' })
          );
        },
        { timeoutMs: 30_000, what: `the first order (${context})`, intervalMs: 200 },
      );
      const firstPosition = first.position as PositionJson;
      ledger.open(firstPosition, round);
      expect(sequenceOf(firstPosition.id), `${context}: first id after restart`).toBe(highestNse + 1);
      if (round > ROUNDS) {
        expect((await daemon.stop('SIGTERM')).signal).toBeNull();
        break;
      }

      const killAfterMs = KILL_AFTER_MS[0] + random() * (KILL_AFTER_MS[1] - KILL_AFTER_MS[0]);
      const options = listed.flatMap((chain) =>
        [...chain.call_options, ...chain.put_options].map((row) => ({
          exchange: chain.exchange,
          symbol: row.symbol,
        })),
      );
      let killed = false;
      const client = async () => {
        while (!killed) {
          const open = ledger.openIds();
          if (open.length > 0 && random() < 0.3) {
            const id = open[Math.floor(random() * open.length)]!;
            const answer = await post(daemon.apiUrl, '/api/exit', { position_id: id });
            for (const position of (answer?.positions ?? []) as PositionJson[])
              ledger.close(position.id, position.exit_price!, position.exit_reason!, round);
          } else {
            const option = options[Math.floor(random() * options.length)]!;
            const points = () => (1 + Math.floor(random() * 8)) / 4; // 0.25 … 2 points: ticks hit them
            const answer = await post(daemon.apiUrl, '/api/place_order', {
              ...option,
              side: random() < 0.5 ? 'B' : 'S',
              tp: points(),
              sl: points(),
            });
            if (answer) ledger.open(answer.position as PositionJson, round);
          }
        }
      };
      const clients = Array.from({ length: CLIENTS }, client);
      await sleep(killAfterMs);
      killed = true;
      const { signal } = await daemon.stop('SIGKILL');
      expect(signal, `${context}: the daemon stopped by itself:\n${daemon.output()}`).toBe('SIGKILL');
      await Promise.all([...clients, events]);
      running = undefined;

      const { integrity, rows } = inspect(dbPath);
      expect(integrity, `${context}: integrity_check after the kill at ${killAfterMs} ms`).toBe('ok');
      for (const [id, opened] of ledger.opened) {
        const row = rows.get(id);
        expect(row, `${context}: acknowledged ${id} is missing`).toBeDefined();
        expect(
          { symbol: row!.symbol, side: row!.side, qty: row!.qty, entryPaise: row!.entry_paise },
          `${context}: ${id}`,
        ).toEqual({
          symbol: opened.symbol,
          side: opened.side,
          qty: opened.qty,
          entryPaise: opened.entryPaise,
        });
      }
      for (const [id, closed] of ledger.closed) {
        const row = rows.get(id);
        expect(
          { exitPaise: row?.exit_paise, reason: row?.exit_reason },
          `${context}: acknowledged exit of ${id}`,
        ).toEqual({ exitPaise: closed.exitPaise, reason: closed.reason });
      }
      highestNse = Math.max(
        0,
        ...[...rows.values()].filter((row) => row.chain === 'NSE').map((row) => sequenceOf(row.id)),
      );
    }

    // The session was busy in the ways that matter: many trades, exits by hand and by ticks, and
    // exits of positions a restarted daemon reloaded from the file.
    const reasons = [...ledger.closed.values()].map((closed) => closed.reason);
    expect(ledger.opened.size, 'acknowledged orders').toBeGreaterThan(5 * ROUNDS);
    expect(reasons.filter((reason) => reason === 'Manual Exit').length, 'manual exits').toBeGreaterThan(
      ROUNDS,
    );
    expect(reasons.filter((reason) => reason !== 'Manual Exit').length, 'exits on ticks').toBeGreaterThan(0);
    expect(ledger.reloadedExits, 'exits of positions opened before a restart').toBeGreaterThan(0);
  }, 180_000);
});
