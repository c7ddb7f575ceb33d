import type { Config } from './config.ts';
import { chainJson, type ChainJson } from './http/chain-json.ts';
import type { ApiSource } from './http/api-server.ts';
import type { TickerClient } from './kite/ticker-client.ts';
import type { PaperTrading } from './paper/start-paper-trading.ts';
import type { OiStore } from './store/oi-store.ts';
import type { ChainTracker } from './tracker/chain-tracker.ts';

/** What the local JSON API serves: chain JSON, health, and the snapshot and paper events. */
export function apiSource(deps: {
  config: Config;
  store: OiStore;
  trackers: readonly ChainTracker[];
  ticker: TickerClient;
  paper: PaperTrading;
}): ApiSource {
  const { config, store, trackers, ticker, paper } = deps;
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
    onEvent: (listener) => {
      const handlers = trackers.map((tracker) => {
        const handler = () => listener(`data_update_${tracker.spec.id}`, jsonOf(tracker));
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
