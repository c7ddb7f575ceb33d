import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startDailyJobs, type DailyJobs } from '../../src/app/daily-jobs.ts';
import { appContext } from '../../src/app/context.ts';
import { HolidayListCheck } from '../../src/calendar/holiday-list-check.ts';
import { MarketCalendar } from '../../src/calendar/market-hours.ts';
import { loadConfig } from '../../src/config.ts';
import { SimClock } from '../../src/sim/clock.ts';
import { istWallClock } from '../../src/util/ist.ts';
import { waitFor } from '../support/wait-for.ts';

interface LogLine {
  level: number;
  msg: string;
  year?: number;
  file?: string;
}

/** A real pino logger writing its JSON lines into `lines`. */
function capturingLogger(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const WARN = 40;
const warnings = (lines: LogLine[]) => lines.filter((line) => line.level === WARN);

describe('the holiday list check', () => {
  const calendar = new MarketCalendar(
    new Map([
      ['2026-01-26', 'Republic Day'],
      ['2026-12-25', 'Christmas'],
    ]),
    '/opt/oi-tracker/src/calendar/nse-holidays.json',
  );

  it('warns, naming the file, when the IST year has no entries; at most once a day', async () => {
    const { logger, lines } = capturingLogger();
    const check = new HolidayListCheck(calendar, logger);
    expect(check.run(istWallClock('2026-12-31', '23:59'))).toBe(false);
    // 2027-01-01 00:30 IST is still 2026 in UTC: the year is the exchange's.
    expect(check.run(istWallClock('2027-01-01', '00:30'))).toBe(true);
    expect(check.run(istWallClock('2027-01-01', '03:00'))).toBe(false);
    expect(check.run(istWallClock('2027-01-02', '03:00'))).toBe(true);
    await waitFor(() => lines.length === 2, { what: 'two log lines' });
    expect(warnings(lines)).toHaveLength(2);
    expect(lines[0]).toMatchObject({ year: 2027, file: '/opt/oi-tracker/src/calendar/nse-holidays.json' });
    expect(lines[0]!.msg).toContain(
      'no exchange holidays listed for 2027: add the NSE/BSE holiday list for 2027 to /opt/oi-tracker/src/calendar/nse-holidays.json',
    );
  });

  it('knows the years of the shipped list and where it lives', () => {
    const shipped = MarketCalendar.fromFile();
    expect(shipped.listsYear('2026')).toBe(true);
    expect(shipped.listsYear('2031')).toBe(false);
    expect(shipped.file).toMatch(/src\/calendar\/nse-holidays\.json$/);
  });
});

describe('the daily jobs warn about a missing holiday year on the daemon’s clock', () => {
  let stop = () => {};
  afterEach(() => stop());

  /** Daily jobs that only count their runs. */
  function countingJobs(): DailyJobs & { runs: string[] } {
    const runs: string[] = [];
    return {
      runs,
      retention: () => (runs.push('retention'), null),
      reloadInstruments: async () => void runs.push('reloadInstruments'),
      sessionReminder: async () => void runs.push('sessionReminder'),
      squareOff: () => void runs.push('squareOff'),
      dailySummary: () => void runs.push('dailySummary'),
    };
  }

  function start(clock: SimClock) {
    const { logger, lines } = capturingLogger();
    const config = loadConfig({ MARKET_DATA: 'sim', DB_PATH: '/nonexistent/unused.db' });
    const daily = startDailyJobs(appContext(config, logger, clock), countingJobs());
    stop = daily.stop;
    return lines;
  }

  it('at start when the clock is in a year the list does not cover', async () => {
    const lines = start(new SimClock(1, Date.now, istWallClock('2031-03-03', '10:00')));
    const [warning] = await waitFor(() => warnings(lines).length > 0 && warnings(lines));
    expect(warning).toMatchObject({ year: 2031 });
    expect(warning!.file).toMatch(/src\/calendar\/nse-holidays\.json$/);
  });

  it('not at start in a listed year; at 03:00 IST of each day once the year has none', async () => {
    // One simulated day is one real second; the clock starts in the last evening of 2026.
    const clock = new SimClock(86_400, Date.now, istWallClock('2026-12-31', '20:00'));
    const lines = start(clock);
    expect(warnings(lines)).toEqual([]);
    await waitFor(() => warnings(lines).length >= 2, { timeoutMs: 5000, what: 'two daily warnings' });
    expect(clock.now()).toBeGreaterThanOrEqual(istWallClock('2027-01-02', '03:00'));
    expect(warnings(lines).map((line) => line.year)).toEqual([2027, 2027]);
  });
});
