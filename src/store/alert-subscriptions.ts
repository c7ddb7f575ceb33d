import type Database from 'better-sqlite3';
import { WriteGate } from './write-gate.ts';

export interface AlertSubscription {
  chat: string;
  enabled: boolean;
  /** UTC epoch ms until which alerts are held back; 0 when not muted. */
  mutedUntil: number;
}

/** Which chats turned alerts on, and their mutes; kept across restarts. */
export class AlertSubscriptionStore {
  private readonly select: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly selectEnabled: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly gate = new WriteGate(db),
  ) {
    this.select = db.prepare('SELECT chat, enabled, muted_until FROM alert_subscriptions WHERE chat = ?');
    this.upsert = db.prepare(
      `INSERT INTO alert_subscriptions (chat, enabled, muted_until) VALUES (?, ?, ?)
       ON CONFLICT (chat) DO UPDATE SET enabled = excluded.enabled, muted_until = excluded.muted_until`,
    );
    this.selectEnabled = db.prepare(
      'SELECT chat, enabled, muted_until FROM alert_subscriptions WHERE enabled = 1',
    );
  }

  get(chat: string): AlertSubscription {
    const row = this.select.get(chat) as { chat: string; enabled: number; muted_until: number } | undefined;
    return row
      ? { chat, enabled: row.enabled === 1, mutedUntil: row.muted_until }
      : { chat, enabled: false, mutedUntil: 0 };
  }

  set(subscription: AlertSubscription): void {
    this.gate.run(
      () => this.upsert.run(subscription.chat, subscription.enabled ? 1 : 0, subscription.mutedUntil),
      'alert setting not saved',
      '; try again shortly',
    );
  }

  /** Chats that want alerts now: enabled, and not muted at `now` unless `includeMuted` (urgent alerts). */
  recipients(now: number, includeMuted = false): string[] {
    return (this.selectEnabled.all() as { chat: string; muted_until: number }[])
      .filter((row) => includeMuted || row.muted_until <= now)
      .map((row) => row.chat);
  }
}
