/** Alerts that grade themselves: what each alert is scored on, and its scores at each horizon. */
import type Database from 'better-sqlite3';
import { WriteGate } from './write-gate.ts';

export interface AlertSubject {
  alertId: string;
  /** `window:<minutes>` (an OI-breach line) or `rule:<chat>/<name>`. */
  source: string;
  chain: string;
  /** The alert's data time, UTC epoch ms. */
  at: number;
  /** The option of an option-level alert. */
  option: { token: number; strike: number; type: 'CE' | 'PE' } | null;
  basePrice: number | null;
  basePremium: number | null;
}

export interface StoredSubject extends AlertSubject {
  id: number;
  /** Horizons (minutes) already scored or found unscoreable. */
  done: number[];
}

export interface Score {
  horizon: number;
  underlyingMove: number | null;
  underlyingMovePct: number | null;
  premiumMove: number | null;
}

export interface ScoredSubject {
  source: string;
  chain: string;
  at: number;
  option: boolean;
  scores: Score[];
}

type SubjectRow = {
  id: number;
  alert_id: string;
  source: string;
  chain: string;
  at: number;
  token: number | null;
  strike: number | null;
  option_type: 'CE' | 'PE' | null;
  base_price: number | null;
  base_premium: number | null;
  done: string | null;
};

export class ScoreStore {
  private readonly insertSubjectStmt: Database.Statement;
  private readonly pendingStmt: Database.Statement;
  private readonly insertScoreStmt: Database.Statement;
  private readonly settleStmt: Database.Statement;
  private readonly sinceStmt: Database.Statement;
  private readonly pruneScoresStmt: Database.Statement;
  private readonly pruneSubjectsStmt: Database.Statement;
  private readonly addTx: (subjects: readonly AlertSubject[]) => void;
  private readonly scoreTx: (id: number, scores: readonly Score[], settled: boolean) => void;
  private readonly pruneTx: (ms: number) => number;

  constructor(
    db: Database.Database,
    private readonly gate = new WriteGate(db),
  ) {
    this.insertSubjectStmt = db.prepare(
      `INSERT INTO alert_subjects (alert_id, source, chain, at, token, strike, option_type, base_price, base_premium)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.pendingStmt = db.prepare(
      `SELECT s.*, (SELECT group_concat(horizon) FROM alert_scores WHERE subject = s.id) AS done
       FROM alert_subjects AS s WHERE s.pending = 1 AND s.chain = ? AND s.at <= ? ORDER BY s.at, s.id`,
    );
    this.insertScoreStmt = db.prepare(
      `INSERT INTO alert_scores (subject, horizon, underlying_move, underlying_move_pct, premium_move)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.settleStmt = db.prepare('UPDATE alert_subjects SET pending = 0 WHERE id = ?');
    this.sinceStmt = db.prepare(
      `SELECT s.id, s.source, s.chain, s.at, s.token, c.horizon, c.underlying_move, c.underlying_move_pct, c.premium_move
       FROM alert_subjects AS s LEFT JOIN alert_scores AS c ON c.subject = s.id
       WHERE s.at >= ? ORDER BY s.at, s.id, c.horizon`,
    );
    this.pruneScoresStmt = db.prepare(
      'DELETE FROM alert_scores WHERE subject IN (SELECT id FROM alert_subjects WHERE at < ?)',
    );
    this.pruneSubjectsStmt = db.prepare('DELETE FROM alert_subjects WHERE at < ?');
    this.addTx = db.transaction((subjects: readonly AlertSubject[]) => {
      for (const s of subjects) {
        this.insertSubjectStmt.run(
          s.alertId,
          s.source,
          s.chain,
          Math.round(s.at),
          s.option?.token ?? null,
          s.option?.strike ?? null,
          s.option?.type ?? null,
          s.basePrice,
          s.basePremium,
        );
      }
    });
    this.scoreTx = db.transaction((id: number, scores: readonly Score[], settled: boolean) => {
      for (const score of scores) {
        this.insertScoreStmt.run(
          id,
          score.horizon,
          score.underlyingMove,
          score.underlyingMovePct,
          score.premiumMove,
        );
      }
      if (settled) this.settleStmt.run(id);
    });
    this.pruneTx = db.transaction((ms: number) => {
      this.pruneScoresStmt.run(ms);
      return this.pruneSubjectsStmt.run(ms).changes;
    });
  }

  add(subjects: readonly AlertSubject[]): void {
    if (subjects.length === 0) return;
    this.gate.run(() => this.addTx(subjects), 'alert scoring subjects not saved');
  }

  /** The chain's subjects at or before `until` with a horizon still to score. */
  pending(chain: string, until: number): StoredSubject[] {
    return (this.pendingStmt.all(chain, Math.round(until)) as SubjectRow[]).map((row) => ({
      id: row.id,
      alertId: row.alert_id,
      source: row.source,
      chain: row.chain,
      at: row.at,
      option:
        row.token === null || row.strike === null || row.option_type === null
          ? null
          : { token: row.token, strike: row.strike, type: row.option_type },
      basePrice: row.base_price,
      basePremium: row.base_premium,
      done: row.done === null ? [] : row.done.split(',').map(Number),
    }));
  }

  /** Stores scores of a subject; `settled` when every horizon now has one. */
  score(id: number, scores: readonly Score[], settled: boolean): void {
    this.gate.run(() => this.scoreTx(id, scores, settled), 'alert scores not saved');
  }

  /** Every subject from `since` on (UTC epoch ms) with the scores it has, oldest first. */
  since(since: number): ScoredSubject[] {
    type Row = {
      id: number;
      source: string;
      chain: string;
      at: number;
      token: number | null;
      horizon: number | null;
      underlying_move: number | null;
      underlying_move_pct: number | null;
      premium_move: number | null;
    };
    const subjects: ScoredSubject[] = [];
    let last: ScoredSubject | undefined;
    let lastId = -1;
    for (const row of this.sinceStmt.all(Math.round(since)) as Row[]) {
      if (!last || row.id !== lastId) {
        last = { source: row.source, chain: row.chain, at: row.at, option: row.token !== null, scores: [] };
        lastId = row.id;
        subjects.push(last);
      }
      if (row.horizon !== null) {
        last.scores.push({
          horizon: row.horizon,
          underlyingMove: row.underlying_move,
          underlyingMovePct: row.underlying_move_pct,
          premiumMove: row.premium_move,
        });
      }
    }
    return subjects;
  }

  pruneBefore(ms: number): number {
    return this.gate.run(() => this.pruneTx(Math.round(ms)), 'old alert scores not deleted');
  }
}
