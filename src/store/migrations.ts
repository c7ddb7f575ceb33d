/**
 * The schema, as an ordered list of SQL steps numbered by `PRAGMA user_version`.
 *
 * Step N (1-based) brings a database from version N - 1 to N. A step is never edited once released:
 * changes go in a new step appended at the end. Each step runs in its own transaction together with
 * the version bump, so a crash mid-migration leaves the previous version intact.
 */
import type Database from 'better-sqlite3';

/** Seconds added to UTC epoch seconds to read the IST wall clock (05:30). */
const IST_OFFSET_SECONDS = 19_800;

export const MIGRATIONS: readonly string[] = [
  // 1: instruments, compact observations, underlying snapshots, per-chain metadata, diagnostic view.
  `
  CREATE TABLE instruments (
    token       INTEGER PRIMARY KEY,
    chain       TEXT    NOT NULL,
    symbol      TEXT    NOT NULL,
    strike      REAL    NOT NULL,
    option_type TEXT    NOT NULL CHECK (option_type IN ('CE', 'PE')),
    expiry      TEXT    NOT NULL,
    exchange    TEXT    NOT NULL,
    lot_size    INTEGER NOT NULL
  );
  CREATE INDEX instruments_by_chain ON instruments (chain, token);

  -- time: UTC epoch seconds; ltp_paise: last price in paise (1/100 rupee), exact and small.
  CREATE TABLE observations (
    token     INTEGER NOT NULL,
    time      INTEGER NOT NULL,
    oi        INTEGER NOT NULL,
    ltp_paise INTEGER NOT NULL,
    PRIMARY KEY (token, time)
  ) WITHOUT ROWID;

  -- time: UTC epoch seconds.
  CREATE TABLE underlying_snapshots (
    chain TEXT    NOT NULL,
    time  INTEGER NOT NULL,
    price REAL    NOT NULL,
    atm   REAL    NOT NULL,
    PRIMARY KEY (chain, time)
  ) WITHOUT ROWID;

  -- One row per chain; last_update: UTC epoch milliseconds of the last saved cycle.
  CREATE TABLE exchange_metadata (
    exchange              TEXT PRIMARY KEY,
    last_update           INTEGER NOT NULL,
    last_underlying_price REAL,
    last_atm              REAL
  );

  -- Seed-compatible diagnostic view: one row per observation, IST timestamps, prices in rupees.
  CREATE VIEW option_chain_snapshots AS
  SELECT
    strftime('%Y-%m-%dT%H:%M:%S+05:30', o.time + ${IST_OFFSET_SECONDS}, 'unixepoch') AS timestamp,
    i.chain AS exchange,
    i.strike AS strike,
    i.option_type AS option_type,
    i.symbol AS symbol,
    o.oi AS oi,
    o.ltp_paise / 100.0 AS ltp,
    o.token AS token
  FROM observations AS o
  JOIN instruments AS i ON i.token = o.token;
  `,
  // 2: the paper-trading book. Prices in paise; times UTC epoch milliseconds; ids never reused.
  `
  CREATE TABLE paper_sequences (
    chain    TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
  );

  CREATE TABLE paper_positions (
    id             TEXT    PRIMARY KEY,
    chain          TEXT    NOT NULL,
    owner          TEXT    NOT NULL,
    token          INTEGER NOT NULL,
    symbol         TEXT    NOT NULL,
    strike         REAL    NOT NULL,
    option_type    TEXT    NOT NULL CHECK (option_type IN ('CE', 'PE')),
    side           TEXT    NOT NULL CHECK (side IN ('BUY', 'SELL')),
    qty            INTEGER NOT NULL CHECK (qty > 0),
    entry_paise    INTEGER NOT NULL,
    entry_time     INTEGER NOT NULL,
    target_paise   INTEGER NOT NULL,
    stop_paise     INTEGER NOT NULL,
    exit_paise     INTEGER,
    exit_time      INTEGER,
    exit_reason    TEXT,
    realized_paise INTEGER
  );
  CREATE INDEX paper_positions_open ON paper_positions (chain) WHERE exit_time IS NULL;
  CREATE INDEX paper_positions_closed ON paper_positions (exit_time, owner, chain) WHERE exit_time IS NOT NULL;
  `,
  // 3: which chats get alerts. muted_until: UTC epoch milliseconds, 0 when not muted.
  `
  CREATE TABLE alert_subscriptions (
    chat        TEXT    PRIMARY KEY,
    enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    muted_until INTEGER NOT NULL DEFAULT 0
  );
  `,
  // 4: each cycle's PCR over the shown strikes, for the PCR-through-the-day chart.
  `
  ALTER TABLE underlying_snapshots ADD COLUMN pcr REAL;
  `,
  // 5: the Kite session set from chat (/token, /enctoken); one row. saved_at: UTC epoch ms.
  `
  CREATE TABLE kite_session (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    kind     TEXT    NOT NULL CHECK (kind IN ('access_token', 'enctoken')),
    api_key  TEXT,
    token    TEXT    NOT NULL,
    user_id  TEXT,
    saved_at INTEGER NOT NULL
  );
  `,
  // 6: what each published cycle read besides its observations, so any past cycle can be recomputed
  // exactly. time and history_since: UTC epoch seconds. known_at: for a backfilled observation, the
  // second of the first cycle that used it (NULL for a live one, known at its own time).
  `
  ALTER TABLE observations ADD COLUMN known_at INTEGER;

  -- The settings a cycle computed with (JSON), shared by the cycles that used them.
  CREATE TABLE cycle_settings (
    id       INTEGER PRIMARY KEY,
    settings TEXT    NOT NULL UNIQUE
  );

  -- One row per chain, second and expiry tracked (EXPIRIES_TRACKED); expiry '' when none was known;
  -- expiry_rank: 0 for the nearest expiry then, 1 for the next, …
  CREATE TABLE cycles (
    chain             TEXT    NOT NULL,
    time              INTEGER NOT NULL,
    expiry            TEXT    NOT NULL,
    expiry_rank       INTEGER NOT NULL,
    status            TEXT    NOT NULL,
    price             REAL,
    underlying_change REAL,
    pcr_all           REAL,
    max_pain          REAL,
    support           REAL,
    resistance        REAL,
    notes             TEXT,
    history_since     INTEGER NOT NULL,
    settings          INTEGER NOT NULL REFERENCES cycle_settings (id),
    PRIMARY KEY (chain, time, expiry)
  ) WITHOUT ROWID;
  `,
  // 7: the alert outbox: every alert is written before any notifier sees it. created_at, data_time and
  // at: UTC epoch ms. alert: the alert as JSON without its PNG (kept in image until every notifier is
  // done). A delivery row with target '' means that notifier is done with the alert (or dropped it).
  `
  CREATE TABLE alert_outbox (
    id         TEXT    PRIMARY KEY,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    data_time  INTEGER NOT NULL,
    alert      TEXT    NOT NULL,
    image      BLOB,
    finished   INTEGER NOT NULL DEFAULT 0 CHECK (finished IN (0, 1))
  );
  CREATE INDEX alert_outbox_open ON alert_outbox (created_at) WHERE finished = 0;
  CREATE INDEX alert_outbox_by_time ON alert_outbox (created_at);

  CREATE TABLE alert_deliveries (
    alert_id TEXT    NOT NULL,
    notifier TEXT    NOT NULL,
    target   TEXT    NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (alert_id, notifier, target)
  ) WITHOUT ROWID;
  `,
  // 8: alert rules written in chat (/rule add), with their live state so a restart neither loses nor
  // repeats a firing. cooldown_minutes NULL: ALERT_COOLDOWN_MINUTES. created_at, last_fired: UTC epoch ms.
  `
  CREATE TABLE alert_rules (
    chat             TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    chain            TEXT    NOT NULL,
    condition        TEXT    NOT NULL,
    cooldown_minutes INTEGER,
    broadcast        INTEGER NOT NULL CHECK (broadcast IN (0, 1)),
    enabled          INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    created_at       INTEGER NOT NULL,
    armed            INTEGER NOT NULL DEFAULT 1 CHECK (armed IN (0, 1)),
    last_fired       INTEGER,
    PRIMARY KEY (chat, name)
  ) WITHOUT ROWID;
  `,
  // 9: alerts that grade themselves. A subject is what one OI-breach line or rule alert is scored on:
  // source 'window:<minutes>' or 'rule:<chat>/<name>'; at: the alert's data time (UTC epoch ms); the
  // option (token, strike, side) for an option-level alert; base_*: the underlying and the premium then.
  // A score per horizon (minutes): the moves at the latest stored cycle at or before at + horizon on the
  // same day; all NULL when there is none (past the close).
  `
  CREATE TABLE alert_subjects (
    id           INTEGER PRIMARY KEY,
    alert_id     TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    chain        TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    token        INTEGER,
    strike       REAL,
    option_type  TEXT,
    base_price   REAL,
    base_premium REAL,
    pending      INTEGER NOT NULL DEFAULT 1 CHECK (pending IN (0, 1))
  );
  CREATE INDEX alert_subjects_pending ON alert_subjects (at) WHERE pending = 1;
  CREATE INDEX alert_subjects_by_time ON alert_subjects (at);

  CREATE TABLE alert_scores (
    subject             INTEGER NOT NULL,
    horizon             INTEGER NOT NULL,
    underlying_move     REAL,
    underlying_move_pct REAL,
    premium_move        REAL,
    PRIMARY KEY (subject, horizon)
  ) WITHOUT ROWID;
  `,
];

/** The schema version this code writes: the number of migration steps. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The database was written by a newer oi-tracker than this one. */
export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
}

/**
 * Brings `db` to `SCHEMA_VERSION`, one transaction per pending step. Running it on an up-to-date
 * database does nothing. Returns the number of steps applied.
 */
export function migrate(db: Database.Database, path: string): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new SchemaTooNewError(
      `database ${path} has schema version ${current}, newer than this oi-tracker knows (${SCHEMA_VERSION}); ` +
        'upgrade oi-tracker or set DB_PATH to another file',
    );
  }
  if (current === 0 && isEmpty(db)) {
    // Must precede the first table; lets pruneBefore() hand freed pages back to the file system.
    db.pragma('auto_vacuum = INCREMENTAL');
  }
  let applied = 0;
  for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
    const sql = MIGRATIONS[version - 1]!;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
    applied++;
  }
  return applied;
}

function isEmpty(db: Database.Database): boolean {
  return db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() === 0;
}
