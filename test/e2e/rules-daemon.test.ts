/**
 * Alert rules on the daemon against the simulator: a rule fires on the cycle its condition first holds,
 * re-arms, keeps its cooldown, survives a restart without repeating a firing, and the replay of the
 * stored day (/rule test) fires at exactly the instants the live cycles fired at.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { configAgainstSim } from '../support/daemon-config.ts';
import { waitFor } from '../support/wait-for.ts';

const silent = pino({ level: 'silent' });
const CONSOLE = { owner: 'console' };
const NIFTY_INDEX = 256_265;

describe('alert rules on the simulator', () => {
  let sim: SimServer;
  let daemon: Daemon | undefined;
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-rules-')), 'oi.db');
  const snapshots: ChainSnapshot[] = [];
  const alerts: Alert[] = [];
  let threshold = 0;

  async function start(): Promise<Daemon> {
    const started = await startDaemon(
      configAgainstSim(sim, {
        DB_PATH: dbPath,
        ALERT_COOLDOWN_MINUTES: '0',
        QUIET_HOURS: '',
        // One chain, one expiry: a cycle asks Kite for one quote (1 request/s).
        CHAINS: 'NSE:NIFTY 50:NIFTY:NFO:50',
        EXPIRIES_TRACKED: '1',
      }),
      silent,
    );
    started.trackers.find((tracker) => tracker.spec.id === 'NSE')!.on('snapshot', (s) => snapshots.push(s));
    started.alerts.on('alert', (alert) => alerts.push(alert));
    return started;
  }

  /** Runs a cycle in each new second, `count` times. */
  async function cycles(count: number): Promise<void> {
    let lastSecond = 0;
    for (let i = 0; i < count; i++) {
      await waitFor(() => Math.floor(Date.now() / 1000) > lastSecond, { timeoutMs: 5000, intervalMs: 20 });
      lastSecond = Math.floor(Date.now() / 1000);
      await daemon!.runCycles();
    }
    await daemon!.alerts.idle();
  }

  /** The firings of `price > threshold` with `cooldownMs`, worked out by hand over the Live cycles. */
  function expectedFirings(cooldownMs: number): number[] {
    let armed = true;
    let lastFired: number | null = null;
    const fired: number[] = [];
    for (const snapshot of snapshots.filter((s) => s.status === 'Live')) {
      const holds = snapshot.underlyingPrice !== null && snapshot.underlyingPrice > threshold;
      if (!holds) armed = true;
      else if (armed && (lastFired === null || snapshot.lastUpdate - lastFired >= cooldownMs)) {
        fired.push(snapshot.lastUpdate);
        armed = false;
        lastFired = snapshot.lastUpdate;
      }
    }
    return fired;
  }

  const firedBy = (name: string) =>
    alerts
      .filter((alert) => alert.kind === 'rule' && alert.title === `NSE: rule ${name}`)
      .map((a) => a.dataTime);

  beforeAll(async () => {
    sim = await startSimServer({ seed: 21, speed: 30 });
    daemon = await start();
    // Just under the index now: the rules hold at once and the walk crosses back and forth.
    threshold = Math.round(sim.market.underlyingPrice(NIFTY_INDEX, sim.now()) * 100) / 100 - 0.5;
    for (const [name, extra] of [
      ['every', ''],
      ['minute', ' cooldown=1'],
    ]) {
      const reply = await daemon.commands.handle(
        `/rule add ${name} NSE price > ${threshold}${extra}`,
        CONSOLE,
      );
      expect(reply.text).toMatch(new RegExp(`^Rule ${name} is on for NSE: price > `));
      expect(reply.text).toContain('it would not have fired'); // nothing stored yet
    }
  }, 60_000);
  afterAll(async () => {
    await daemon?.stop();
    await sim.close();
  });

  it(
    'fires on the cycle its condition first holds, re-arms, and keeps its cooldown',
    { timeout: 90_000 },
    async () => {
      await cycles(10);
      await waitFor(() => firedBy('every').length >= 1, { what: 'the first firing' });
      expect(firedBy('every')).toEqual(expectedFirings(0));
      expect(firedBy('minute')).toEqual(expectedFirings(60_000));
      const firstLive = snapshots.find((s) => s.status === 'Live' && s.underlyingPrice! > threshold)!;
      expect(firedBy('every')[0]).toBe(firstLive.lastUpdate);
      const text = alerts.find((alert) => alert.title === 'NSE: rule every')!.text;
      expect(text).toContain(`Rule every: price > ${threshold}`);
      expect(text).toMatch(/^price = \d+(\.\d+)?$/m);
      expect(text).toMatch(/Data as of \d{2}:\d{2}:\d{2} IST/);
    },
  );

  it(
    'survives a restart: the rules and their state are kept, no firing is repeated',
    { timeout: 90_000 },
    async () => {
      await daemon!.stop();
      daemon = await start();
      const listed = await daemon.commands.handle('/rules', CONSOLE);
      expect(listed.text).toMatch(
        /● every · NSE · price > [\d.]+ · cooldown 0 min \(default\) · on · (last fired|never fired)/,
      );
      expect(listed.text).toMatch(/● minute · NSE · price > [\d.]+ · cooldown 1 min/);
      await cycles(6);
      expect(firedBy('every')).toEqual(expectedFirings(0));
      expect(firedBy('minute')).toEqual(expectedFirings(60_000));
    },
  );

  it(
    'the replay of the stored day fires at the same instants as the live cycles did',
    { timeout: 60_000 },
    async () => {
      const reply = await daemon!.commands.handle(`/rule test NSE price > ${threshold} days=1`, CONSOLE);
      const live = firedBy('every');
      expect(reply.text).toContain(`would have fired ${live.length} time`);
      const response = await fetch(
        `${daemon!.apiUrl}/api/rules/test?chain=NSE&condition=${encodeURIComponent(`price > ${threshold}`)}&days=1`,
      );
      const body = (await response.json()) as { firings: string[]; fired_days: number };
      expect(body.firings.map((iso) => Date.parse(iso))).toEqual(live);
      expect(body.fired_days).toBe(live.length > 0 ? 1 : 0);
    },
  );
});
