/**
 * What each published cycle read besides its observations (whole-chain figures, notes, status, the
 * settings it computed with), and the reads that bring a past cycle back: the cycle itself, the
 * instruments of its expiry and the observations it could see.
 */
import type Database from 'better-sqlite3';
import { fromPaise, toStoredSeconds } from './codec.ts';
import type { CycleSettings, InstrumentRecord, StoredCycle, StoredSeries } from './types.ts';

type CycleRow = [
  chain: string,
  time: number,
  expiry: string,
  expiryRank: number,
  status: string,
  price: number | null,
  underlyingChange: number | null,
  pcrAll: number | null,
  maxPain: number | null,
  support: number | null,
  resistance: number | null,
  notes: string | null,
  historySince: number,
  settings: string,
];

const CYCLE_COLUMNS = `c.chain, c.time, c.expiry, c.expiry_rank, c.status, c.price, c.underlying_change, c.pcr_all, c.max_pain,
  c.support, c.resistance, c.notes, c.history_since, s.settings`;
const FROM_CYCLES = 'FROM cycles AS c JOIN cycle_settings AS s ON s.id = c.settings';

/** Settings are shared by many cycles: each text is parsed once and the object shared (read-only). */
const SETTINGS = new Map<string, CycleSettings>();
function parsedSettings(text: string): CycleSettings {
  let settings = SETTINGS.get(text);
  if (!settings) {
    settings = JSON.parse(text) as CycleSettings;
    if (SETTINGS.size > 100) SETTINGS.clear();
    SETTINGS.set(text, settings);
  }
  return settings;
}

function cycleOf(row: CycleRow): StoredCycle {
  const [
    chainId,
    time,
    expiry,
    expiryRank,
    status,
    price,
    change,
    pcrAll,
    maxPain,
    support,
    resistance,
    notes,
  ] = row;
  return {
    chainId,
    time: time * 1000,
    expiry: expiry === '' ? null : expiry,
    expiryRank,
    status,
    underlyingPrice: price,
    underlyingChange: change,
    pcrAll,
    maxPain,
    support,
    resistance,
    notes: notes === null ? [] : (JSON.parse(notes) as string[]),
    historySince: row[12] * 1000,
    settings: parsedSettings(row[13]),
  };
}

export class CycleStore {
  private readonly insertSettingsStmt: Database.Statement;
  private readonly settingsIdStmt: Database.Statement;
  private readonly insertCycleStmt: Database.Statement;
  private readonly atOrBeforeStmt: Database.Statement;
  private readonly expiryAtOrBeforeStmt: Database.Statement;
  private readonly firstFromStmt: Database.Statement;
  private readonly betweenStmt: Database.Statement;
  private readonly instrumentsStmt: Database.Statement;
  private readonly pointsStmt: Database.Statement;
  private readonly pruneCyclesStmt: Database.Statement;
  private readonly pruneSettingsStmt: Database.Statement;

  constructor(db: Database.Database) {
    this.insertSettingsStmt = db.prepare(
      'INSERT INTO cycle_settings (settings) VALUES (?) ON CONFLICT (settings) DO NOTHING',
    );
    this.settingsIdStmt = db.prepare('SELECT id FROM cycle_settings WHERE settings = ?').pluck();
    this.insertCycleStmt = db.prepare(
      `INSERT INTO cycles (chain, time, expiry, expiry_rank, status, price, underlying_change, pcr_all, max_pain, support,
         resistance, notes, history_since, settings)
       VALUES (@chain, @time, @expiry, @expiryRank, @status, @price, @change, @pcrAll, @maxPain, @support, @resistance,
         @notes, @historySince, @settings)
       ON CONFLICT (chain, time, expiry) DO UPDATE SET expiry_rank = excluded.expiry_rank, status = excluded.status,
         price = excluded.price, underlying_change = excluded.underlying_change, pcr_all = excluded.pcr_all,
         max_pain = excluded.max_pain, support = excluded.support, resistance = excluded.resistance,
         notes = excluded.notes, history_since = excluded.history_since, settings = excluded.settings`,
    );
    this.atOrBeforeStmt = db
      .prepare(
        `SELECT ${CYCLE_COLUMNS} ${FROM_CYCLES}
         WHERE c.chain = ? AND c.time <= ? AND c.time >= ? AND c.expiry_rank = ? ORDER BY c.time DESC LIMIT 1`,
      )
      .raw();
    this.expiryAtOrBeforeStmt = db
      .prepare(
        `SELECT ${CYCLE_COLUMNS} ${FROM_CYCLES}
         WHERE c.chain = ? AND c.time <= ? AND c.time >= ? AND c.expiry = ? ORDER BY c.time DESC LIMIT 1`,
      )
      .raw();
    this.firstFromStmt = db
      .prepare(
        `SELECT ${CYCLE_COLUMNS} ${FROM_CYCLES}
         WHERE c.chain = ? AND c.time >= ? AND c.time < ? ORDER BY c.time LIMIT 1`,
      )
      .raw();
    this.betweenStmt = db
      .prepare(
        `SELECT ${CYCLE_COLUMNS} ${FROM_CYCLES}
         WHERE c.chain = ? AND c.time >= ? AND c.time <= ? ORDER BY c.time, c.expiry`,
      )
      .raw();
    this.instrumentsStmt = db.prepare(
      `SELECT token, chain AS chainId, symbol, strike, option_type AS optionType, expiry, exchange,
         lot_size AS lotSize
       FROM instruments WHERE chain = ? AND expiry = ?`,
    );
    this.pointsStmt = db
      .prepare(
        // One JSON array of (time, oi, paise, known_at or -1) per token: far fewer values cross into JavaScript.
        `SELECT '[' || group_concat(time || ',' || oi || ',' || ltp_paise || ',' || ifnull(known_at, -1), ',') || ']'
         FROM (SELECT time, oi, ltp_paise, known_at FROM observations
               WHERE token = ? AND time >= ? AND time <= ? ORDER BY time)`,
      )
      .pluck();
    this.pruneCyclesStmt = db.prepare('DELETE FROM cycles WHERE time < ?');
    this.pruneSettingsStmt = db.prepare(
      'DELETE FROM cycle_settings WHERE id NOT IN (SELECT DISTINCT settings FROM cycles)',
    );
  }

  /** Writes one cycle's row; called inside the store's cycle transaction. */
  insert(cycle: StoredCycle): void {
    this.insertCycleStmt.run({
      chain: cycle.chainId,
      time: toStoredSeconds(cycle.time),
      expiry: cycle.expiry ?? '',
      expiryRank: cycle.expiryRank,
      status: cycle.status,
      price: cycle.underlyingPrice,
      change: cycle.underlyingChange,
      pcrAll: cycle.pcrAll,
      maxPain: cycle.maxPain,
      support: cycle.support,
      resistance: cycle.resistance,
      notes: cycle.notes.length === 0 ? null : JSON.stringify(cycle.notes),
      historySince: toStoredSeconds(cycle.historySince),
      settings: this.settingsId(cycle.settings),
    });
  }

  /**
   * The chain's latest cycle at or before `ms` and at or after `sinceMs` of the chosen expiry: by its
   * rank then (0 the nearest, the default) or by its date; or null.
   */
  atOrBefore(
    chainId: string,
    ms: number,
    sinceMs: number,
    choice: { rank: number } | { date: string } = { rank: 0 },
  ): StoredCycle | null {
    const range = [chainId, toStoredSeconds(ms), Math.ceil(sinceMs / 1000)];
    const row = (
      'rank' in choice
        ? this.atOrBeforeStmt.get(...range, choice.rank)
        : this.expiryAtOrBeforeStmt.get(...range, choice.date)
    ) as CycleRow | undefined;
    return row ? cycleOf(row) : null;
  }

  /** The chain's first cycle in [fromMs, beforeMs), or null. */
  first(chainId: string, fromMs: number, beforeMs: number): StoredCycle | null {
    const row = this.firstFromStmt.get(chainId, Math.ceil(fromMs / 1000), Math.ceil(beforeMs / 1000)) as
      CycleRow | undefined;
    return row ? cycleOf(row) : null;
  }

  /** The chain's cycles in [fromMs, toMs], ascending by time, then nearest expiry first. */
  between(chainId: string, fromMs: number, toMs: number): StoredCycle[] {
    const rows = this.betweenStmt.all(chainId, Math.ceil(fromMs / 1000), toStoredSeconds(toMs)) as CycleRow[];
    return rows.map(cycleOf);
  }

  /** The instruments of one expiry of the chain that were ever tracked. */
  instruments(chainId: string, expiry: string): InstrumentRecord[] {
    return this.instrumentsStmt.all(chainId, expiry) as InstrumentRecord[];
  }

  /** Every stored observation of each token in [fromMs, toMs], ascending, with when it became known. */
  points(tokens: readonly number[], fromMs: number, toMs: number): Map<number, StoredSeries> {
    const from = Math.ceil(fromMs / 1000);
    const to = toStoredSeconds(toMs);
    const byToken = new Map<number, StoredSeries>();
    for (const token of tokens) {
      const packed = this.pointsStmt.get(token, from, to) as string | null;
      const flat = packed === null ? [] : (JSON.parse(packed) as number[]);
      const count = flat.length / 4;
      const series: StoredSeries = {
        time: new Float64Array(count),
        oi: new Float64Array(count),
        ltp: new Float64Array(count),
        knownAt: new Float64Array(count),
      };
      for (let k = 0, j = 0; j < count; k += 4, j++) {
        series.time[j] = flat[k]! * 1000;
        series.oi[j] = flat[k + 1]!;
        series.ltp[j] = fromPaise(flat[k + 2]!);
        series.knownAt[j] = flat[k + 3]! < 0 ? -1 : flat[k + 3]! * 1000;
      }
      byToken.set(token, series);
    }
    return byToken;
  }

  /** Deletes cycles older than `seconds` and settings no cycle uses; inside the store's prune transaction. */
  pruneBefore(seconds: number): number {
    const deleted = this.pruneCyclesStmt.run(seconds).changes;
    if (deleted > 0) this.pruneSettingsStmt.run();
    return deleted;
  }

  private settingsId(settings: CycleSettings): number {
    const text = JSON.stringify(settings);
    this.insertSettingsStmt.run(text);
    return this.settingsIdStmt.get(text) as number;
  }
}
