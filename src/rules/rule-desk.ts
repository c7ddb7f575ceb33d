/**
 * What chats and the API do with rules: try a condition on the stored history, add a rule (tried
 * first, then saved and enabled), list, switch on and off, delete. Every refusal is one line.
 */
import { findChain } from '../chain-specs.ts';
import { UserError } from '../errors.ts';
import { HistoryError } from '../history/instant.ts';
import type { PastChains, PastDay, RecomputeOptions } from '../history/past-chains.ts';
import type { RuleStore } from '../store/rule-store.ts';
import { TooManyRulesError } from '../store/rule-store.ts';
import type { ChainSpec } from '../tracker/types.ts';
import {
  conditionText,
  parseCondition,
  usesIv,
  windowsUsed,
  type Condition,
  type ConditionLimits,
} from './rule-condition.ts';
import { FRESH_STATE } from './rule-gate.ts';
import { lastIstDates, median, replayDays, type ReplaySummary } from './rule-replay.ts';
import { RULE_NAME, type AlertRule } from './rule.ts';

/** A rule request that cannot be done; `status` for the API (400 bad input, 404 no such rule). */
export class RuleError extends UserError {
  override name = 'RuleError';
  constructor(
    message: string,
    readonly status: 400 | 404 | 503 = 400,
  ) {
    super(message);
  }
}

/** What `/rule add` asks for; the rest of an AlertRule (enabled, createdAt, state) is the desk's. */
export type NewRule = Pick<
  AlertRule,
  'chat' | 'name' | 'chain' | 'condition' | 'cooldownMinutes' | 'broadcast'
>;

export interface RuleDeskOptions {
  store: Pick<RuleStore, 'insert' | 'ofChat' | 'get' | 'setEnabled' | 'delete'>;
  /** The stored days, recomputed (IV and the Greeks left out when the rule reads no IV). */
  past: (recompute: RecomputeOptions) => Pick<PastChains, 'storedDay'>;
  chains: readonly ChainSpec[];
  /** The windows, the reach, and the chain's current strikes when known. */
  limits(chainId: string): ConditionLimits;
  defaultCooldownMinutes: number;
  maxRulesPerChat: number;
  retentionDays: number;
  now: () => number;
}

const MAX_DAYS = 3650;

export class RuleDesk {
  private replays: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(private readonly options: RuleDeskOptions) {}

  chain(name: string): ChainSpec {
    const spec = findChain(this.options.chains, name);
    if (!spec) {
      const known = this.options.chains.map((chain) => chain.id).join(', ');
      throw new RuleError(`unknown chain "${name}"; use one of ${known}`);
    }
    return spec;
  }

  /** Parses a condition for the chain; a `RuleError` (one line pointing at the token) when malformed. */
  condition(chainId: string, text: string): Condition {
    try {
      return parseCondition(text, this.options.limits(chainId));
    } catch (error) {
      throw new RuleError(error instanceof Error ? error.message : String(error));
    }
  }

  /** `days` as the last n IST calendar days including today; default all retained. */
  days(text: string | number | undefined): number {
    if (text === undefined || text === '') return this.options.retentionDays;
    const days = typeof text === 'number' ? text : /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
      throw new RuleError(`days must be a whole number from 1 to ${MAX_DAYS}, got "${text}"`);
    }
    return days;
  }

  /**
   * Replays the condition over the stored cycles of the last `days` IST days with the live evaluation.
   * Replays run one at a time (each holds a day of stored points), after the input has been checked.
   */
  test(
    chainName: string,
    text: string,
    days?: number,
    cooldownMinutes?: number | null,
  ): Promise<ReplaySummary> {
    const chain = this.chain(chainName);
    const condition = this.condition(chain.id, text);
    const span = days ?? this.options.retentionDays;
    const cooldownMs = (cooldownMinutes ?? this.options.defaultCooldownMinutes) * 60_000;
    const replay = this.replays.then(() => this.replay(chain.id, condition, span, cooldownMs));
    this.replays = replay.catch(() => undefined);
    return replay;
  }

  /** Lets the replay under way stop at its next day and waits for it: the store may close after this. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.replays;
  }

  private async replay(
    chainId: string,
    condition: Condition,
    span: number,
    cooldownMs: number,
  ): Promise<ReplaySummary> {
    const past = this.options.past({
      windows: windowsUsed(condition),
      buildup: false,
      ...(usesIv(condition) ? {} : { volatility: false }),
    });
    const result = await replayDays(condition, cooldownMs, this.storedDays(past, chainId, span));
    return {
      chain: chainId,
      condition: conditionText(condition),
      days: span,
      firings: result.firings,
      firedDays: result.firedDays,
      medianMove15m: median(result.moves),
    };
  }

  /** Tries the rule on the stored history, then saves it enabled; answers both. */
  async add(rule: NewRule): Promise<{ rule: AlertRule; summary: ReplaySummary }> {
    if (!RULE_NAME.test(rule.name)) {
      throw new RuleError(
        `rule name "${rule.name}" must be 1–32 letters, digits, _ or -. Example: /rule add callwall NSE oi_chg_15m(ATM+1 CE) > 20`,
      );
    }
    const chain = this.chain(rule.chain);
    const condition = this.condition(chain.id, rule.condition);
    this.checkRoom(rule);
    const summary = await this.test(chain.id, rule.condition, undefined, rule.cooldownMinutes);
    // The chat may have added rules while the replay ran.
    this.checkRoom(rule);
    const saved: AlertRule = {
      ...rule,
      chain: chain.id,
      condition: conditionText(condition),
      enabled: true,
      createdAt: this.options.now(),
      state: FRESH_STATE,
    };
    try {
      this.options.store.insert(saved, this.options.maxRulesPerChat);
    } catch (error) {
      if (error instanceof TooManyRulesError) throw new RuleError(`${error.message}; /rule del one first`);
      throw error;
    }
    return { rule: saved, summary };
  }

  private checkRoom(rule: NewRule): void {
    if (this.options.store.get(rule.chat, rule.name)) {
      throw new RuleError(
        `this chat already has a rule named "${rule.name}"; pick another name or /rule del ${rule.name}`,
      );
    }
    if (this.options.store.ofChat(rule.chat).length >= this.options.maxRulesPerChat) {
      throw new RuleError(
        `this chat already has ${this.options.maxRulesPerChat} rules (MAX_RULES_PER_CHAT); /rule del one first`,
      );
    }
  }

  /** ALERT_COOLDOWN_MINUTES: the cooldown of a rule without its own. */
  get defaultCooldownMinutes(): number {
    return this.options.defaultCooldownMinutes;
  }

  list(chat: string): AlertRule[] {
    return this.options.store.ofChat(chat);
  }

  setEnabled(chat: string, name: string, enabled: boolean): void {
    if (!this.options.store.setEnabled(chat, name, enabled)) throw this.noRule(chat, name);
  }

  remove(chat: string, name: string): void {
    if (!this.options.store.delete(chat, name)) throw this.noRule(chat, name);
  }

  private noRule(chat: string, name: string): RuleError {
    const names = this.options.store.ofChat(chat).map((rule) => rule.name);
    return new RuleError(
      `this chat has no rule named "${name}"${names.length > 0 ? ` (its rules: ${names.join(', ')})` : ''}`,
      404,
    );
  }

  /** Each stored day of the span, as `PastChains.storedDay` reads it, oldest first (days without cycles skipped). */
  private *storedDays(
    past: Pick<PastChains, 'storedDay'>,
    chainId: string,
    days: number,
  ): Generator<PastDay> {
    for (const date of lastIstDates(this.options.now(), Math.min(days, this.options.retentionDays + 1))) {
      if (this.stopping)
        throw new RuleError('the daemon is stopping; try the rule again once it is back', 503);
      try {
        yield past.storedDay(chainId, date);
      } catch (error) {
        if (error instanceof HistoryError && error.status === 404) continue;
        throw error;
      }
    }
  }
}
