import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { SimClock } from '../../src/sim/clock.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { istDateOf, istWallClock } from '../../src/util/ist.ts';
import { waitFor } from '../support/wait-for.ts';

/** 40 played seconds a real second: ten played minutes in fifteen seconds. */
const SIM_SPEED = '40';
const TEN_MINUTES = 10 * 60_000;

function distinctFiveMinuteChanges(snapshot: ChainSnapshot): number[] {
  const changes = [...snapshot.calls, ...snapshot.puts].flatMap((row) => row.oiChangePct['5'] ?? []);
  return [...new Set(changes.map((pct) => Math.round(pct * 10) / 10))];
}

describe('npm start outside market hours plays the last trading session', () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
  });

  const cases = [
    { when: 'at 21:00 IST on a weekday', date: '2026-12-02', time: '21:00', played: '2026-12-02' },
    { when: 'at noon on a Sunday', date: '2026-11-29', time: '12:00', played: '2026-11-27' },
  ];

  it.each(cases)(
    '$when: OI builds differently across strikes and breaches within ten played minutes',
    async ({ date, time, played }) => {
      const clock = new SimClock(1, Date.now, istWallClock(date, time));
      const config = loadConfig({
        MARKET_DATA: 'sim',
        SIM_SPEED,
        SIM_SEED: '11',
        // The simulator ticks every real second, 40 played seconds apart, twice the refresh: the order
        // below fills only because a price may be as old as two ticks, not just two refresh intervals.
        REFRESH_INTERVAL_SECONDS: '20',
        HTTP_PORT: '0',
        DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'oi-session-')), 'sim.db'),
        // The defaults otherwise: SIM_SESSION automatic, OI_CHANGE_WINDOWS=5,10,15,30, thresholds 8,10,15,25.
      });
      daemon = await startDaemon(config, pino({ level: 'silent' }), { clock });
      const running = daemon;
      const open = istWallClock(played, '09:15');
      expect(running.clock.now()).toBeGreaterThanOrEqual(open);
      expect(running.clock.now()).toBeLessThan(open + 60_000);
      expect(running.playedSession()).toMatch(
        new RegExp(`^simulated session of ${played}, now at 09:1[56]$`),
      );
      expect(Math.abs(running.sim!.now() - running.clock.now())).toBeLessThan(60_000);

      const snapshots: ChainSnapshot[] = [];
      for (const tracker of running.trackers) tracker.on('snapshot', (snapshot) => snapshots.push(snapshot));
      const breached = await waitFor(
        () =>
          snapshots.find((snapshot) =>
            [...snapshot.calls, ...snapshot.puts].some((row) => row.breaches.length > 0),
          ),
        { timeoutMs: 15_000, what: 'a breach' },
      );
      expect(istDateOf(breached.lastUpdate)).toBe(played);
      expect(breached.lastUpdate - open).toBeLessThanOrEqual(TEN_MINUTES);

      const varied = await waitFor(
        () =>
          snapshots.find(
            (snapshot) =>
              snapshot.status === 'Live' &&
              snapshot.lastUpdate - open <= TEN_MINUTES &&
              distinctFiveMinuteChanges(snapshot).length >= 8,
          ),
        { timeoutMs: 15_000, what: 'a snapshot whose strikes changed by different amounts' },
      );
      const changes = distinctFiveMinuteChanges(varied);
      expect(Math.max(...changes) - Math.min(...changes)).toBeGreaterThan(3);

      const status = await running.commands.handle('/status', { owner: 'console' });
      expect(status.text).toMatch(new RegExp(`simulated session of ${played}, now at \\d\\d:\\d\\d`));
      const nse = running.trackers.find((tracker) => tracker.spec.id === 'NSE')!.current()!;
      const order = await running.commands.handle(`/buy NSE ${nse.atmStrike}CE 75`, { owner: 'console' });
      expect(order.text).toMatch(/^NSE_P\d+:/);
    },
    30_000,
  );
});
