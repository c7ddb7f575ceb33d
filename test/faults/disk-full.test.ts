/**
 * The disk holding the database fills up. The database lives on a small tmpfs of its own, and a filler
 * file takes every free block, so SQLite's next append to the write-ahead log fails with ENOSPC
 * (SQLITE_FULL): a real full disk, not an emulation. Mounting needs root; elsewhere that suite is
 * skipped and says why. The store-level suite below needs no root: `PRAGMA max_page_count` on the
 * connection makes SQLite answer SQLITE_FULL, as a full disk does.
 *
 * The daemon keeps serving from memory, warns (log line, chain note, /healthz), refuses paper trades
 * it cannot store, and writes again once there is room; the file passes integrity_check throughout.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import type { ChainJson } from '../../src/http/chain-json.ts';
import { migrate } from '../../src/store/migrations.ts';
import { OiStore, StoreWriteError } from '../../src/store/oi-store.ts';
import { PaperStore } from '../../src/store/paper-store.ts';
import {
  integrityCheck,
  startFaultRig,
  storedCycles,
  storedPositions,
  type FaultRig,
} from './support-sqlite-daemon.ts';

const DB_NOTE = 'database write failed: serving from memory';
const DISK_FULL = 'the disk holding the database is full';

type TinyDisk = { dir: string; skip: false } | { reason: string; skip: true };

/** Mounts an 8 MiB tmpfs on a fresh directory, or says why it cannot. */
function mountTinyDisk(): TinyDisk {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    return { skip: true, reason: 'mounting a tmpfs needs root on Linux' };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'oi-fault-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'oi-fault-disk', dir], {
      stdio: 'pipe',
    });
    return { skip: false, dir };
  } catch (error) {
    rmdirSync(dir);
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return { skip: true, reason: `mount -t tmpfs failed: ${stderr || String(error)}` };
  }
}

/** Writes a file until the file system has no free block left; returns its path. */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  try {
    let size = chunk.length;
    for (;;) {
      try {
        writeSync(fd, chunk, 0, size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        if (size === 1) break;
        size = Math.max(1, size >> 2);
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}

const disk = mountTinyDisk();
const chainJson = async (rig: FaultRig, id: string) =>
  (await rig.get(`/api/data/${id}`)).body as never as ChainJson;

describe.skipIf(disk.skip)(
  `the daemon when the disk fills up${disk.skip ? ` (skipped: ${disk.reason})` : ''}`,
  () => {
    const dir = disk.skip ? '' : disk.dir;
    const dbPath = path.join(dir, 'oi.db');
    let rig: FaultRig | undefined;
    let firstId: string;

    beforeAll(async () => {
      const started = await startFaultRig(dbPath, 82);
      rig = started.rig;
      firstId = started.first.body.position_id as string;
    }, 60_000);
    afterAll(async () => {
      await rig?.stop();
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' }); // something still has a file open there
      }
      rmdirSync(dir);
    });

    it('serves from memory, warns, refuses paper trades, then writes again once there is room', async () => {
      const { daemon } = rig!;
      await daemon.runCycles();
      const before = { NSE: storedCycles(dbPath, 'NSE'), BSE: storedCycles(dbPath, 'BSE') };
      expect(before.NSE).toBeGreaterThan(0);
      const warningsBefore = rig!.warnings.length;

      // An empty write-ahead log: the next commit has to allocate blocks for it.
      daemon.store.checkpoint();
      const filler = fillDisk(dir);
      expect(statfsSync(dir).bavail).toBe(0);

      await daemon.runCycles();
      const diskWarnings = rig!.warnings.slice(warningsBefore);
      expect(
        diskWarnings.some((line) =>
          line.includes(`could not store the cycle cycle of NSE not stored: ${DISK_FULL}`),
        ),
      ).toBe(true);
      for (const id of ['NSE', 'BSE']) {
        const chain = await chainJson(rig!, id);
        expect(chain.status, `${id} status`).toBe('Live');
        expect(chain.notes).toContain(DB_NOTE);
        expect(chain.call_options).toHaveLength(11);
      }
      const health = await rig!.get('/healthz');
      expect(health.status).toBe(503);
      expect((health.body.database as { ok: boolean; error: string }).error).toMatch(
        new RegExp(`^writes failing since .*: ${DISK_FULL}$`),
      );

      const refused = await rig!.order();
      expect([400, 503]).toContain(refused.status);
      expect(refused.body).toMatchObject({
        success: false,
        message: `the order was not placed: ${DISK_FULL}; try again shortly`,
      });
      const exit = await rig!.post('/api/exit', { position_id: firstId });
      expect([400, 503]).toContain(exit.status);
      expect(exit.body.message).toBe(`${firstId} was not closed: ${DISK_FULL}; try again shortly`);
      expect(integrityCheck(dbPath)).toBe('ok');
      expect(storedCycles(dbPath, 'NSE')).toBe(before.NSE);
      expect(storedCycles(dbPath, 'BSE')).toBe(before.BSE);

      unlinkSync(filler);
      await daemon.runCycles();

      for (const id of ['NSE', 'BSE']) expect((await chainJson(rig!, id)).notes).not.toContain(DB_NOTE);
      expect((await rig!.get('/healthz')).body.database).toMatchObject({ ok: true });
      expect(storedCycles(dbPath, 'NSE')).toBeGreaterThan(before.NSE);
      expect(storedCycles(dbPath, 'BSE')).toBeGreaterThan(before.BSE);
      const accepted = await rig!.order();
      expect(accepted.status).toBe(200);
      const secondId = accepted.body.position_id as string;
      expect(secondId).toBe(`NSE_P${String(Number(firstId.slice('NSE_P'.length)) + 1).padStart(4, '0')}`);
      expect((await rig!.post('/api/exit', { position_id: firstId })).status).toBe(200);
      expect(integrityCheck(dbPath)).toBe('ok');

      await rig!.stop();
      rig = undefined;
      expect(integrityCheck(dbPath)).toBe('ok');
      const reopened = OiStore.open(dbPath);
      try {
        const paper = reopened.paperStore();
        expect(paper.loadOpen().map((position) => position.id)).toEqual([secondId]);
        expect(paper.closedBetween(0, Number.MAX_SAFE_INTEGER).map((position) => position.id)).toEqual([
          firstId,
        ]);
        expect(reopened.underlyingHistory('NSE', 0).length).toBeGreaterThan(before.NSE);
      } finally {
        reopened.close();
      }
      expect([...storedPositions(dbPath).keys()].sort()).toEqual([firstId, secondId]);
    }, 60_000);
  },
);

describe('the paper store when the database cannot grow (max_page_count; no root needed)', () => {
  it('refuses the order that needs a new page, keeps every stored one, and stores again once allowed', () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-fault-pages-')), 'oi.db');
    const db = new Database(dbPath);
    try {
      migrate(db, dbPath);
      db.pragma('journal_mode = WAL');
      const paper = new PaperStore(db);
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);

      const stored: string[] = [];
      let refusal: unknown;
      for (let i = 0; i < 10_000 && refusal === undefined; i++) {
        try {
          stored.push(paper.openPosition(position(i)));
        } catch (error) {
          refusal = error;
        }
      }
      expect(refusal).toBeInstanceOf(StoreWriteError);
      expect(refusal).toBeInstanceOf(UserError);
      expect(refusal).toMatchObject({
        code: 'SQLITE_FULL',
        message: `the order was not placed: ${DISK_FULL}; try again shortly`,
      });
      expect(paper.loadOpen().map((row) => row.id)).toEqual(stored);

      db.pragma('max_page_count = 1000000');
      const next = paper.openPosition(position(stored.length));
      expect(next).toBe(`NSE_P${String(stored.length + 1).padStart(4, '0')}`);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    expect(integrityCheck(dbPath)).toBe('ok');
  });
});

function position(i: number) {
  return {
    chainId: 'NSE',
    owner: 'api',
    token: 1000 + i,
    symbol: `NIFTY26D01${25_000 + i}CE`,
    strike: 25_000 + i,
    type: 'CE' as const,
    side: 'BUY' as const,
    qty: 75,
    entryPaise: 10_000,
    entryTime: 1_000_000 + i,
    targetPaise: 2500,
    stopPaise: 2500,
  };
}
