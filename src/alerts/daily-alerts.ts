import type { Logger } from '../log.ts';
import type { AlertEngine } from './alert-engine.ts';
import type { SummaryInput } from './alert-messages.ts';

export interface DailyAlerts {
  /** 08:45 on trading days: reminds admins when Kite does not accept the session. */
  sessionReminder(): Promise<void>;
  /** 15:35 on trading days: the end-of-day summary, then forgets stale breach state. */
  dailySummary(): void;
}

/** The two daily alerts' jobs; the daily schedule (IST, Monday to Friday) runs them. */
export function dailyAlerts(deps: {
  engine: AlertEngine;
  /** Whether today is a trading day (always true when MARKET_HOURS=always). */
  tradingToday: () => boolean;
  /** Asks Kite whether the session works. */
  sessionValid: () => Promise<boolean>;
  summary: () => SummaryInput;
  logger: Logger;
}): DailyAlerts {
  const { engine, logger } = deps;
  return {
    sessionReminder: async () => {
      if (!deps.tradingToday()) return;
      if (!(await deps.sessionValid())) engine.sessionReminder();
    },
    dailySummary: () => {
      if (!deps.tradingToday()) return;
      try {
        engine.dailySummary(deps.summary());
      } catch (error) {
        logger.error({ err: error }, 'end-of-day summary failed');
      }
      engine.prune();
    },
  };
}
