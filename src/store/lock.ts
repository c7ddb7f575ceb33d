/**
 * One oi-tracker per database file: a `<db>.lock` file holding the owner's PID.
 *
 * The lock file is created with the `wx` flag (fails if it exists). An existing lock whose PID is
 * alive blocks the start with `StoreLockedError`; a lock left by a dead process (`kill -9`, power
 * loss) is taken over, so a crash never blocks the next start. On Linux the lock also records the
 * owner's start time, so a PID reused by an unrelated process after a reboot is recognised as stale.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Another live process (or this one) already has the database open. */
export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
  constructor(
    message: string,
    readonly path: string,
    readonly ownerPid: number,
  ) {
    super(message);
  }
}

export interface StoreLock {
  readonly lockPath: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

/** Lock files held by this process, by absolute database path. */
const heldHere = new Set<string>();

const MAX_ATTEMPTS = 5;

/** Takes the lock of the database at `dbPath`, or throws `StoreLockedError`. */
export function acquireStoreLock(dbPath: string): StoreLock {
  const absolute = resolve(dbPath);
  const lockPath = `${absolute}.lock`;
  if (heldHere.has(absolute)) {
    throw new StoreLockedError(
      `database ${dbPath} is already open in this process (pid ${process.pid}); close it before opening it again`,
      dbPath,
      process.pid,
    );
  }
  const content = `${process.pid}\n${startTimeOf(process.pid) ?? ''}\n`;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      writeFileSync(lockPath, content, { flag: 'wx', mode: 0o600 });
      heldHere.add(absolute);
      return { lockPath, release: () => releaseLock(absolute, lockPath, content) };
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    const existing = readLockFile(lockPath);
    if (existing === undefined) continue; // vanished meanwhile: try again
    if (existing === '' && attempt < MAX_ATTEMPTS) {
      sleepSync(20); // another process may be between creating the file and writing its PID
      continue;
    }
    const owner = parseOwner(existing);
    if (owner !== null && isOwnerAlive(owner)) {
      throw new StoreLockedError(
        `database ${dbPath} is in use by another oi-tracker (pid ${owner.pid}); stop it or set DB_PATH to another file`,
        dbPath,
        owner.pid,
      );
    }
    // Stale (dead owner, unreadable content): remove it unless someone replaced it meanwhile.
    if (readLockFile(lockPath) === existing) removeQuietly(lockPath);
  }
  throw new Error(`could not take the lock ${lockPath} after ${MAX_ATTEMPTS} attempts; remove it if stale`);
}

function releaseLock(absolute: string, lockPath: string, content: string): void {
  if (!heldHere.delete(absolute)) return;
  if (readLockFile(lockPath) === content) removeQuietly(lockPath);
}

interface LockOwner {
  pid: number;
  startTime: string | null;
}

function parseOwner(content: string): LockOwner | null {
  const [pidLine = '', startLine = ''] = content.split('\n');
  const pid = Number(pidLine.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const startTime = startLine.trim();
  return { pid, startTime: startTime === '' ? null : startTime };
}

/** True when the lock's owner is a running process other than this one. */
function isOwnerAlive(owner: LockOwner): boolean {
  // Our own PID in a lock we do not hold: a previous incarnation (containers reuse low PIDs).
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user; treat as alive.
    if (!isErrno(error, 'EPERM')) return false;
  }
  if (owner.startTime === null) return true;
  const actual = startTimeOf(owner.pid);
  // The PID was recycled by a process that started later than the lock's owner.
  return actual === null || actual === owner.startTime;
}

/** The process start time in clock ticks since boot (Linux /proc), or null elsewhere. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 of stat: starttime
  } catch {
    return null;
  }
}

function readLockFile(lockPath: string): string | undefined {
  try {
    return readFileSync(lockPath, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
