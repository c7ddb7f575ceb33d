import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnDaemon, startDaemonProcess } from '../support/daemon-process.ts';

describe('the daemon process', () => {
  it('stops on SIGTERM within 5 s with exit code 0; a second daemon on the same database is refused', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-proc-')), 'oi.db');
    const first = await startDaemonProcess({ env: { DB_PATH: dbPath } }, 20_000);

    const second = spawnDaemon({ env: { DB_PATH: dbPath } });
    expect((await second.exited).code).toBe(2);
    expect(second.output()).toMatch(/in use by another oi-tracker \(pid \d+\)/);

    const signalledAt = Date.now();
    expect((await first.stop('SIGTERM')).code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5000);
  }, 40_000);

  it('starts again after being killed with SIGKILL (no lock left behind)', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-kill-')), 'oi.db');
    const first = await startDaemonProcess({ env: { DB_PATH: dbPath } }, 20_000);
    await first.stop('SIGKILL');
    const second = await startDaemonProcess({ env: { DB_PATH: dbPath } }, 20_000);
    expect((await second.stop('SIGINT')).code).toBe(0);
  }, 40_000);
});
