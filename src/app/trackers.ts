import type { MetricsRegistry } from '../http/metrics.ts';
import type { OiStore } from '../store/oi-store.ts';
import { ChainTracker } from '../tracker/chain-tracker.ts';
import { CycleScheduler, cycleLogFields } from '../tracker/cycle-scheduler.ts';
import { oiWindows } from '../tracker/oi-change.ts';
import { OiHistory } from '../tracker/oi-history.ts';
import { QuoteBatcher } from '../tracker/quote-batcher.ts';
import { SharedSubscriptions } from '../tracker/shared-subscriptions.ts';
import type { AppContext } from './context.ts';
import type { MarketData } from './market-data.ts';

export interface Trackers {
  /** The nearest expiry's tracker of each chain (`NSE`, `BSE`). */
  readonly trackers: readonly ChainTracker[];
  /** Every tracker: each chain's EXPIRIES_TRACKED nearest expiries (`NSE`, `NSE_next`, …), nearest first per chain. */
  readonly allTrackers: readonly ChainTracker[];
  /** Runs one cycle of every chain now (the schedule does this every REFRESH_INTERVAL_SECONDS). */
  runCycles(): Promise<void>;
  stop(): Promise<void>;
}

/** Trackers for each configured chain's tracked expiries on the feed, the cycle schedule, and the feed started. */
export function startTrackers(
  app: AppContext,
  market: Pick<MarketData, 'catalogue' | 'rest' | 'ticker'>,
  store: OiStore,
  metrics: MetricsRegistry,
): Trackers {
  const { config, logger, clock } = app;
  const { ticker } = market;
  const windows = oiWindows(config.tracker.oiChangeWindows, config.tracker.oiChangeThresholds);
  const subscriptions = new SharedSubscriptions(ticker);
  const rest = new QuoteBatcher(market.rest);
  const allTrackers = config.chains.flatMap((spec) => {
    const history = new OiHistory();
    return Array.from(
      { length: config.tracker.expiriesTracked },
      (_, expiryRank) =>
        new ChainTracker({
          spec,
          expiryRank,
          history,
          catalogue: market.catalogue,
          rest,
          ticker: subscriptions,
          store,
          settings: { ...config.tracker, windows },
          now: () => clock.now(),
          warn: (message, error) => logger.warn({ err: error }, message),
        }),
    );
  });
  const trackers = allTrackers.filter((tracker) => tracker.expiryRank === 0);
  for (const tracker of allTrackers) {
    tracker.on('snapshot', (snapshot) =>
      logger.info({ ...cycleLogFields(snapshot), chain: tracker.id }, 'cycle'),
    );
  }
  const onTicks = (ticks: Parameters<ChainTracker['onTicks']>[0]) => {
    for (const tracker of allTrackers) tracker.onTicks(ticks);
  };
  ticker.on('ticks', onTicks);
  const started = allTrackers.filter((tracker) => {
    try {
      tracker.start();
      return true;
    } catch (error) {
      logger.error({ chain: tracker.id, err: error }, 'chain could not start; the others carry on');
      return false;
    }
  });
  ticker.start();
  const scheduler = new CycleScheduler({
    trackers: started,
    refreshIntervalSeconds: config.tracker.refreshIntervalSeconds,
    marketHours: config.tracker.marketHours,
    calendar: app.calendar,
    clock,
    onCycleError: (chain, error) => {
      metrics.cycles.inc({ chain, outcome: 'error' });
      logger.error({ chain, err: error }, 'cycle failed');
    },
    onCycleDone: (chain, seconds) => {
      metrics.cycles.inc({ chain, outcome: 'ok' });
      metrics.cycleSeconds.set({ chain }, seconds);
    },
  });
  scheduler.start();
  return {
    trackers,
    allTrackers,
    runCycles: () => scheduler.tick(),
    stop: async () => {
      await scheduler.stop();
      ticker.off('ticks', onTicks);
      for (const tracker of started) tracker.stop();
    },
  };
}
