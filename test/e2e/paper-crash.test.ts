import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const HEADERS = { 'Content-Type': 'application/json', Authorization: 'Bearer t0ken' };

interface Running {
  child: ChildProcess;
  apiUrl: string;
}

async function startDaemon(dbPath: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      MARKET_DATA: 'sim',
      DB_PATH: dbPath,
      HTTP_PORT: '0',
      HTTP_TOKEN: 't0ken',
      LOG_LEVEL: 'info',
      SQUARE_OFF_TIME: '',
      AUTO_EXIT_POINTS: '100000',
      // The chain is Live from its second cycle: with the default 30 s that could be 33 s after start.
      REFRESH_INTERVAL_SECONDS: '5',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const apiUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"JSON API listening"/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
  return { child, apiUrl };
}

async function tradableSymbol(apiUrl: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${apiUrl}/api/data/NSE`, { headers: HEADERS });
    if (response.ok) {
      const chain = (await response.json()) as { status: string; call_options: { symbol: string }[] };
      if (chain.status === 'Live' && chain.call_options.length === 11) return chain.call_options[5]!.symbol;
    }
    if (Date.now() > deadline) throw new Error('NSE never went live');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function placeOrder(apiUrl: string, symbol: string): Promise<string | null> {
  try {
    const response = await fetch(`${apiUrl}/api/place_order`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ exchange: 'NSE', symbol, side: 'B', qty: 75 }),
    });
    if (response.status !== 200) return null;
    return ((await response.json()) as { position_id: string }).position_id;
  } catch {
    return null; // the connection died with the daemon: not acknowledged
  }
}

describe('paper trades survive a crash', () => {
  it('every acknowledged order is there after SIGKILL mid-stream and a restart', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-crash-')), 'oi.db');
    const first = await startDaemon(dbPath);
    const symbol = await tradableSymbol(first.apiUrl);

    const acknowledged: string[] = [];
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    let killed = false;
    const streams = Array.from({ length: 4 }, async () => {
      while (!killed) {
        const id = await placeOrder(first.apiUrl, symbol);
        if (id) acknowledged.push(id);
        if (acknowledged.length >= 20 && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    });
    await Promise.all(streams);
    await exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);

    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const second = await startDaemon(dbPath);
    try {
      const response = await fetch(`${second.apiUrl}/api/positions/NSE?owner=api`, { headers: HEADERS });
      const book = (await response.json()) as Record<string, { open_positions: { id: string }[] }>;
      const ids = new Set(book.NSE!.open_positions.map((position) => position.id));
      for (const id of acknowledged) expect(ids.has(id), `${id} lost`).toBe(true);
      // The id sequence continues after the highest id ever handed out.
      const next = await placeOrder(second.apiUrl, await tradableSymbol(second.apiUrl));
      expect(next).not.toBeNull();
      const highest = Math.max(...[...ids].map((id) => Number(id.slice('NSE_P'.length))));
      expect(Number(next!.slice('NSE_P'.length))).toBeGreaterThan(highest);
    } finally {
      const stopped = new Promise((resolve) => second.child.once('exit', resolve));
      second.child.kill('SIGTERM');
      await stopped;
    }
  }, 90_000);
});
