import { chainJson, type ChainJson } from '../http/chain-json.ts';
import { startApiServer, type ApiSource } from '../http/api-server.ts';
import type { DeskSource } from '../http/desk-routes.ts';
import { historyRoutes } from '../http/history-routes.ts';
import { ruleRoutes, scorecardRoutes } from '../http/rule-routes.ts';
import { readScorecard } from '../alerts/scorecard.ts';
import type { RuleDesk } from '../rules/rule-desk.ts';
import type { MetricsRegistry } from '../http/metrics.ts';
import type { ChainHistory } from '../history/chain-history.ts';
import type { Paper } from './paper.ts';
import type { OiStore } from '../store/oi-store.ts';
import type { ChainTracker } from '../tracker/chain-tracker.ts';
import { chooseExpiry, ExpiryError, parseExpiryChoice } from '../tracker/expiry-choice.ts';
import type { ChainSnapshot } from '../tracker/types.ts';
import type { AppContext } from './context.ts';
import type { MarketData } from './market-data.ts';

/** How often the metrics gauges are read off the ticker and the trackers. */
const GAUGE_INTERVAL_MS = 5000;

interface ApiDeps {
  store: OiStore;
  market: Pick<MarketData, 'ticker' | 'session'>;
  trackers: readonly ChainTracker[];
  /** Every tracked expiry's tracker (`NSE`, `NSE_next`, …); default `trackers`. */
  allTrackers?: readonly ChainTracker[];
  paper: Pick<Paper, 'onEvent' | 'routes'>;
  metrics: MetricsRegistry;
  history: ChainHistory;
  rules: RuleDesk;
}

/** `/api/data/<chain>?expiry=next|YYYY-MM-DD`: that tracked expiry's chain, or one line listing the tracked ones. */
function expiryChainJson(
  allTrackers: readonly ChainTracker[],
  chainId: string,
  expiry: string,
  jsonOf: (tracker: ChainTracker) => ChainJson | null,
): { status: number; body: unknown } {
  const choice = parseExpiryChoice(expiry);
  if (!choice)
    return { status: 400, body: { error: `expiry "${expiry}" is not one; use next or YYYY-MM-DD` } };
  const ofChain = allTrackers.filter((tracker) => tracker.spec.id === chainId);
  try {
    const tracker =
      ofChain[
        chooseExpiry(
          chainId,
          ofChain.map((candidate) => candidate.expiry),
          choice,
        )
      ]!;
    const json = jsonOf(tracker);
    return json
      ? { status: 200, body: json }
      : { status: 503, body: { error: `chain ${tracker.id} has no data yet (starting)` } };
  } catch (error) {
    if (error instanceof ExpiryError) return { status: 404, body: { error: error.message } };
    throw error;
  }
}

/** What the local JSON API serves: chain JSON, health, and the snapshot and paper events. */
function apiSource(app: AppContext, deps: ApiDeps): ApiSource {
  const { config } = app;
  const { store, trackers, paper } = deps;
  const allTrackers = deps.allTrackers ?? trackers;
  const { ticker } = deps.market;
  const jsonOf = (tracker: ChainTracker): ChainJson | null => {
    const snapshot = tracker.current();
    return snapshot && chainJson(snapshot, config.tracker.oiChangeWindows, tracker.dataAgeSeconds());
  };
  return {
    chains: () => config.chains,
    chainJson: (id) => {
      const tracker = trackers.find((candidate) => candidate.spec.id === id);
      return tracker ? jsonOf(tracker) : null;
    },
    health: () => ({
      database: store.health(),
      chains: Object.fromEntries(
        trackers.map((tracker) => [
          tracker.spec.id,
          { status: tracker.current()?.status ?? 'Starting', data_age_s: tracker.dataAgeSeconds() },
        ]),
      ),
      ticker: {
        connections: ticker.connectedCount,
        subscribed: ticker.subscribedCount,
        skipped: ticker.decodeStats,
      },
    }),
    expiryChainJson: (chainId, expiry) => expiryChainJson(allTrackers, chainId, expiry, jsonOf),
    onEvent: (listener) => {
      const handlers = allTrackers.map((tracker) => {
        // The event carries the cycle exactly as computed (and stored), not with later ticks laid over it.
        const handler = (snapshot: ChainSnapshot) =>
          listener(
            `data_update_${tracker.id}`,
            chainJson(snapshot, config.tracker.oiChangeWindows, tracker.dataAgeSeconds()),
          );
        tracker.on('snapshot', handler);
        return () => tracker.off('snapshot', handler);
      });
      const offPaper = paper.onEvent(listener);
      return () => {
        handlers.forEach((off) => off());
        offPaper();
      };
    },
  };
}

/** What the desk's routes read: PCR through the day, lot sizes, order defaults. */
function deskSource(app: AppContext, deps: ApiDeps): DeskSource {
  const { config } = app;
  return {
    chains: () => config.chains,
    pcrHistory: (chainId, sinceMs) => deps.store.underlyingHistory(chainId, sinceMs),
    lotSize: (chainId) =>
      deps.trackers.find((tracker) => tracker.spec.id === chainId)?.tradableOptions()[0]?.lotSize || null,
    now: () => app.clock.now(),
    orders: {
      defaultQty: config.paper.defaultQty,
      maxQtyLots: config.paper.maxQtyLots,
      autoExitPoints: config.paper.autoExitPoints,
      webOwner: config.http.webOwner,
    },
  };
}

export interface Api {
  readonly url: string;
  stop(): Promise<void>;
}

/** The JSON API on HTTP_HOST:HTTP_PORT, and the metrics gauges it serves kept current. */
export async function startApi(app: AppContext, deps: ApiDeps): Promise<Api> {
  const { config } = app;
  const history = historyRoutes(deps.history, () => config.chains, config.tracker.oiChangeWindows);
  const server = await startApiServer({
    ...app.config.http,
    source: { ...apiSource(app, deps), pastChainJson: history.pastChainJson },
    metrics: deps.metrics,
    routes: [
      ...deps.paper.routes,
      ...history.routes,
      ...ruleRoutes(deps.rules),
      ...scorecardRoutes((days) => readScorecard(deps.store.scoreStore(), app.clock.now(), days)),
    ],
    desk: deskSource(app, deps),
    session: deps.market.session,
  });
  app.logger.info({ url: server.url }, 'JSON API listening');
  const stopSampling = deps.metrics.sampleEvery(GAUGE_INTERVAL_MS, deps.market.ticker, deps.trackers);
  return {
    url: server.url,
    stop: async () => {
      stopSampling();
      await server.close();
    },
  };
}
