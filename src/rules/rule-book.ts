/**
 * The rules of every chat, evaluated live: on each published cycle of a chain, every enabled rule of it
 * is read with `evaluateCondition` and stepped with `stepRule` (the replay's very functions); its state
 * is saved when it changes, so a restart neither repeats nor loses a firing.
 */
import type { Logger } from '../log.ts';
import type { RuleStore } from '../store/rule-store.ts';
import type { ChainSnapshot } from '../tracker/types.ts';
import { parseCondition, type Condition, type ConditionLimits } from './rule-condition.ts';
import { evaluateCondition, type Evaluation } from './rule-evaluate.ts';
import { stepRule } from './rule-gate.ts';
import { evaluatedOn } from './rule-replay.ts';
import type { AlertRule } from './rule.ts';

export interface RuleFiring {
  rule: AlertRule;
  condition: Condition;
  evaluation: Evaluation;
  snapshot: ChainSnapshot;
}

export type RuleStorePort = Pick<RuleStore, 'all' | 'saveState'>;

export interface RuleBookOptions {
  store: RuleStorePort;
  /** The windows and reach a stored condition is read with (no strike check: the window moves). */
  limits: ConditionLimits;
  /** ALERT_COOLDOWN_MINUTES, for rules without their own cooldown. */
  defaultCooldownMinutes: number;
  logger: Logger;
}

const key = (chat: string, name: string) => `${chat}\u0000${name}`;

export class RuleBook {
  /** Parsed conditions by rule, reused while the stored text is the same. */
  private readonly parsed = new Map<string, { text: string; condition: Condition | null }>();

  constructor(private readonly options: RuleBookOptions) {}

  /** The cooldown of a rule in ms. */
  cooldownMs(rule: Pick<AlertRule, 'cooldownMinutes'>): number {
    return (rule.cooldownMinutes ?? this.options.defaultCooldownMinutes) * 60_000;
  }

  /** Evaluates the chain's enabled rules on a published cycle; answers those that fire. */
  onSnapshot(snapshot: ChainSnapshot): RuleFiring[] {
    if (!evaluatedOn(snapshot)) return [];
    const firings: RuleFiring[] = [];
    for (const rule of this.options.store.all()) {
      if (!rule.enabled || rule.chain !== snapshot.chainId) continue;
      const condition = this.condition(rule);
      if (!condition) continue;
      const evaluation = evaluateCondition(condition, snapshot);
      const step = stepRule(rule.state, evaluation.holds, snapshot.lastUpdate, this.cooldownMs(rule));
      if (step.state !== rule.state) {
        try {
          this.options.store.saveState(rule.chat, rule.name, step.state);
        } catch (error) {
          this.options.logger.warn({ err: error, rule: rule.name }, 'rule state not saved');
        }
      }
      if (step.fire) firings.push({ rule: { ...rule, state: step.state }, condition, evaluation, snapshot });
    }
    return firings;
  }

  private condition(rule: AlertRule): Condition | null {
    const id = key(rule.chat, rule.name);
    const known = this.parsed.get(id);
    if (known && known.text === rule.condition) return known.condition;
    let condition: Condition | null = null;
    try {
      condition = parseCondition(rule.condition, this.options.limits);
    } catch (error) {
      this.options.logger.warn(
        { rule: rule.name, chat: rule.chat, err: error instanceof Error ? error.message : String(error) },
        'rule skipped: its condition no longer reads with these settings',
      );
    }
    this.parsed.set(id, { text: rule.condition, condition });
    return condition;
  }
}
