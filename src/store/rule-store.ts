/** Alert rules written in chat, with their live state (armed, last firing), kept across restarts. */
import type Database from 'better-sqlite3';
import type { AlertRule } from '../rules/rule.ts';
import type { RuleState } from '../rules/rule-gate.ts';
import { WriteGate } from './write-gate.ts';

type RuleRow = {
  chat: string;
  name: string;
  chain: string;
  condition: string;
  cooldown_minutes: number | null;
  broadcast: number;
  enabled: number;
  created_at: number;
  armed: number;
  last_fired: number | null;
};

const COLUMNS =
  'chat, name, chain, condition, cooldown_minutes, broadcast, enabled, created_at, armed, last_fired';

function ruleOf(row: RuleRow): AlertRule {
  return {
    chat: row.chat,
    name: row.name,
    chain: row.chain,
    condition: row.condition,
    cooldownMinutes: row.cooldown_minutes,
    broadcast: row.broadcast === 1,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    state: { armed: row.armed === 1, lastFired: row.last_fired },
  };
}

/** A rule not saved because the chat already has as many as it may. */
export class TooManyRulesError extends Error {
  override name = 'TooManyRulesError';
}

export class RuleStore {
  private readonly allStmt: Database.Statement;
  private readonly byChatStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly countStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  private readonly enableStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;
  private readonly stateStmt: Database.Statement;
  private readonly insertTx: (rule: AlertRule, maxPerChat: number) => void;

  constructor(
    db: Database.Database,
    private readonly gate = new WriteGate(db),
  ) {
    this.allStmt = db.prepare(`SELECT ${COLUMNS} FROM alert_rules ORDER BY created_at, chat, name`);
    this.byChatStmt = db.prepare(
      `SELECT ${COLUMNS} FROM alert_rules WHERE chat = ? ORDER BY created_at, name`,
    );
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM alert_rules WHERE chat = ? AND name = ?`);
    this.countStmt = db.prepare('SELECT count(*) FROM alert_rules WHERE chat = ?').pluck();
    this.insertStmt = db.prepare(
      `INSERT INTO alert_rules (${COLUMNS}) VALUES
       (@chat, @name, @chain, @condition, @cooldown, @broadcast, @enabled, @createdAt, @armed, @lastFired)`,
    );
    this.enableStmt = db.prepare(
      'UPDATE alert_rules SET enabled = ?, armed = CASE WHEN ? = 1 THEN 1 ELSE armed END WHERE chat = ? AND name = ?',
    );
    this.deleteStmt = db.prepare('DELETE FROM alert_rules WHERE chat = ? AND name = ?');
    this.stateStmt = db.prepare(
      'UPDATE alert_rules SET armed = ?, last_fired = ? WHERE chat = ? AND name = ?',
    );
    this.insertTx = db.transaction((rule: AlertRule, maxPerChat: number) => {
      if ((this.countStmt.get(rule.chat) as number) >= maxPerChat) {
        throw new TooManyRulesError(`this chat already has ${maxPerChat} rules (MAX_RULES_PER_CHAT)`);
      }
      this.insertStmt.run({
        chat: rule.chat,
        name: rule.name,
        chain: rule.chain,
        condition: rule.condition,
        cooldown: rule.cooldownMinutes,
        broadcast: rule.broadcast ? 1 : 0,
        enabled: rule.enabled ? 1 : 0,
        createdAt: Math.round(rule.createdAt),
        armed: rule.state.armed ? 1 : 0,
        lastFired: rule.state.lastFired,
      });
    });
  }

  all(): AlertRule[] {
    return (this.allStmt.all() as RuleRow[]).map(ruleOf);
  }

  ofChat(chat: string): AlertRule[] {
    return (this.byChatStmt.all(chat) as RuleRow[]).map(ruleOf);
  }

  get(chat: string, name: string): AlertRule | null {
    const row = this.getStmt.get(chat, name) as RuleRow | undefined;
    return row ? ruleOf(row) : null;
  }

  count(chat: string): number {
    return this.countStmt.get(chat) as number;
  }

  /** Saves a new rule; throws `TooManyRulesError` when the chat has `maxPerChat` already. */
  insert(rule: AlertRule, maxPerChat: number): void {
    this.gate.run(
      () => this.insertTx(rule, maxPerChat),
      `rule ${rule.name} not saved`,
      '; try again shortly',
    );
  }

  /** Switches a rule on (re-armed) or off; false when there is no such rule. */
  setEnabled(chat: string, name: string, enabled: boolean): boolean {
    const flag = enabled ? 1 : 0;
    return this.gate.run(() => this.enableStmt.run(flag, flag, chat, name).changes > 0, 'rule not changed');
  }

  delete(chat: string, name: string): boolean {
    return this.gate.run(() => this.deleteStmt.run(chat, name).changes > 0, 'rule not deleted');
  }

  saveState(chat: string, name: string, state: RuleState): void {
    this.gate.run(
      () => this.stateStmt.run(state.armed ? 1 : 0, state.lastFired, chat, name),
      `state of rule ${name} not saved`,
    );
  }
}
