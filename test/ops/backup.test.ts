import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainJson } from '../../src/http/chain-json.ts';
import { startDaemonProcess, type DaemonProcess } from '../support/daemon-process.ts';
import { waitFor } from '../support/wait-for.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'oi-backup-'));
const DB_PATH = path.join(dir, 'data', 'oi.db');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run backup -- <args>` (the set-up hook included) with DB_PATH set; resolves when it exits. */
function runBackup(args: string[], env: Record<string, string> = { DB_PATH }): Promise<Run> {
  const child = spawn('npm', ['run', '--silent', 'backup', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

interface Ack {
  id: string;
  entryPaise: number;
  at: number;
}

/** Places paper orders one after another until `stop()`, keeping what the API acknowledged. */
function trader(apiUrl: string, strike: number) {
  const acks: Ack[] = [];
  const refusals: string[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const response = await fetch(`${apiUrl}/api/place_order`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ exchange: 'NSE', strike, type: 'CE', side: 'B' }),
      });
      const body = (await response.json()) as {
        position_id?: string;
        position?: { entry_price: number };
        message?: string;
      };
      if (response.status !== 200) refusals.push(`${response.status} ${body.message}`);
      else
        acks.push({
          id: body.position_id!,
          entryPaise: Math.round(body.position!.entry_price * 100),
          at: Date.now(),
        });
    }
  })();
  return {
    acks,
    refusals,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

let daemon: DaemonProcess & { apiUrl: string };
let strike: number;

beforeAll(async () => {
  daemon = await startDaemonProcess({
    env: {
      DB_PATH,
      SIM_SEED: '11',
      MARKET_HOURS: 'always',
      REFRESH_INTERVAL_SECONDS: '1',
      SQUARE_OFF_TIME: '',
      // No OI-jump alerts: their chain PNGs would only load the machine.
      OI_CHANGE_THRESHOLDS: '100000,100000,100000,100000',
    },
  });
  const chain = await waitFor(
    async () => {
      const json = (await (await fetch(`${daemon.apiUrl}/api/data/NSE`)).json()) as ChainJson;
      const calls = json.call_options;
      return json.status === 'Live' && calls.length > 0 && calls.every((row) => row.ltp !== null) && json;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: 'prices for the NSE window' },
  );
  strike = chain.atm_strike!;
}, 60_000);
afterAll(async () => {
  await daemon?.stop();
});

describe('npm run backup while the daemon writes', () => {
  it('copies a database that passes integrity_check and holds every acknowledged paper trade', async () => {
    const lockBefore = readFileSync(`${DB_PATH}.lock`, 'utf8');
    const trading = trader(daemon.apiUrl, strike);
    await waitFor(() => trading.acks.length >= 20, { what: '20 acknowledged orders' });

    const ackedBefore = [...trading.acks];
    const started = Date.now();
    const copy = path.join(dir, 'backups', 'oi-copy.db');
    mkdirSync(path.dirname(copy));
    const run = await runBackup([copy]);
    const finished = Date.now();
    // The daemon kept answering and writing: orders were acknowledged during the backup and after it.
    const ackedAfter = trading.acks.length;
    await waitFor(() => trading.acks.length >= ackedAfter + 20, { what: '20 more orders after the backup' });
    await trading.stop();

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(run.stdout).toMatch(
      new RegExp(`^backup: ${escaped(DB_PATH)} copied to ${escaped(copy)} \\(\\d+\\.\\d [KM]iB\\)\n$`),
    );
    expect(trading.acks.some((ack) => ack.at > started && ack.at < finished)).toBe(true);
    expect(trading.refusals).toEqual([]);
    // The copy is private (it holds the Kite session) and the daemon's lock is still the daemon's.
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${DB_PATH}.lock`, 'utf8')).toBe(lockBefore);

    const db = new Database(copy, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
      const stored = new Map(
        (
          db.prepare('SELECT id, entry_paise FROM paper_positions').all() as {
            id: string;
            entry_paise: number;
          }[]
        ).map((row) => [row.id, row.entry_paise]),
      );
      for (const ack of ackedBefore) expect(stored.get(ack.id), ack.id).toBe(ack.entryPaise);
      // One snapshot: the copy holds the trades acknowledged up to some instant, none missing among them.
      const inCopy = trading.acks.filter((ack) => stored.has(ack.id));
      expect(inCopy).toEqual(trading.acks.slice(0, inCopy.length));
      expect(stored.size).toBe(inCopy.length);
      expect((db.prepare('SELECT count(*) AS n FROM observations').get() as { n: number }).n).toBeGreaterThan(
        0,
      );
    } finally {
      db.close();
    }
    const health = await fetch(`${daemon.apiUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(daemon.output()).not.toMatch(/"level":50/);
  }, 60_000);

  it('says in one line when the database is missing or the destination cannot be written', async () => {
    const nowhere = path.join(dir, 'no-such-dir', 'x.db');
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    const [missing, unwritable, underFile, usage] = await Promise.all([
      runBackup([path.join(dir, 'x.db')], { DB_PATH: path.join(dir, 'none.db') }),
      runBackup([nowhere]),
      runBackup([path.join(file, 'x.db')]),
      runBackup([]),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `backup: no database at ${path.join(dir, 'none.db')}; set DB_PATH to the daemon's database\n`,
    );
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toBe(`backup: cannot write ${nowhere}: its directory does not exist\n`);
    expect(underFile.code).toBe(1);
    expect(underFile.stderr).toBe(
      `backup: cannot write ${path.join(file, 'x.db')}: a part of its directory is not a directory\n`,
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^usage: npm run backup -- <file>/);
  }, 30_000);
});
