import type { MarketCalendar } from '../calendar/market-hours.ts';
import type { Config } from '../config.ts';
import type { ApiRoute } from '../http/api-server.ts';
import { paperRoutes } from '../http/paper-routes.ts';
import type { Logger } from '../log.ts';
import type { OiStore } from '../store/oi-store.ts';
import type { ChainTracker } from '../tracker/chain-tracker.ts';
import type { Tick } from '../kite/types.ts';
import { wallClock, type Clock } from '../util/clock.ts';
import { istDateOf } from '../util/ist.ts';
import { PaperBook } from './paper-book.ts';
import { PaperTradingDesk } from './trading-desk.ts';

export interface PaperTrading {
  book: PaperBook;
  desk: PaperTradingDesk;
  routes: ApiRoute[];
  /** What the SQUARE_OFF_TIME schedule runs: closes everything open (on trading days). */
  squareOffJob(): void;
  /** Exits on the feed's ticks; an exit the store refuses is logged and tried again on the next tick. */
  onTicks(ticks: readonly Tick[]): void;
  /** Forwards `position_opened` / `position_closed` to `listener`; returns an unsubscribe function. */
  onEvent(listener: (event: string, data: unknown) => void): () => void;
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

/** The paper book on the daemon's store and feed, its API routes and the intraday square-off job. */
export function startPaperTrading(deps: {
  config: Config;
  store: OiStore;
  trackers: readonly ChainTracker[];
  feedUp: () => boolean;
  calendar: MarketCalendar;
  logger: Logger;
  /** What the book stamps and the square-off reads the trading day from; default the wall clock. */
  clock?: Clock;
}): PaperTrading {
  const { config, logger } = deps;
  const clock = deps.clock ?? wallClock;
  const now = () => clock.now();
  const book = new PaperBook({
    now,
    store: deps.store.paperStore(),
    maxQtyLots: config.paper.maxQtyLots,
    autoExitPoints: config.paper.autoExitPoints,
    maxPriceAgeMs: 2 * config.tracker.refreshIntervalSeconds * 1000,
  });
  book.load();
  const desk = new PaperTradingDesk(book, deps.trackers, deps.feedUp, config.paper.defaultQty);
  logPositions(book, logger);

  const squareOffJob = () => {
    if (config.tracker.marketHours === 'exchange' && !deps.calendar.isTradingDay(istDateOf(now()))) return;
    try {
      const closed = book.squareOff();
      logger.info({ closed: closed.length }, 'square-off');
    } catch (error) {
      logger.error({ err: error }, 'square-off failed; positions stay open');
    }
  };

  return {
    book,
    desk,
    routes: paperRoutes(desk),
    squareOffJob,
    onTicks: (ticks) => {
      try {
        book.onTicks(ticks);
      } catch (error) {
        // The exit was not stored, so the position stays open and the next tick tries again.
        logger.error({ err: error }, 'paper book could not record an exit');
      }
    },
    onEvent: (listener) => {
      const opened = (data: unknown) => listener('position_opened', data);
      const closed = (data: unknown) => listener('position_closed', data);
      book.on('position_opened', opened);
      book.on('position_closed', closed);
      return () => {
        book.off('position_opened', opened);
        book.off('position_closed', closed);
      };
    },
  };
}
