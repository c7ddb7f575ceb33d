import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tradableSymbol } from '../support/daemon-api.ts';
import { startDaemonProcess } from '../support/daemon-process.ts';

const HEADERS = { 'Content-Type': 'application/json', Authorization: 'Bearer t0ken' };

const startDaemon = (dbPath: string) =>
  startDaemonProcess({
    env: {
      DB_PATH: dbPath,
      HTTP_TOKEN: 't0ken',
      SQUARE_OFF_TIME: '',
      AUTO_EXIT_POINTS: '100000',
      // The chain is Live from its second cycle: with the default 30 s that could be 33 s after start.
      REFRESH_INTERVAL_SECONDS: '1',
    },
  });

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
    const symbol = await tradableSymbol(first.apiUrl, HEADERS);

    const acknowledged: string[] = [];
    let killed = false;
    const streams = Array.from({ length: 4 }, async () => {
      while (!killed) {
        const id = await placeOrder(first.apiUrl, symbol);
        if (id) acknowledged.push(id);
        if (acknowledged.length >= 20 && !killed) {
          killed = true;
          void first.stop('SIGKILL');
        }
      }
    });
    await Promise.all(streams);
    await first.exited;
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
      const next = await placeOrder(second.apiUrl, await tradableSymbol(second.apiUrl, HEADERS));
      expect(next).not.toBeNull();
      const highest = Math.max(...[...ids].map((id) => Number(id.slice('NSE_P'.length))));
      expect(Number(next!.slice('NSE_P'.length))).toBeGreaterThan(highest);
    } finally {
      await second.stop('SIGTERM');
    }
  }, 90_000);
});
