import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { appContext } from '../../src/app/context.ts';
import { startDailyJobs, type DailyJobs } from '../../src/app/daily-jobs.ts';
import { loadConfig } from '../../src/config.ts';
import { InstrumentCatalogue } from '../../src/kite/instrument-catalogue.ts';
import { SimClock } from '../../src/sim/clock.ts';
import { SimMarket } from '../../src/sim/market-model.ts';
import { istWallClock } from '../../src/util/ist.ts';
import { waitFor } from '../support/wait-for.ts';

const NIFTY = { name: 'NIFTY', exchange: 'NFO' };

describe('the instrument list, reloaded daily', () => {
  let stop = () => {};
  afterEach(() => stop());

  it('a reloaded list brings the new series: the expiries the trackers roll on to', () => {
    const monday = istWallClock('2026-12-07', '09:00');
    const catalogue = new InstrumentCatalogue(new SimMarket({ seed: 3, asOf: monday }).instruments());
    const before = catalogue.upcomingExpiries(NIFTY, monday);
    const threeWeeksOn = istWallClock('2026-12-28', '09:00');
    catalogue.replace(new SimMarket({ seed: 3, asOf: threeWeeksOn }).instruments());
    const after = catalogue.upcomingExpiries(NIFTY, threeWeeksOn);
    expect(after[0]! > before[0]!).toBe(true);
    expect(after.filter((expiry) => !before.includes(expiry)).length).toBeGreaterThan(0);
    expect(catalogue.nearestExpiry(NIFTY, threeWeeksOn)).toBe(after[0]);
  });

  it('runs the reload at 08:30 IST every day on the daemon’s clock', async () => {
    const clock = new SimClock(600, Date.now, istWallClock('2026-12-05', '08:25')); // a Saturday
    const reloads: number[] = [];
    const jobs: DailyJobs = {
      retention: () => null,
      reloadInstruments: async () => void reloads.push(clock.now()),
      sessionReminder: async () => undefined,
      squareOff: () => undefined,
      dailySummary: () => undefined,
    };
    const config = loadConfig({ MARKET_DATA: 'sim', DB_PATH: '/nonexistent/unused.db' });
    stop = startDailyJobs(appContext(config, pino({ level: 'silent' }), clock), jobs).stop;
    await waitFor(() => reloads.length > 0, { timeoutMs: 5000, what: 'the 08:30 reload' });
    expect(reloads[0]).toBeGreaterThanOrEqual(istWallClock('2026-12-05', '08:30'));
    expect(reloads[0]).toBeLessThan(istWallClock('2026-12-05', '08:35'));
  });
});
