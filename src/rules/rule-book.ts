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
import { stepRule, type RuleState } from './rule-gate.ts';
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
const sameState = (a: RuleState, b: RuleState) => a.armed === b.armed && a.lastFired === b.lastFired;

/** The cycle a rule was last stepped on: its second, the state before it, whether it fired. */
interface LastStep {
  time: number;
  before: RuleState;
  fired: boolean;
}

export class RuleBook {
  /** Parsed conditions by rule, reused while the stored text is the same. */
  private readonly parsed = new Map<string, { text: string; condition: Condition | null }>();
  private readonly lastSteps = new Map<string, LastStep>();

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
      if (this.step(rule, evaluation.holds, snapshot.lastUpdate))
        firings.push({ rule, condition, evaluation, snapshot });
    }
    return firings;
  }

  /**
   * Steps the rule and saves its state; true when it fires. A second cycle in the same second replaces
   * the first in the store (one row per second), so it is stepped from the state before the first, as
   * the replay of the stored day steps it; an instant that already fired does not alert again.
   */
  private step(rule: AlertRule, holds: boolean, time: number): boolean {
    const id = key(rule.chat, rule.name);
    const previous = this.lastSteps.get(id);
    const again = previous !== undefined && previous.time === time;
    const before = again ? previous.before : rule.state;
    const step = stepRule(before, holds, time, this.cooldownMs(rule));
    this.lastSteps.set(id, { time, before, fired: step.fire || (again && previous.fired) });
    if (!sameState(step.state, rule.state)) {
      try {
        this.options.store.saveState(rule.chat, rule.name, step.state);
      } catch (error) {
        this.options.logger.warn({ err: error, rule: rule.name }, 'rule state not saved');
      }
    }
    return step.fire && !(again && previous.fired);
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
