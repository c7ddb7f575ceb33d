/**
 * Another program holds the database's write lock (`BEGIN IMMEDIATE` in a second process). The first
 * write waits the busy timeout, then writes fail at once with a clear message; the daemon keeps
 * serving from memory and says so; a paper order is refused, never acknowledged unstored; once the
 * lock is released writes resume and nothing written before is lost.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import type { ChainJson } from '../../src/http/chain-json.ts';
import { BUSY_TIMEOUT_MS, OiStore, StoreWriteError } from '../../src/store/oi-store.ts';
import {
  integrityCheck,
  startFaultRig,
  storedCycles,
  storedPositions,
  type FaultRig,
} from './support-sqlite-daemon.ts';

const root = path.resolve(import.meta.dirname, '../..');
const DB_NOTE = 'database write failed: serving from memory';
/** A trade the store cannot take is refused: 400 as a UserError today, 503 would say "try again" better. */
const REFUSED = [400, 503];

interface LockHolder {
  release(): Promise<void>;
}

const holders = new Set<ChildProcessWithoutNullStreams>();

/** Starts a second process that takes the database's write lock; resolves once it holds it. */
async function holdWriteLock(dbPath: string): Promise<LockHolder> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/faults/support-sqlite-lock-holder.ts', dbPath],
    { cwd: root },
  );
  holders.add(child);
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout });
  const nextLine = () =>
    Promise.race([
      new Promise<string>((resolve) => lines.once('line', resolve)),
      exited.then((code) => {
        throw new Error(`the lock holder exited (${code}):\n${errors}`);
      }),
    ]);
  expect(await nextLine()).toBe('locked');
  return {
    release: async () => {
      child.stdin.write('release\n');
      expect(await nextLine()).toBe('released');
      expect(await exited).toBe(0);
      holders.delete(child);
    },
  };
}

afterEach(() => {
  for (const child of holders) child.kill('SIGKILL');
  holders.clear();
});

const chainJson = async (rig: FaultRig, id: string) =>
  (await rig.get(`/api/data/${id}`)).body as never as ChainJson;

describe('the daemon while another program holds the database write lock', () => {
  let rig: FaultRig;
  let firstId: string;

  beforeAll(async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-fault-lock-')), 'oi.db');
    const started = await startFaultRig(dbPath, 81);
    rig = started.rig;
    firstId = started.first.body.position_id as string;
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
  });

  it('waits the busy timeout, serves from memory, refuses paper trades, and resumes writing after', async () => {
    await rig.daemon.runCycles();
    expect(storedPositions(rig.dbPath).has(firstId)).toBe(true);
    const warningsBefore = rig.warnings.length;

    const holder = await holdWriteLock(rig.dbPath);
    // Reading goes on while another program writes (WAL).
    const before = { NSE: storedCycles(rig.dbPath, 'NSE'), BSE: storedCycles(rig.dbPath, 'BSE') };
    expect(before.NSE).toBeGreaterThan(0);
    await rig.daemon.runCycles();
    expect(storedCycles(rig.dbPath, 'NSE')).toBe(before.NSE);

    // One write waited out the busy timeout; the ones after it failed at once. Both say why.
    const lockWarnings = rig.warnings.slice(warningsBefore);
    expect(lockWarnings[0]).toContain(
      `the database is locked by another program (waited ${BUSY_TIMEOUT_MS} ms`,
    );
    expect(
      lockWarnings.some((line) => /could not store the cycle .*still locked by another program/.test(line)),
    ).toBe(true);

    // Still serving, live, from memory, and saying so.
    for (const id of ['NSE', 'BSE']) {
      const chain = await chainJson(rig, id);
      expect(chain.status, `${id} status`).toBe('Live');
      expect(chain.notes).toContain(DB_NOTE);
      expect(chain.call_options).toHaveLength(11);
    }
    const health = await rig.get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body.database).toMatchObject({ ok: false });
    expect((health.body.database as { error: string }).error).toMatch(
      /^writes failing since .*: the database is (still )?locked by another program/,
    );
    expect((health.body.ticker as { connections: number }).connections).toBeGreaterThan(0);

    // A paper order and an exit are refused, clearly, and leave nothing behind.
    const refused = await rig.order();
    expect(REFUSED).toContain(refused.status);
    expect(refused.body).toMatchObject({ success: false });
    expect(refused.body.message).toMatch(
      /^the order was not placed: the database is still locked by another program/,
    );
    expect(refused.body.position_id).toBeUndefined();
    const exit = await rig.post('/api/exit', { position_id: firstId });
    expect(REFUSED).toContain(exit.status);
    expect(exit.body.message).toMatch(new RegExp(`^${firstId} was not closed: the database is still locked`));
    const book = (await rig.get('/api/positions/NSE?owner=api')).body as {
      NSE: { open_positions: { id: string }[] };
    };
    expect(book.NSE.open_positions.map((position) => position.id)).toEqual([firstId]);

    await holder.release();
    await rig.daemon.runCycles();

    for (const id of ['NSE', 'BSE']) expect((await chainJson(rig, id)).notes).not.toContain(DB_NOTE);
    const healed = await rig.get('/healthz');
    expect(healed.body.database).toMatchObject({ ok: true });
    expect(storedCycles(rig.dbPath, 'NSE')).toBeGreaterThan(before.NSE);
    expect(storedCycles(rig.dbPath, 'BSE')).toBeGreaterThan(before.BSE);

    // The refused order took no id: the next one follows the first directly.
    const accepted = await rig.order();
    expect(accepted.status).toBe(200);
    const secondId = accepted.body.position_id as string;
    expect(secondId).toBe(`NSE_P${String(Number(firstId.slice('NSE_P'.length)) + 1).padStart(4, '0')}`);
    expect((await rig.post('/api/exit', { position_id: firstId })).status).toBe(200);

    const positions = storedPositions(rig.dbPath);
    expect([...positions.keys()].sort()).toEqual([firstId, secondId]);
    expect(positions.get(firstId)).toMatchObject({ exit_reason: 'Manual Exit' });
    expect(positions.get(secondId)).toMatchObject({ exit_time: null });
    expect(integrityCheck(rig.dbPath)).toBe('ok');
  }, 60_000);
});

describe('the store while another program holds the write lock', () => {
  it('the first write waits busyTimeoutMs, the next fail at once, and writing resumes after', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-fault-lock-store-')), 'oi.db');
    const store = OiStore.open(dbPath, { busyTimeoutMs: 400 });
    const cycle = (time: number) => ({
      chainId: 'NSE',
      time,
      underlyingPrice: 25_000,
      atm: 25_000,
      pcr: 1,
      observations: [],
    });
    try {
      store.saveCycle(cycle(1_000_000));
      const holder = await holdWriteLock(dbPath);

      const started = Date.now();
      const first = captureError(() => store.saveCycle(cycle(2_000_000)));
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
      expect(first).toBeInstanceOf(StoreWriteError);
      expect(first).toBeInstanceOf(UserError);
      expect(first).toMatchObject({
        code: 'SQLITE_BUSY',
        message: 'cycle of NSE not stored: the database is locked by another program (waited 400 ms for it)',
      });
      const second = captureError(() => store.paperStore().openPosition(newPosition()));
      expect(second).toMatchObject({
        code: 'SQLITE_BUSY',
        message:
          'the order was not placed: the database is still locked by another program; try again shortly',
      });
      expect(store.health()).toMatchObject({ ok: false });
      expect(store.health().error).toMatch(/still locked by another program$/);
      // Reading is unaffected (WAL).
      expect(store.lastUpdate('NSE')).toBe(1_000_000);

      await holder.release();
      store.saveCycle(cycle(3_000_000));
      expect(store.health()).toMatchObject({ ok: true });
      expect(store.paperStore().openPosition(newPosition())).toBe('NSE_P0001');
      expect(store.underlyingHistory('NSE', 0).map((point) => point.time)).toEqual([1_000_000, 3_000_000]);

      // Waiting is back: a new lock is waited out again before the write fails.
      const again = await holdWriteLock(dbPath);
      expect(captureError(() => store.saveCycle(cycle(4_000_000)))?.message).toContain(
        '(waited 400 ms for it)',
      );
      await again.release();
    } finally {
      store.close();
    }
    expect(integrityCheck(dbPath)).toBe('ok');
  }, 30_000);

  it('refuses a busy timeout that is not whole milliseconds', () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-fault-lock-store-')), 'oi.db');
    expect(() => OiStore.open(dbPath, { busyTimeoutMs: -1 })).toThrow(
      /busyTimeoutMs must be whole milliseconds/,
    );
    expect(() => OiStore.open(dbPath, { busyTimeoutMs: 1.5 })).toThrow(RangeError);
  });
});

function captureError(action: () => unknown): (Error & { code?: string }) | undefined {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

function newPosition() {
  return {
    chainId: 'NSE',
    owner: 'api',
    token: 1,
    symbol: 'NIFTY26D0125000CE',
    strike: 25_000,
    type: 'CE' as const,
    side: 'BUY' as const,
    qty: 75,
    entryPaise: 10_000,
    entryTime: 1_000_000,
    targetPaise: 2500,
    stopPaise: 2500,
  };
}
