import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, SchemaTooNewError } from '../../src/store/migrations.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import { instrument, useTempDir } from './fixtures.ts';

const temp = useTempDir();
afterEach(() => temp.cleanup());

function inspect<T>(path: string, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

describe('OiStore.open: file and schema', () => {
  it('creates the parent directory and a 0600 database file in WAL mode with incremental auto-vacuum', () => {
    const path = join(temp.dir(), 'nested', 'data', 'oi-tracker.db');
    const store = OiStore.open(path);
    try {
      store.upsertInstruments([instrument(101, 'NSE', 24000, 'CE')]); // makes SQLite create the WAL
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
      expect(statSync(`${path}-shm`).mode & 0o777).toBe(0o600);
    } finally {
      store.close();
    }
    const settings = inspect(path, (db) => ({
      journal: db.pragma('journal_mode', { simple: true }),
      autoVacuum: db.pragma('auto_vacuum', { simple: true }),
      version: db.pragma('user_version', { simple: true }),
    }));
    expect(settings).toEqual({ journal: 'wal', autoVacuum: 2, version: SCHEMA_VERSION });
  });

  it('has the contract tables and the option_chain_snapshots view with its exact columns', () => {
    const path = temp.dbPath();
    OiStore.open(path).close();
    const { objects, viewColumns, metadataColumns } = inspect(path, (db) => ({
      objects: db
        .prepare("SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name")
        .all(),
      viewColumns: db.prepare("SELECT name FROM pragma_table_info('option_chain_snapshots')").pluck().all(),
      metadataColumns: db.prepare("SELECT name FROM pragma_table_info('exchange_metadata')").pluck().all(),
    }));
    expect(objects).toEqual([
      { type: 'table', name: 'alert_deliveries' },
      { type: 'table', name: 'alert_outbox' },
      { type: 'table', name: 'alert_rules' },
      { type: 'table', name: 'alert_scores' },
      { type: 'table', name: 'alert_subjects' },
      { type: 'table', name: 'alert_subscriptions' },
      { type: 'table', name: 'cycle_settings' },
      { type: 'table', name: 'cycles' },
      { type: 'table', name: 'exchange_metadata' },
      { type: 'table', name: 'instruments' },
      { type: 'table', name: 'kite_session' },
      { type: 'table', name: 'observations' },
      { type: 'view', name: 'option_chain_snapshots' },
      { type: 'table', name: 'paper_positions' },
      { type: 'table', name: 'paper_sequences' },
      { type: 'table', name: 'underlying_snapshots' },
    ]);
    expect(viewColumns).toEqual([
      'timestamp',
      'exchange',
      'strike',
      'option_type',
      'symbol',
      'oi',
      'ltp',
      'token',
    ]);
    expect(metadataColumns).toEqual(['exchange', 'last_update', 'last_underlying_price', 'last_atm']);
  });

  it('is idempotent: open, close and reopen keeps the schema and the data', () => {
    const path = temp.dbPath();
    const first = OiStore.open(path);
    first.upsertInstruments([instrument(101, 'NSE', 24000, 'CE')]);
    first.saveObservations([{ token: 101, time: 1_795_000_000_000, oi: 5, ltp: 1.5 }]);
    first.close();
    const schemaBefore = inspect(path, (db) =>
      db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').all(),
    );

    const second = OiStore.open(path);
    expect(second.loadObservations('NSE', 0).get(101)).toEqual([
      { time: 1_795_000_000_000, oi: 5, ltp: 1.5 },
    ]);
    second.close();
    OiStore.open(path).close();

    const after = inspect(path, (db) => ({
      schema: db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').all(),
      version: db.pragma('user_version', { simple: true }),
    }));
    expect(after).toEqual({ schema: schemaBefore, version: SCHEMA_VERSION });
  });

  it('keeps the mode of an existing file and refuses a database from a newer version', () => {
    const path = temp.dbPath();
    OiStore.open(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => OiStore.open(path)).toThrow(SchemaTooNewError);
    expect(() => OiStore.open(path)).toThrow(/newer than this oi-tracker knows/);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('refuses a path that is not a file', () => {
    expect(() => OiStore.open('')).toThrow(/needs the database file path/);
    expect(() => OiStore.open(':memory:')).toThrow(/plain file path/);
  });

  it('refuses a file that is not a database, releasing the lock', () => {
    const path = temp.dbPath();
    writeFileSync(path, 'not a database at all, just some text that is long enough to be a header');
    expect(() => OiStore.open(path)).toThrow(/not a database/);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});

describe('migrating a database from an earlier version', () => {
  it('adds the paper-trading tables to a version-1 database and keeps its data', () => {
    const path = temp.dbPath();
    const old = new Database(path);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO exchange_metadata (exchange, last_update) VALUES ('NSE', 1)").run();
    old.close();
    const store = OiStore.open(path);
    try {
      expect(store.lastUpdate('NSE')).toBe(1);
      expect(store.paperStore().loadOpen()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
