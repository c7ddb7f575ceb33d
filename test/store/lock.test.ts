import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreLockedError } from '../../src/store/lock.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import { useTempDir } from './fixtures.ts';

const temp = useTempDir();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  temp.cleanup();
});

/** A PID that no running process has: a child that already exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(result.stdout.toString());
}

/** Starts another oi-tracker-like process holding the store open; resolves once it has the lock. */
async function childHoldingStore(path: string): Promise<ChildProcess> {
  const script = `
    import { OiStore } from './src/store/oi-store.ts';
    OiStore.open(${JSON.stringify(path)});
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${stderr}`)));
  });
  return child;
}

describe('store lock', () => {
  it('writes the owner PID to <db>.lock and removes it on close', () => {
    const path = temp.dbPath();
    const store = OiStore.open(path);
    expect(readFileSync(`${path}.lock`, 'utf8').split('\n')[0]).toBe(String(process.pid));
    store.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('refuses a second open in the same process until the first is closed', () => {
    const path = temp.dbPath();
    const store = OiStore.open(path);
    expect(() => OiStore.open(path)).toThrow(StoreLockedError);
    expect(() => OiStore.open(path)).toThrow(/already open in this process/);
    store.close();
    OiStore.open(path).close();
  });

  it('refuses when another live oi-tracker holds the database, and starts after it was killed with -9', async () => {
    const path = temp.dbPath();
    const child = await childHoldingStore(path);

    let error: unknown;
    try {
      OiStore.open(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as StoreLockedError).message).toBe(
      `database ${path} is in use by another oi-tracker (pid ${child.pid}); stop it or set DB_PATH to another file`,
    );
    expect((error as StoreLockedError).ownerPid).toBe(child.pid);

    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(existsSync(`${path}.lock`)).toBe(true); // left behind by the killed process

    const store = OiStore.open(path);
    expect(readFileSync(`${path}.lock`, 'utf8').split('\n')[0]).toBe(String(process.pid));
    store.close();
  });

  it('refuses while the PID in the lock file is a live process', async () => {
    const path = temp.dbPath();
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(sleeper);
    await once(sleeper, 'spawn');
    writeFileSync(`${path}.lock`, `${sleeper.pid}\n`);
    expect(() => OiStore.open(path)).toThrow(`is in use by another oi-tracker (pid ${sleeper.pid})`);
  });

  it('takes over a stale lock whose PID is not running', () => {
    const path = temp.dbPath();
    writeFileSync(`${path}.lock`, `${deadPid()}\n`);
    const store = OiStore.open(path);
    expect(readFileSync(`${path}.lock`, 'utf8').split('\n')[0]).toBe(String(process.pid));
    store.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('takes over a lock with unreadable content, or a PID reused by a later process', () => {
    const path = temp.dbPath();
    writeFileSync(`${path}.lock`, 'garbage\n');
    OiStore.open(path).close();

    // Our parent is alive, but it did not start at the recorded tick: the PID was recycled.
    writeFileSync(`${path}.lock`, `${process.ppid}\n1\n`);
    const canReadProc = existsSync(`/proc/${process.ppid}/stat`);
    if (canReadProc) {
      OiStore.open(path).close();
    } else {
      expect(() => OiStore.open(path)).toThrow(StoreLockedError);
    }
  });
});
