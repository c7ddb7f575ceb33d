/**
 * The alert outbox: every alert is written here before any notifier sees it, and each delivery (per
 * notifier and target) is marked once it went through, so a restart or a crash delivers what is left.
 */
import type Database from 'better-sqlite3';
import type { Alert } from '../alerts/alert.ts';
import { WriteGate } from './write-gate.ts';

/** An alert still owed to a notifier, with the instant it was written (UTC epoch ms). */
export interface PendingAlert {
  alert: Alert;
  createdAt: number;
}

type StoredAlert = Omit<Alert, 'image'> & { image?: { alt: string; filename: string } };

/** The target a notifier marks when it is done with an alert (delivered everywhere, or dropped). */
const DONE = '';

export class AlertOutboxStore {
  private readonly insertStmt: Database.Statement;
  private readonly markStmt: Database.Statement;
  private readonly targetsStmt: Database.Statement;
  private readonly finishStmt: Database.Statement;
  private readonly doneCountStmt: Database.Statement;
  private readonly pendingStmt: Database.Statement;
  private readonly pruneDeliveriesStmt: Database.Statement;
  private readonly pruneAlertsStmt: Database.Statement;
  private readonly pruneTx: (ms: number) => number;

  constructor(
    db: Database.Database,
    private readonly gate = new WriteGate(db),
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO alert_outbox (id, kind, created_at, data_time, alert, image) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.markStmt = db.prepare(
      `INSERT INTO alert_deliveries (alert_id, notifier, target, at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    this.targetsStmt = db
      .prepare('SELECT target FROM alert_deliveries WHERE alert_id = ? AND notifier = ?')
      .pluck();
    this.finishStmt = db.prepare('UPDATE alert_outbox SET finished = 1, image = NULL WHERE id = ?');
    this.doneCountStmt = db
      .prepare(
        `SELECT count(DISTINCT notifier) FROM alert_deliveries
         WHERE alert_id = ? AND target = '' AND notifier IN (SELECT value FROM json_each(?))`,
      )
      .pluck();
    this.pendingStmt = db.prepare(
      `SELECT o.created_at, o.alert, o.image FROM alert_outbox AS o
       WHERE o.finished = 0 AND NOT EXISTS (
         SELECT 1 FROM alert_deliveries AS d WHERE d.alert_id = o.id AND d.notifier = ? AND d.target = '')
       ORDER BY o.created_at, o.id`,
    );
    this.pruneDeliveriesStmt = db.prepare(
      'DELETE FROM alert_deliveries WHERE alert_id IN (SELECT id FROM alert_outbox WHERE created_at < ?)',
    );
    this.pruneAlertsStmt = db.prepare('DELETE FROM alert_outbox WHERE created_at < ?');
    this.pruneTx = db.transaction((ms: number) => {
      this.pruneDeliveriesStmt.run(ms);
      return this.pruneAlertsStmt.run(ms).changes;
    });
  }

  /** Writes the alert (its PNG too); a second write of the same id changes nothing. */
  add(alert: Alert, createdAt: number): void {
    const { image, ...rest } = alert;
    const stored: StoredAlert = image
      ? { ...rest, image: { alt: image.alt, filename: image.filename } }
      : rest;
    this.gate.run(
      () =>
        this.insertStmt.run(
          alert.id,
          alert.kind,
          Math.round(createdAt),
          Math.round(alert.dataTime),
          JSON.stringify(stored),
          image ? image.png : null,
        ),
      `alert ${alert.id} not written to the outbox`,
    );
  }

  /** Marks one target of one notifier delivered. */
  delivered(alertId: string, notifier: string, target: string, at: number): void {
    if (target === DONE) throw new RangeError('a delivery target cannot be empty');
    this.mark(alertId, notifier, target, at);
  }

  /** The targets `notifier` already delivered the alert to. */
  deliveredTargets(alertId: string, notifier: string): Set<string> {
    const targets = this.targetsStmt.all(alertId, notifier) as string[];
    return new Set(targets.filter((target) => target !== DONE));
  }

  /** Marks the alert done for `notifier`: delivered to every target, or given up for good (dropped). */
  done(alertId: string, notifier: string, at: number): void {
    this.mark(alertId, notifier, DONE, at);
  }

  /** Every notifier is done: the alert stays for the record (and the scorecard) without its PNG. */
  finish(alertId: string): void {
    this.gate.run(() => this.finishStmt.run(alertId), `alert ${alertId} not marked finished`);
  }

  /** Finishes the alert when every one of `notifiers` is done with it. */
  finishIfDone(alertId: string, notifiers: readonly string[]): void {
    const names = [...new Set(notifiers)];
    if ((this.doneCountStmt.get(alertId, JSON.stringify(names)) as number) >= names.length)
      this.finish(alertId);
  }

  /** The unfinished alerts `notifier` is not done with, oldest first. */
  pendingFor(notifier: string): PendingAlert[] {
    const rows = this.pendingStmt.all(notifier) as {
      created_at: number;
      alert: string;
      image: Buffer | null;
    }[];
    return rows.map((row) => {
      const stored = JSON.parse(row.alert) as StoredAlert;
      const { image, ...rest } = stored;
      const alert: Alert = image && row.image ? { ...rest, image: { ...image, png: row.image } } : rest;
      return { alert, createdAt: row.created_at };
    });
  }

  /** Deletes alerts written before `ms` with their delivery marks; answers how many alerts went. */
  pruneBefore(ms: number): number {
    return this.gate.run(() => this.pruneTx(Math.round(ms)), 'old alerts not deleted');
  }

  private mark(alertId: string, notifier: string, target: string, at: number): void {
    this.gate.run(
      () => this.markStmt.run(alertId, notifier, target, Math.round(at)),
      `delivery of alert ${alertId} not marked`,
    );
  }
}
