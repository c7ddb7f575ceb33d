import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function startMain(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', HTTP_PORT: '0', MARKET_DATA: 'sim', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('the daemon process', () => {
  it('stops on SIGTERM within 5 s with exit code 0; a second daemon on the same database is refused', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-proc-')), 'oi.db');
    const first = startMain({ DB_PATH: dbPath });
    await waitFor(() => first.output().includes('JSON API listening'), 20_000, 'the first daemon to start');

    const second = startMain({ DB_PATH: dbPath });
    const secondExit = await exitOf(second.child);
    expect(secondExit).toBe(2);
    expect(second.output()).toMatch(/in use by another oi-tracker \(pid \d+\)/);

    const exited = exitOf(first.child);
    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5000);
  }, 40_000);

  it('starts again after being killed with SIGKILL (no lock left behind)', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-kill-')), 'oi.db');
    const first = startMain({ DB_PATH: dbPath });
    await waitFor(() => first.output().includes('JSON API listening'), 20_000, 'the first daemon to start');
    const killed = exitOf(first.child);
    first.child.kill('SIGKILL');
    await killed;
    const second = startMain({ DB_PATH: dbPath });
    await waitFor(() => second.output().includes('JSON API listening'), 20_000, 'the restarted daemon');
    const exited = exitOf(second.child);
    second.child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 40_000);
});
