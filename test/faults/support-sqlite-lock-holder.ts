/**
 * Child process of sqlite-lock.test.ts: another program writing to the daemon's database. It opens
 * the file, takes the write lock with `BEGIN IMMEDIATE`, writes `locked` on stdout and holds the
 * lock until a line arrives on stdin, then rolls back, writes `released` and exits.
 */
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: support-sqlite-lock-holder.ts <db path>');
const db = new Database(dbPath, { fileMustExist: true });
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\n');
createInterface({ input: process.stdin }).once('line', () => {
  db.exec('ROLLBACK');
  db.close();
  process.stdout.write('released\n');
  process.exit(0);
});
