/**
 * `npm run backup -- <file>`: a consistent copy of the database (DB_PATH), taken while the daemon runs.
 *
 * SQLite's online backup through a read-only connection: it takes no store lock (`<db>.lock`, see
 * src/store/lock.ts), and in WAL mode its read transaction does not block the daemon's writes. The copy
 * is made in one backup step, so it is one snapshot: a backup made step by step starts over whenever
 * another connection writes between two steps, which the daemon does every cycle.
 *
 * The copy is written to a private (0600: it holds the Kite session) temporary file beside the
 * destination, checked with `PRAGMA integrity_check`, switched to a rollback journal so it is one
 * self-contained file, then renamed over the destination: a failed backup leaves no partial file.
 */
import { closeSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { ConfigError } from '../src/errors.ts';

/** Every page in the step after the first (better-sqlite3 clamps the count to this). */
const ALL_PAGES = 0x7fffffff;
/** How long the read-only connection waits for a lock (only WAL recovery takes one from readers). */
const BUSY_TIMEOUT_MS = 5000;

/** A failure meant for the operator: one line, exit 1. */
class BackupError extends Error {}

function usage(): never {
  process.stderr.write(
    'usage: npm run backup -- <file>   (copies the database at DB_PATH, from the environment or .env)\n',
  );
  process.exit(2);
}

function sourcePath(): string {
  try {
    return path.resolve(loadConfig().store.path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`backup: ${error.message}\n`);
    process.exit(2);
  }
}

function requireDatabaseFile(source: string): void {
  let isFile = false;
  try {
    isFile = statSync(source).isFile();
  } catch {
    // reported below
  }
  if (!isFile) throw new BackupError(`no database at ${source}; set DB_PATH to the daemon's database`);
}

const REASONS: Record<string, string> = {
  ENOENT: 'its directory does not exist',
  ENOTDIR: 'a part of its directory is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** Creates the temporary copy's file, private to its owner, or says why the destination is unwritable. */
function createPrivateFile(file: string, destination: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new BackupError(`cannot write ${destination}: ${REASONS[code] ?? (error as Error).message}`);
  }
}

async function copyDatabase(source: string, copy: string): Promise<void> {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await db.backup(copy, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
}

function finishCopy(copy: string): void {
  const db = new Database(copy, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new BackupError(`the copy failed its integrity check: ${String(result)}`);
  } finally {
    db.close();
  }
}

/** Copies the database at `source` to `destination`; returns the copy's size in bytes. */
async function backupDatabase(source: string, destination: string): Promise<number> {
  requireDatabaseFile(source);
  if (path.resolve(destination) === source) throw new BackupError(`${destination} is the database itself`);
  const copy = path.join(path.dirname(destination), `.${path.basename(destination)}.${process.pid}.partial`);
  createPrivateFile(copy, destination);
  try {
    await copyDatabase(source, copy);
    finishCopy(copy);
    renameSync(copy, destination);
  } catch (error) {
    rmSync(copy, { force: true });
    rmSync(`${copy}-journal`, { force: true });
    throw error;
  }
  return statSync(destination).size;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0]!.startsWith('-')) usage();
  const destination = path.resolve(args[0]!);
  const source = sourcePath();
  try {
    const bytes = await backupDatabase(source, destination);
    process.stdout.write(`backup: ${source} copied to ${destination} (${formatBytes(bytes)})\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`backup: ${error instanceof BackupError ? '' : 'failed: '}${message}\n`);
    process.exit(1);
  }
}

await main();
