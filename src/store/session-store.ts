import type Database from 'better-sqlite3';
import type { SessionPort, StoredSession } from '../kite/session-port.ts';
import { WriteGate } from './write-gate.ts';

interface SessionRow {
  kind: 'access_token' | 'enctoken';
  api_key: string | null;
  token: string;
  user_id: string | null;
  saved_at: number;
}

/** The one Kite session row; the database file is readable by its owner only. */
export class SessionStore implements SessionPort {
  private readonly selectStmt: Database.Statement;
  private readonly upsertStmt: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly gate = new WriteGate(db),
  ) {
    this.selectStmt = db.prepare(
      'SELECT kind, api_key, token, user_id, saved_at FROM kite_session WHERE id = 1',
    );
    this.upsertStmt = db.prepare(
      `INSERT INTO kite_session (id, kind, api_key, token, user_id, saved_at) VALUES (1, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, api_key = excluded.api_key, token = excluded.token,
         user_id = excluded.user_id, saved_at = excluded.saved_at`,
    );
  }

  load(): StoredSession | null {
    const row = this.selectStmt.get() as SessionRow | undefined;
    if (!row) return null;
    return row.kind === 'access_token'
      ? { kind: 'access_token', apiKey: row.api_key ?? '', accessToken: row.token, savedAt: row.saved_at }
      : { kind: 'enctoken', enctoken: row.token, userId: row.user_id ?? '', savedAt: row.saved_at };
  }

  save(session: StoredSession): void {
    const row =
      session.kind === 'access_token'
        ? ['access_token', session.apiKey, session.accessToken, null, session.savedAt]
        : ['enctoken', null, session.enctoken, session.userId, session.savedAt];
    this.gate.run(() => this.upsertStmt.run(...row), 'Kite session not saved', '; try again shortly');
  }
}
