import { PastChains } from '../history/past-chains.ts';
import type { ConditionLimits } from '../rules/rule-condition.ts';
import { RuleDesk } from '../rules/rule-desk.ts';
import type { OiStore } from '../store/oi-store.ts';
import type { ChainTracker } from '../tracker/chain-tracker.ts';
import type { AppContext } from './context.ts';

/** What a condition may name on this daemon; with `trackers`, the chain's current strikes too. */
export function conditionLimits(
  app: AppContext,
  trackers: readonly ChainTracker[] = [],
): (chainId: string) => ConditionLimits {
  const windows = app.config.tracker.oiChangeWindows.map(String);
  const strikesEachSide = app.config.tracker.strikesEachSide;
  return (chainId) => {
    const snapshot = trackers.find((tracker) => tracker.spec.id === chainId)?.current() ?? null;
    const strikes = snapshot ? [...new Set(snapshot.calls.map((row) => row.strike))] : [];
    return { windows, strikesEachSide, ...(strikes.length > 0 ? { strikes } : {}) };
  };
}

/** The rules desk (add, test, list, on/off, delete) on the store and the stored history. */
export function ruleDesk(
  app: AppContext,
  deps: { store: OiStore; trackers: readonly ChainTracker[] },
): RuleDesk {
  const { config, clock } = app;
  return new RuleDesk({
    store: deps.store.ruleStore(),
    past: (recompute) => new PastChains(deps.store.cycles(), recompute),
    chains: config.chains,
    limits: conditionLimits(app, deps.trackers),
    defaultCooldownMinutes: config.alerts.cooldownMinutes,
    maxRulesPerChat: config.alerts.maxRulesPerChat,
    retentionDays: config.store.retentionDays,
    now: () => clock.now(),
  });
}
