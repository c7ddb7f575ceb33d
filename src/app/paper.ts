import { startPaperTrading, type PaperTrading } from '../paper/start-paper-trading.ts';
import type { OiStore } from '../store/oi-store.ts';
import type { ChainTracker } from '../tracker/chain-tracker.ts';
import type { AppContext } from './context.ts';
import type { MarketData } from './market-data.ts';

export interface Paper extends PaperTrading {
  stop(): void;
}

/** The paper book on the store, priced by the trackers and exiting on the feed's ticks. */
export function startPaper(
  app: AppContext,
  store: OiStore,
  trackers: readonly ChainTracker[],
  market: Pick<MarketData, 'ticker' | 'feedUp'>,
): Paper {
  const paper = startPaperTrading({
    config: app.config,
    store,
    trackers,
    feedUp: market.feedUp,
    calendar: app.calendar,
    logger: app.logger,
    clock: app.clock,
  });
  market.ticker.on('ticks', paper.onTicks);
  return { ...paper, stop: () => void market.ticker.off('ticks', paper.onTicks) };
}
