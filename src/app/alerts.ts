import { keysWithRole } from '../commands/access.ts';
import { AlertEngine } from '../alerts/alert-engine.ts';
import { dailyAlerts, type DailyAlerts } from '../alerts/daily-alerts.ts';
import { summaryInput } from '../alerts/summary-input.ts';
import { MarketReplies } from '../commands/chain-reply.ts';
import { RuleBook } from '../rules/rule-book.ts';
import { AlertScorer } from '../alerts/alert-scorer.ts';
import { PastChains } from '../history/past-chains.ts';
import { conditionLimits } from './rules.ts';
import { alertOnFeedAndSession } from '../feed-reports.ts';
import type { Paper } from './paper.ts';
import type { PositionClosedEvent } from '../paper/types.ts';
import type { OiStore } from '../store/oi-store.ts';
import type { ChainTracker } from '../tracker/chain-tracker.ts';
import type { ChainSnapshot } from '../tracker/types.ts';
import { istMidnight } from '../util/ist.ts';
import type { AppContext } from './context.ts';
import type { MarketData } from './market-data.ts';

export interface Alerts {
  /** Notifiers (the chat adapters, ntfy) register here. */
  readonly engine: AlertEngine;
  /** The session reminder and the end-of-day summary, for the daily schedule. */
  readonly daily: DailyAlerts;
  /** With the retention job: deletes alerts (and their delivery marks) older than RETENTION_DAYS. */
  pruneOutbox(): void;
  stop(): Promise<void>;
}

/**
 * With ALERT_EXPIRIES=all, OI breaches of the later expiries alert too (rules and scores follow the
 * nearest). Returns the unsubscribe.
 */
function alertOnLaterExpiries(
  app: AppContext,
  engine: AlertEngine,
  allTrackers: readonly ChainTracker[],
): () => void {
  if (app.config.alerts.expiries !== 'all') return () => {};
  const later = allTrackers.filter((tracker) => tracker.expiryRank > 0);
  const onSnapshot = (snapshot: ChainSnapshot) => {
    engine
      .onSnapshot(snapshot)
      .catch((error: unknown) => app.logger.error({ err: error }, 'breach alert failed'));
  };
  for (const tracker of later) tracker.on('snapshot', onSnapshot);
  return () => later.forEach((tracker) => tracker.off('snapshot', onSnapshot));
}

/** The alert engine on the trackers' snapshots, the paper book's exits, the feed and the session. */
export function startAlerts(
  app: AppContext,
  deps: {
    store: OiStore;
    market: Pick<MarketData, 'ticker' | 'session'>;
    trackers: readonly ChainTracker[];
    /** Every tracked expiry's tracker; with ALERT_EXPIRIES=all the later expiries' breaches alert too. */
    allTrackers?: readonly ChainTracker[];
    paper: Pick<Paper, 'book'>;
  },
): Alerts {
  const { config, logger, clock } = app;
  const { store, market, trackers, paper } = deps;
  const replies = new MarketReplies(config.tracker.oiChangeWindows);
  const engine = new AlertEngine({
    subscriptions: store.alertSubscriptions(),
    admins: keysWithRole(config.access, 'admin'),
    windows: config.tracker.oiChangeWindows,
    thresholds: config.tracker.oiChangeThresholds,
    cooldownMinutes: config.alerts.cooldownMinutes,
    maxAgeMinutes: config.alerts.maxAgeMinutes,
    outbox: store.alertOutbox(),
    quietHours: config.alerts.quietHours,
    chainImage: async (snapshot) => (await replies.chain(snapshot.chainId, snapshot, null)).image,
    logger,
    now: () => clock.now(),
  });
  engine.start();
  const rules = new RuleBook({
    store: store.ruleStore(),
    limits: conditionLimits(app)(''),
    defaultCooldownMinutes: config.alerts.cooldownMinutes,
    logger,
  });
  const scorer = new AlertScorer({ store: store.scoreStore(), past: new PastChains(store.cycles()), logger });
  engine.on('scoring', (subjects) => scorer.add(subjects));
  const onSnapshot = (snapshot: ChainSnapshot) => {
    try {
      scorer.scoreDue(snapshot.chainId, snapshot.lastUpdate);
    } catch (error) {
      logger.warn({ err: error }, 'alerts not scored');
    }
    engine
      .onSnapshot(snapshot)
      .catch((error: unknown) => logger.error({ err: error }, 'breach alert failed'));
    try {
      for (const firing of rules.onSnapshot(snapshot)) {
        engine
          .onRuleFired(firing)
          .catch((error: unknown) => logger.error({ err: error }, 'rule alert failed'));
      }
    } catch (error) {
      logger.error({ err: error }, 'rules not evaluated');
    }
  };
  const onPositionClosed = (event: PositionClosedEvent) => engine.onPositionClosed(event);
  for (const tracker of trackers) tracker.on('snapshot', onSnapshot);
  const stopLaterExpiries = alertOnLaterExpiries(app, engine, deps.allTrackers ?? []);
  paper.book.on('position_closed', onPositionClosed);
  const stopFeedAlerts = alertOnFeedAndSession({ ...market, alerts: engine });
  const summary = () => {
    const today = istMidnight(clock.now());
    return summaryInput({
      realizedToday: store.paperStore().realizedByDay({ sinceMs: today }),
      openPositions: paper.book.openPositions(),
      chains: trackers.map((tracker) => ({
        snapshot: tracker.current(),
        observations: store.loadObservations(tracker.spec.id, today),
      })),
    });
  };
  return {
    engine,
    daily: dailyAlerts({
      engine,
      tradingToday: app.tradingToday,
      sessionValid: () => market.session.check(),
      summary,
      logger,
    }),
    pruneOutbox: () => {
      try {
        const cutoff = clock.now() - config.store.retentionDays * 86_400_000;
        const alerts = store.alertOutbox().pruneBefore(cutoff);
        const scored = store.scoreStore().pruneBefore(cutoff);
        logger.info({ alerts, scored }, 'retention: old alerts deleted');
      } catch (error) {
        logger.warn({ err: error }, 'alert retention failed');
      }
    },
    stop: async () => {
      stopFeedAlerts();
      for (const tracker of trackers) tracker.off('snapshot', onSnapshot);
      stopLaterExpiries();
      paper.book.off('position_closed', onPositionClosed);
      await engine.stop();
    },
  };
}
