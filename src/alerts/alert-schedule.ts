import cron from 'node-cron';
import type { Logger } from '../log.ts';
import type { AlertEngine } from './alert-engine.ts';
import type { SummaryInput } from './alert-messages.ts';

/** The two daily alerts (IST, Monday to Friday): 08:45 session reminder to admins, 15:35 summary. */
export function scheduleDailyAlerts(deps: {
  engine: AlertEngine;
  /** Whether today is a trading day (always true when MARKET_HOURS=always). */
  tradingToday: () => boolean;
  /** Asks Kite whether the session works. */
  sessionValid: () => Promise<boolean>;
  summary: () => SummaryInput;
  logger: Logger;
}): { sessionReminder(): Promise<void>; dailySummary(): void; stop(): Promise<void> } {
  const { engine, logger } = deps;
  const options = { timezone: 'Asia/Kolkata' } as const;
  const sessionReminder = async () => {
    if (!deps.tradingToday()) return;
    if (!(await deps.sessionValid())) engine.sessionReminder();
  };
  const dailySummary = () => {
    if (!deps.tradingToday()) return;
    try {
      engine.dailySummary(deps.summary());
    } catch (error) {
      logger.error({ err: error }, 'end-of-day summary failed');
    }
    engine.prune();
  };
  const reminder = cron.schedule('0 45 8 * * 1-5', sessionReminder, { ...options, name: 'session-reminder' });
  const summary = cron.schedule('0 35 15 * * 1-5', dailySummary, { ...options, name: 'daily-summary' });
  return {
    sessionReminder,
    dailySummary,
    stop: async () => {
      await reminder.destroy();
      await summary.destroy();
    },
  };
}
