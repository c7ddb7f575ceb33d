import { MarketCalendar } from '../calendar/market-hours.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Clock } from '../util/clock.ts';
import { istDateOf } from '../util/ist.ts';

/** What every starter reads: the settings, the log, the one clock and the exchange calendar. */
export interface AppContext {
  readonly config: Config;
  readonly logger: Logger;
  /** The clock every reading of now and every schedule comes from. */
  readonly clock: Clock;
  readonly calendar: MarketCalendar;
  /** Real epoch ms the daemon started at (for its uptime). */
  readonly startedAt: number;
  /** Whether today, by the clock, is a trading day (always when MARKET_HOURS=always). */
  tradingToday(): boolean;
}

export function appContext(config: Config, logger: Logger, clock: Clock): AppContext {
  const calendar = MarketCalendar.fromFile();
  return {
    config,
    logger,
    clock,
    calendar,
    startedAt: Date.now(),
    tradingToday: () =>
      config.tracker.marketHours === 'always' || calendar.isTradingDay(istDateOf(clock.now())),
  };
}
