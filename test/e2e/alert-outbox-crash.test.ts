import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startNtfyServer } from '../fakes/ntfy-server.ts';
import { tradableSymbol } from '../support/daemon-api.ts';
import { startDaemonProcess } from '../support/daemon-process.ts';
import { waitFor } from '../support/wait-for.ts';

const HEADERS = { 'Content-Type': 'application/json', Authorization: 'Bearer t0ken' };

/** Alerts in the outbox that the ntfy notifier is not done with, by kind. */
function pendingForNtfy(dbPath: string): { id: string; kind: string }[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT id, kind FROM alert_outbox AS o WHERE NOT EXISTS (
           SELECT 1 FROM alert_deliveries AS d WHERE d.alert_id = o.id AND d.notifier = 'ntfy' AND d.target = '')`,
      )
      .all() as { id: string; kind: string }[];
  } finally {
    db.close();
  }
}

const ntfy = await startNtfyServer();
afterAll(() => ntfy.close());

describe('no alert lost: the outbox across a SIGKILL', () => {
  it('delivers the pending auto-exit after a restart, and drops a breach older than ALERT_MAX_AGE_MINUTES', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-outbox-crash-')), 'oi.db');
    const env = {
      DB_PATH: dbPath,
      HTTP_TOKEN: 't0ken',
      SQUARE_OFF_TIME: '',
      REFRESH_INTERVAL_SECONDS: '1',
      NTFY_URL: `${ntfy.url}/oi-alerts`,
      // Every OI move is a breach, so breach alerts are pending too.
      OI_CHANGE_THRESHOLDS: '0.0001,0.0001,0.0001,0.0001',
    };
    ntfy.fail(503, 100_000); // ntfy is down for the whole first run
    // The first run plays the last session from 09:15, where open interest builds at any hour of the
    // wall clock (it stands still before the open and after the close); the second follows the wall
    // clock, so the first run's breaches are older than any limit.
    const first = await startDaemonProcess({
      env: { ...env, AUTO_EXIT_POINTS: '0.05', SIM_SESSION: 'replay' },
    });
    const symbol = await tradableSymbol(first.apiUrl, HEADERS);
    const order = await fetch(`${first.apiUrl}/api/place_order`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ exchange: 'NSE', symbol, side: 'B', qty: 75 }),
    });
    expect(order.status, await order.clone().text()).toBe(200);
    const positionId = ((await order.json()) as { position_id: string }).position_id;
    await first.waitForOutput(/"kind":"auto_exit"[^\n]*"msg":"alert"/, 30_000);
    await waitFor(
      () =>
        pendingForNtfy(dbPath).some((alert) => alert.kind === 'auto_exit') &&
        pendingForNtfy(dbPath).some((alert) => alert.kind === 'oi_breach'),
      { what: 'an auto-exit and a breach pending in the outbox' },
    );
    await first.stop('SIGKILL');
    const breaches = pendingForNtfy(dbPath).filter((alert) => alert.kind === 'oi_breach');
    const autoExit = pendingForNtfy(dbPath).find((alert) => alert.kind === 'auto_exit')!;
    expect(ntfy.messages).toEqual([]);

    ntfy.recover();
    // A limit of 0: every breach left from the first run is past it (the auto-exit has none).
    const second = await startDaemonProcess({ env: { ...env, ALERT_MAX_AGE_MINUTES: '0' } });
    try {
      const exit = await ntfy.waitFor((message) => message.message.includes(positionId), 30_000);
      expect(exit.priority).toBe(4);
      expect(exit.tags).toContain('exit');
      // The id it was written with: ntfy's sequence id, so a repeat would replace it rather than show twice.
      expect(exit.sequenceId).toBe(autoExit.id);
      await second.waitForOutput(/alert dropped: older than ALERT_MAX_AGE_MINUTES/);
      const sent = new Set(ntfy.messages.map((message) => message.sequenceId));
      for (const breach of breaches) expect(sent.has(breach.id), `${breach.id} delivered`).toBe(false);
      expect(pendingForNtfy(dbPath).filter((alert) => breaches.some((b) => b.id === alert.id))).toEqual([]);
    } catch (error) {
      console.log(
        second
          .output()
          .split('\n')
          .filter((l) => /alert|ntfy/.test(l))
          .slice(0, 30)
          .join('\n'),
      );
      throw error;
    } finally {
      await second.stop('SIGTERM');
    }
  }, 90_000);
});
