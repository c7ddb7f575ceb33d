/**
 * The market-data tables of one connection: instruments, observations, underlying snapshots and each
 * chain's metadata row, with the transactions that write them. Instants arrive as epoch ms (epoch
 * seconds where the caller already converted), prices as rupees; validation and the write gate are
 * the caller's (`OiStore`).
 */
import type Database from 'better-sqlite3';
import type { OiPoint } from '../tracker/types.ts';
import { toPaise, toStoredSeconds, unpackPoints } from './codec.ts';
import type { CycleStore } from './cycle-store.ts';
import type {
  CycleRecord,
  InstrumentRecord,
  ObservationRecord,
  PruneResult,
  UnderlyingPoint,
} from './types.ts';

/** A token and its observations as a JSON array of flat (seconds, oi, paise) triples, or null for none. */
type PackedObservations = [token: number, packed: string | null];

export class MarketTables {
  private readonly upsertInstrumentStmt: Database.Statement;
  private readonly upsertObservationStmt: Database.Statement;
  private readonly insertBackfillStmt: Database.Statement;
  private readonly upsertUnderlyingStmt: Database.Statement;
  private readonly upsertMetadataStmt: Database.Statement;
  private readonly lastUpdateStmt: Database.Statement;
  private readonly chainObservationsStmt: Database.Statement;
  private readonly underlyingHistoryStmt: Database.Statement;
  private readonly pruneObservationsStmt: Database.Statement;
  private readonly pruneUnderlyingStmt: Database.Statement;
  private readonly pruneInstrumentsStmt: Database.Statement;
  private readonly probeStmt: Database.Statement;

  /** One cycle in one transaction: observations (live data wins), the underlying snapshot, metadata, the published record. */
  readonly saveCycle: (cycle: CycleRecord) => void;
  /** Backfilled rows no stored row has the place of, in one transaction; answers those inserted. */
  readonly saveObservations: (
    rows: readonly ObservationRecord[],
    knownAt: number | null,
  ) => ObservationRecord[];
  readonly upsertInstruments: (rows: readonly InstrumentRecord[]) => void;
  /** Deletes what is older than `seconds` (instruments expired before `date` with no observation left). */
  readonly prune: (seconds: number, date: string) => PruneResult;

  constructor(
    db: Database.Database,
    private readonly cycles: CycleStore,
  ) {
    this.upsertInstrumentStmt = db.prepare(
      `INSERT INTO instruments (token, chain, symbol, strike, option_type, expiry, exchange, lot_size)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (token) DO UPDATE SET chain = excluded.chain, symbol = excluded.symbol,
         strike = excluded.strike, option_type = excluded.option_type, expiry = excluded.expiry,
         exchange = excluded.exchange, lot_size = excluded.lot_size`,
    );
    this.upsertObservationStmt = db.prepare(
      `INSERT INTO observations (token, time, oi, ltp_paise) VALUES (?, ?, ?, ?)
       ON CONFLICT (token, time) DO UPDATE SET oi = excluded.oi, ltp_paise = excluded.ltp_paise,
         known_at = NULL`,
    );
    this.insertBackfillStmt = db.prepare(
      `INSERT INTO observations (token, time, oi, ltp_paise, known_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (token, time) DO NOTHING`,
    );
    this.upsertUnderlyingStmt = db.prepare(
      `INSERT INTO underlying_snapshots (chain, time, price, atm, pcr) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (chain, time) DO UPDATE SET price = excluded.price, atm = excluded.atm, pcr = excluded.pcr`,
    );
    this.upsertMetadataStmt = db.prepare(
      `INSERT INTO exchange_metadata (exchange, last_update, last_underlying_price, last_atm)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (exchange) DO UPDATE SET last_update = excluded.last_update,
         last_underlying_price = excluded.last_underlying_price, last_atm = excluded.last_atm
       WHERE excluded.last_update >= exchange_metadata.last_update`,
    );
    this.lastUpdateStmt = db.prepare('SELECT last_update FROM exchange_metadata WHERE exchange = ?').pluck();
    // One row per instrument of the chain, its observations since the cutoff packed by SQLite into one
    // JSON array of (time, oi, ltp_paise) triples: a primary-key range scan per token, and far fewer
    // values crossing into JavaScript than one row per observation (about 2× faster to load).
    this.chainObservationsStmt = db
      .prepare(
        `SELECT i.token,
           (SELECT '[' || group_concat(o.time || ',' || o.oi || ',' || o.ltp_paise, ',') || ']'
            FROM observations AS o WHERE o.token = i.token AND o.time >= @since)
         FROM instruments AS i
         WHERE i.chain = @chain`,
      )
      .raw();
    this.underlyingHistoryStmt = db
      .prepare(
        'SELECT time, price, atm, pcr FROM underlying_snapshots WHERE chain = ? AND time >= ? ORDER BY time',
      )
      .raw();
    this.pruneObservationsStmt = db.prepare('DELETE FROM observations WHERE time < ?');
    this.pruneUnderlyingStmt = db.prepare('DELETE FROM underlying_snapshots WHERE time < ?');
    this.pruneInstrumentsStmt = db.prepare(
      `DELETE FROM instruments WHERE expiry < ?
       AND NOT EXISTS (SELECT 1 FROM observations AS o WHERE o.token = instruments.token)`,
    );

    this.probeStmt = db.prepare('SELECT count(*) FROM exchange_metadata').pluck();

    this.saveCycle = db.transaction((cycle: CycleRecord) => {
      for (const row of cycle.observations) this.bindObservation(this.upsertObservationStmt, row);
      const seconds = toStoredSeconds(cycle.time);
      if (cycle.underlyingSnapshot !== false && cycle.underlyingPrice !== null && cycle.atm !== null) {
        this.upsertUnderlyingStmt.run(
          cycle.chainId,
          seconds,
          cycle.underlyingPrice,
          cycle.atm,
          cycle.pcr ?? null,
        );
      }
      this.upsertMetadataStmt.run(cycle.chainId, Math.round(cycle.time), cycle.underlyingPrice, cycle.atm);
      if (cycle.published) this.cycles.insert(cycle.published);
    });
    this.saveObservations = db.transaction((rows: readonly ObservationRecord[], knownAt: number | null) =>
      this.insertBackfill(rows, knownAt),
    );
    this.upsertInstruments = db.transaction((rows: readonly InstrumentRecord[]) => {
      for (const r of rows) {
        this.upsertInstrumentStmt.run(
          r.token,
          r.chainId,
          r.symbol,
          r.strike,
          r.optionType,
          r.expiry,
          r.exchange,
          r.lotSize,
        );
      }
    });
    this.prune = db.transaction((seconds: number, date: string) => ({
      cycles: this.cycles.pruneBefore(seconds),
      observations: this.pruneObservationsStmt.run(seconds).changes,
      underlying: this.pruneUnderlyingStmt.run(seconds).changes,
      instruments: this.pruneInstrumentsStmt.run(date).changes,
    }));
  }

  /** Epoch ms of the chain's last saved cycle, or null when none was saved. */
  lastUpdate(chainId: string): number | null {
    const value = this.lastUpdateStmt.get(chainId) as number | undefined;
    return value ?? null;
  }

  /** Every observation of the chain's instruments from epoch second `since` on, by token, ascending time. */
  observationsSince(chainId: string, since: number): Map<number, OiPoint[]> {
    const rows = this.chainObservationsStmt.all({ since, chain: chainId }) as PackedObservations[];
    const byToken = new Map<number, OiPoint[]>();
    for (const [token, packed] of rows) {
      if (packed !== null) byToken.set(token, unpackPoints(JSON.parse(packed) as number[]));
    }
    return byToken;
  }

  /** The chain's underlying snapshots from epoch second `since` on, ascending time. */
  underlyingSince(chainId: string, since: number): UnderlyingPoint[] {
    const rows = this.underlyingHistoryStmt.all(chainId, since) as [number, number, number, number | null][];
    return rows.map(([time, price, atm, pcr]) => ({ time: time * 1000, price, atm, pcr }));
  }

  /** Reads one row: throws when the database cannot be read. */
  probe(): void {
    this.probeStmt.get();
  }

  /** Inserts the rows no stored row has the place of; answers those inserted. */
  private insertBackfill(rows: readonly ObservationRecord[], knownAt: number | null): ObservationRecord[] {
    const knownSeconds = knownAt === null ? null : toStoredSeconds(knownAt);
    return rows.filter(
      (row) =>
        this.insertBackfillStmt.run(
          row.token,
          toStoredSeconds(row.time),
          Math.round(row.oi),
          toPaise(row.ltp),
          knownSeconds,
        ).changes > 0,
    );
  }

  private bindObservation(stmt: Database.Statement, row: ObservationRecord): void {
    stmt.run(row.token, toStoredSeconds(row.time), Math.round(row.oi), toPaise(row.ltp));
  }
}
