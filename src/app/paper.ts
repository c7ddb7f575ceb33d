import type { ApiRoute } from '../http/api-server.ts';
import { paperRoutes } from '../http/paper-routes.ts';
import type { Tick } from '../kite/types.ts';
import type { Logger } from '../log.ts';
import { readBookStats } from '../paper/book-stats.ts';
import { PaperBook } from '../paper/paper-book.ts';
import { PaperTradingDesk } from '../paper/trading-desk.ts';
import type { OiStore } from '../store/oi-store.ts';
import type { ChainTracker } from '../tracker/chain-tracker.ts';
import { istDateOf } from '../util/ist.ts';
import type { AppContext } from './context.ts';
import type { MarketData } from './market-data.ts';

export interface Paper {
  book: PaperBook;
  desk: PaperTradingDesk;
  routes: ApiRoute[];
  /** What the SQUARE_OFF_TIME schedule runs: closes everything open (on trading days). */
  squareOffJob(): void;
  /** Forwards `position_opened` / `position_closed` to `listener`; returns an unsubscribe function. */
  onEvent(listener: (event: string, data: unknown) => void): () => void;
  stop(): void;
}

/** One log line per position opened and closed. */
function logPositions(book: PaperBook, logger: Logger): void {
  book.on('position_opened', (position) =>
    logger.info(
      {
        position: position.id,
        symbol: position.symbol,
        side: position.side,
        qty: position.qty,
        price: position.entry_price,
        owner: position.owner,
      },
      'paper position opened',
    ),
  );
  book.on('position_closed', (event) =>
    logger.info(
      {
        position: event.position_id,
        reason: event.exit_reason,
        level: event.level,
        price: event.exit_price,
        pnl: event.realized_pnl,
      },
      'paper position closed',
    ),
  );
}

/** Forwards the book's position events to one listener; returns the unsubscribe function. */
function forwardEvents(book: PaperBook, listener: (event: string, data: unknown) => void): () => void {
  const opened = (data: unknown) => listener('position_opened', data);
  const closed = (data: unknown) => listener('position_closed', data);
  book.on('position_opened', opened);
  book.on('position_closed', closed);
  return () => {
    book.off('position_opened', opened);
    book.off('position_closed', closed);
  };
}

/**
 * The paper book on the store, priced by the trackers and exiting on the feed's ticks; its API routes
 * and the intraday square-off job.
 */
export function startPaper(
  app: AppContext,
  store: OiStore,
  trackers: readonly ChainTracker[],
  market: Pick<MarketData, 'ticker' | 'feedUp' | 'playedTickIntervalMs'>,
): Paper {
  const { config, logger, clock } = app;
  const book = new PaperBook({
    now: () => clock.now(),
    store: store.paperStore(),
    maxQtyLots: config.paper.maxQtyLots,
    autoExitPoints: config.paper.autoExitPoints,
    // Two cycles, or two of the simulator's ticks when those are further apart (a fast played session).
    maxPriceAgeMs: 2 * Math.max(config.tracker.refreshIntervalSeconds * 1000, market.playedTickIntervalMs),
  });
  book.load();
  const desk = new PaperTradingDesk(book, trackers, market.feedUp, config.paper.defaultQty);
  logPositions(book, logger);
  const squareOffJob = () => {
    if (config.tracker.marketHours === 'exchange' && !app.calendar.isTradingDay(istDateOf(clock.now())))
      return;
    try {
      logger.info({ closed: book.squareOff().length }, 'square-off');
    } catch (error) {
      logger.error({ err: error }, 'square-off failed; positions stay open');
    }
  };
  const onTicks = (ticks: readonly Tick[]) => {
    try {
      book.onTicks(ticks);
    } catch (error) {
      // The exit was not stored, so the position stays open and the next tick tries again.
      logger.error({ err: error }, 'paper book could not record an exit');
    }
  };
  market.ticker.on('ticks', onTicks);
  return {
    book,
    desk,
    routes: paperRoutes(desk, ({ owner, days }) =>
      readBookStats(store.paperStore(), { owner, days, now: clock.now() }),
    ),
    squareOffJob,
    onEvent: (listener) => forwardEvents(book, listener),
    stop: () => void market.ticker.off('ticks', onTicks),
  };
}
