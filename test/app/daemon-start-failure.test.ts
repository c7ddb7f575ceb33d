import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';

describe('a daemon that fails to start', () => {
  let blocker: Server | undefined;
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
    await new Promise((resolve) => blocker?.close(resolve));
  });

  it('stops what had started: the store is unlocked and a second start on the same database works', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-app-fail-')), 'oi.db');
    const settings = { MARKET_DATA: 'sim', MARKET_HOURS: 'always', DB_PATH: dbPath };
    const silent = pino({ level: 'silent' });

    // The JSON API starts after the store, the simulator, the trackers, the paper book and the alerts.
    await expect(startDaemon(loadConfig({ ...settings, HTTP_PORT: String(taken) }), silent)).rejects.toThrow(
      /EADDRINUSE/,
    );

    daemon = await startDaemon(loadConfig({ ...settings, HTTP_PORT: '0' }), silent);
    const health = await fetch(`${daemon.apiUrl}/healthz`);
    expect((await health.json()) as unknown).toMatchObject({ database: { ok: true } });
  }, 30_000);
});
