import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import { configAgainstSim } from '../support/daemon-config.ts';
import { untilWindowsSubscribed } from '../support/daemon-cycles.ts';
import { waitFor } from '../support/wait-for.ts';

const waitUntil = (check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) =>
  waitFor(check, { timeoutMs, intervalMs: 100, what });

describe('the Kite session from chat', () => {
  let sim: SimServer;
  let daemon: Daemon | undefined;
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-session-')), 'oi.db');
  let logs = '';
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        logs += String(chunk);
        done();
      },
    }),
  );
  const admin = { owner: 'telegram:1001', chat: 'telegram:1001' };
  const trader = { owner: 'telegram:2002', chat: 'telegram:2002' };
  const alerts: Alert[] = [];
  const originalToken = 'sim_access_token';
  const config = () =>
    configAgainstSim(sim, {
      DB_PATH: dbPath,
      KITE_API_SECRET: sim.credentials.apiSecret,
      KITE_ACCESS_TOKEN: originalToken,
      ACCESS: 'telegram:1001=admin,telegram:2002=trader',
    });
  const status = async () => (await daemon!.commands.handle('/status', admin)).text;

  beforeAll(async () => {
    sim = await startSimServer({ seed: 5, accessToken: originalToken });
    daemon = await startDaemon(config(), logger);
    daemon.alerts.on('alert', (alert) => alerts.push(alert));
  });
  afterAll(async () => {
    await daemon?.stop();
    await sim.close();
  });

  it('on a 403 raises the session-expired alert, stays up and shows Disconnected', async () => {
    await waitUntil(
      () => daemon!.session.state === 'valid' && /ticker connected/.test(logs),
      10_000,
      'start',
    );
    await untilWindowsSubscribed(daemon!);
    sim.expireSession();
    await waitUntil(() => alerts.some((alert) => alert.kind === 'session_expired'), 20_000, 'the alert');
    const expired = alerts.find((alert) => alert.kind === 'session_expired')!;
    expect(expired.priority).toBe('high');
    expect(expired.text).toMatch(/\/login/);
    await daemon!.runCycles();
    expect(await status()).toMatch(/NSE: Disconnected/);
    expect(await status()).toMatch(/Kite session expired/);
  }, 40_000);

  it('/login is for admins and answers the Kite login URL for the API key', async () => {
    expect((await daemon!.commands.handle('/login', trader)).text).toMatch(/needs the admin role/);
    const reply = await daemon!.commands.handle('/login', admin);
    expect(reply.text).toContain(
      `https://kite.zerodha.com/connect/login?api_key=${sim.credentials.apiKey}&v=3`,
    );
  });

  it('/token refuses malformed input, then stores the new session and restarts market data', async () => {
    const bad = await daemon!.commands.handle('/token not-a-token!', admin);
    expect(bad.error).toBe(true);
    expect(bad.text).toMatch(/not a request token/);
    const reply = await daemon!.commands.handle('/token RqT0ken123', admin);
    expect(reply.error).toBeUndefined();
    expect(reply.text).toBe('Kite session for SIM001 is in use; market data is restarting.');
    expect(reply.text).not.toContain(sim.credentials.accessToken);
    await waitUntil(() => alerts.some((alert) => alert.kind === 'session_renewed'), 10_000, 'renewed');
    await waitUntil(
      async () => {
        await daemon!.runCycles();
        return /NSE: Live/.test(await status());
      },
      30_000,
      'NSE live again',
    );
    const db = new Database(dbPath, { readonly: true });
    const row = db.prepare('SELECT kind, token FROM kite_session').get() as { kind: string; token: string };
    db.close();
    expect(row).toEqual({ kind: 'access_token', token: sim.credentials.accessToken });
    expect(statSync(dbPath).mode & 0o777).toBe(0o600);
    expect(logs).not.toContain(sim.credentials.accessToken);
    expect(logs).not.toContain('RqT0ken123');
  }, 60_000);

  it('after a restart uses the stored session, not the expired configured token', async () => {
    await daemon!.stop();
    daemon = await startDaemon(config(), logger);
    await waitUntil(
      async () => {
        await daemon!.runCycles();
        return /NSE: Live/.test(await status());
      },
      30_000,
      'NSE live after the restart',
    );
    expect(logs).toContain('using the Kite session set from chat');
  }, 60_000);
});
