import { HolidayListCheck } from '../calendar/holiday-list-check.ts';
import type { PruneResult } from '../store/oi-store.ts';
import { dailyAtIst, scheduleOn, type DaySet } from '../util/clock.ts';
import type { AppContext } from './context.ts';

/** The jobs the daily schedule runs (IST), also for tools and tests to run when they choose. */
export interface DailyJobs {
  /** 03:00 (and at start): deletes data older than RETENTION_DAYS; null when the store refused. */
  retention(): PruneResult | null;
  /** 08:30 every day: downloads the instrument list again, so new series and expiries are known. */
  reloadInstruments(): Promise<void>;
  /** 08:45 on trading days: reminds admins when Kite does not accept the session. */
  sessionReminder(): Promise<void>;
  /** SQUARE_OFF_TIME on trading days: closes every open paper position. */
  squareOff(): void;
  /** 15:35 on trading days: the end-of-day summary, then forgets stale breach state. */
  dailySummary(): void;
}

interface Slot {
  job: keyof DailyJobs;
  /** IST 'HH:MM'. */
  at: string;
  days: DaySet;
}

/**
 * The days the market opens: the exchange's trading days, or every weekday with MARKET_HOURS=always. A
 * clock that jumps over a holiday (a played session) schedules nothing on it.
 */
function tradingDays(app: AppContext): DaySet {
  if (app.config.tracker.marketHours === 'always') return 'weekdays';
  return (date) => app.calendar.isTradingDay(date);
}

/** When each job runs. */
function timetable(squareOffTime: string | null, marketDays: DaySet): Slot[] {
  const squareOff: Slot[] = squareOffTime ? [{ job: 'squareOff', at: squareOffTime, days: marketDays }] : [];
  return [
    { job: 'retention', at: '03:00', days: 'every day' },
    { job: 'reloadInstruments', at: '08:30', days: 'every day' },
    { job: 'sessionReminder', at: '08:45', days: marketDays },
    ...squareOff,
    { job: 'dailySummary', at: '15:35', days: marketDays },
  ];
}

/** The holiday list's check runs at start and then daily at this IST time, beside retention. */
const HOLIDAY_CHECK_AT = '03:00';

/**
 * Runs the retention job and the holiday list's check once now, then every job at its IST time on the
 * daemon's clock.
 */
export function startDailyJobs(app: AppContext, jobs: DailyJobs): { jobs: DailyJobs; stop(): void } {
  const { clock, logger } = app;
  const holidayCheck = new HolidayListCheck(app.calendar, logger);
  holidayCheck.run(clock.now());
  jobs.retention();
  const onError = (job: string) => (error: unknown) => logger.error({ job, err: error }, 'daily job failed');
  const cancels = [
    ...timetable(app.config.paper.squareOffTime, tradingDays(app)).map(({ job, at, days }) =>
      scheduleOn(clock, dailyAtIst(at, days), () => jobs[job](), onError(job)),
    ),
    scheduleOn(
      clock,
      dailyAtIst(HOLIDAY_CHECK_AT, 'every day'),
      () => holidayCheck.run(clock.now()),
      onError('holidayListCheck'),
    ),
  ];
  return {
    jobs,
    stop: () => {
      for (const cancel of cancels) cancel();
    },
  };
}
