import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.ts';
import { loadConfig } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { SimClock } from '../../src/sim/clock.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { DAY_MS, istWallClock } from '../../src/util/ist.ts';
import { waitFor } from '../support/wait-for.ts';

const DATE = '2026-11-25'; // a Wednesday
const SPEED = 600;

describe('the whole daemon on a clock of the caller’s choosing', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
  });

  it('stamps snapshots, runs the cycle schedule and fires the 15:35 summary on a clock 600 times faster', async () => {
    // 80 simulated minutes before 15:35 are 8 s of real time: room for the daemon to start.
    const start = istWallClock(DATE, '14:15');
    const clock = new SimClock(SPEED, Date.now, start);
    const config = loadConfig({
      MARKET_DATA: 'sim',
      SIM_SEED: '7',
      MARKET_HOURS: 'always',
      HTTP_PORT: '0',
      DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'oi-app-clock-')), 'oi.db'),
      REFRESH_INTERVAL_SECONDS: '300',
      // No OI-jump alerts: their chain PNGs would only load the machine.
      OI_CHANGE_THRESHOLDS: '100000,100000,100000,100000',
    });
    daemon = await startDaemon(config, pino({ level: 'silent' }), { clock });
    const running = daemon;
    const alerts: Alert[] = [];
    running.alerts.on('alert', (alert) => alerts.push(alert));
    const snapshots: ChainSnapshot[] = [];
    for (const tracker of running.trackers) tracker.on('snapshot', (snapshot) => snapshots.push(snapshot));

    // The in-process simulator shares the clock.
    expect(Math.abs(running.sim!.now() - clock.now())).toBeLessThan(60_000);

    // No runCycles(): the schedule runs every 300 simulated seconds, half a second of real time.
    await waitFor(() => snapshots.length >= running.trackers.length * 3, {
      timeoutMs: 15_000,
      what: 'three scheduled rounds',
    });
    for (const snapshot of snapshots) {
      expect(snapshot.lastUpdate).toBeGreaterThanOrEqual(start);
      expect(snapshot.lastUpdate).toBeLessThanOrEqual(clock.now());
      expect(Date.now() - snapshot.lastUpdate).toBeGreaterThan(DAY_MS);
    }

    const summary = await waitFor(() => alerts.find((alert) => alert.kind === 'daily_summary'), {
      timeoutMs: 20_000,
      what: 'the 15:35 summary',
    });
    expect(summary.title).toBe(`End of day ${DATE}`);
    // At 15:35 of the clock (a timer half a second late is five simulated minutes late).
    expect(summary.dataTime).toBeGreaterThanOrEqual(istWallClock(DATE, '15:35'));
    expect(summary.dataTime).toBeLessThan(istWallClock(DATE, '15:40'));
  }, 40_000);
});
