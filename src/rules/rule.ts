import type { RuleState } from './rule-gate.ts';

/** An alert rule a chat wrote (`/rule add`), as stored. */
export interface AlertRule {
  /** The chat that made it and gets its alerts (`telegram:-100777`, `discord:4242`, `console`). */
  chat: string;
  /** Unique within the chat: letters, digits, `_`, `-`, up to 32. */
  name: string;
  chain: string;
  /** The condition in its canonical spelling (`conditionText`). */
  condition: string;
  /** Minutes between firings; null: ALERT_COOLDOWN_MINUTES. */
  cooldownMinutes: number | null;
  /** Also goes wherever OI-breach alerts go (admins only). */
  broadcast: boolean;
  enabled: boolean;
  /** UTC epoch ms. */
  createdAt: number;
  state: RuleState;
}

export const RULE_NAME = /^[A-Za-z0-9_-]{1,32}$/;
