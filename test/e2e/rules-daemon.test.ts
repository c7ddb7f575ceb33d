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
        // Only the test runs cycles, each in a second of its own: two cycles in one second are stored as one
        // (the later), so the live rules would have seen a cycle the stored day does not have.
        REFRESH_INTERVAL_SECONDS: '1800',
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

  /**
   * The firings of `price > below` with `cooldownMs`, worked out by hand over the Live cycles: `stored`
   * over the cycles the store keeps (the last of each second), `live` as the alerts go out (a second
   * cycle in the same second is stepped from the state before the first, and its instant alerts once).
   */
  function expectedFirings(cooldownMs: number, below = threshold): { live: number[]; stored: number[] } {
    let state = { armed: true, lastFired: null as number | null };
    const step = (from: typeof state, price: number | null, time: number) => {
      const holds = price !== null && price > below;
      if (!holds) return { fire: false, state: { ...from, armed: true } };
      if (!from.armed || (from.lastFired !== null && time - from.lastFired < cooldownMs))
        return { fire: false, state: from };
      return { fire: true, state: { armed: false, lastFired: time } };
    };
    const live: number[] = [];
    const stored: number[] = [];
    const seconds = new Map<number, ChainSnapshot[]>();
    for (const s of snapshots.filter((x) => x.status === 'Live'))
      seconds.set(s.lastUpdate, [...(seconds.get(s.lastUpdate) ?? []), s]);
    for (const [time, group] of seconds) {
      let after = state;
      let alerted = false;
      let last = false;
      for (const s of group) {
        const result = step(state, s.underlyingPrice, time);
        if (result.fire && !alerted) live.push(time);
        alerted ||= result.fire;
        last = result.fire;
        after = result.state;
      }
      if (last) stored.push(time);
      state = after;
    }
    return { live, stored };
  }

  const firedBy = (name: string) =>
    alerts
      .filter((alert) => alert.kind === 'rule' && alert.title === `NSE: rule ${name}`)
      .map((a) => a.dataTime);

  beforeAll(async () => {
    sim = await startSimServer({ seed: 21, speed: 30 });
    daemon = await start();
    // `first` holds on every cycle: it fires once, on the first Live one. `every` and `minute` sit just
    // under the index now: the walk may cross them back and forth (their firings are worked out by hand).
    const now = Math.round(sim.market.underlyingPrice(NIFTY_INDEX, sim.now()) * 100) / 100;
    threshold = now - 0.5;
    for (const [name, extra] of [
      ['first', `price > ${now - 1000}`],
      ['every', `price > ${threshold}`],
      ['minute', `price > ${threshold} cooldown=1`],
    ]) {
      const reply = await daemon.commands.handle(`/rule add ${name} NSE ${extra}`, CONSOLE);
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
      await waitFor(() => firedBy('first').length >= 1, { what: 'the first firing' });
      const firstLive = snapshots.find((s) => s.status === 'Live')!;
      expect(firedBy('first')).toEqual([firstLive.lastUpdate]);
      expect(firedBy('every')).toEqual(expectedFirings(0).live);
      expect(firedBy('minute')).toEqual(expectedFirings(60_000).live);
      const text = alerts.find((alert) => alert.title === 'NSE: rule first')!.text;
      expect(text).toMatch(/^Rule first: price > [\d.]+$/m);
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
        /● first · NSE · price > [\d.]+ · cooldown 0 min \(default\) · on · last fired/,
      );
      expect(listed.text).toMatch(/● every · NSE · price > [\d.]+ · cooldown 0 min \(default\) · on/);
      expect(listed.text).toMatch(/● minute · NSE · price > [\d.]+ · cooldown 1 min/);
      await cycles(6);
      expect(firedBy('first')).toHaveLength(1); // still holds, never false: no second firing
      expect(firedBy('every')).toEqual(expectedFirings(0).live);
      expect(firedBy('minute')).toEqual(expectedFirings(60_000).live);
    },
  );

  it(
    'the replay of the stored day fires at the same instants as the live cycles did',
    { timeout: 60_000 },
    async () => {
      const rules = daemon!.commands;
      for (const [name, below] of [
        ['first', null],
        ['every', threshold],
      ] as const) {
        const condition = (await rules.handle('/rules', CONSOLE)).text.match(
          new RegExp(`${name} · NSE · (price > ([\\d.]+)) ·`),
        )!;
        const expected = expectedFirings(0, below ?? Number(condition[2]));
        const live = firedBy(name);
        expect(live).toEqual(expected.live);
        // What the store kept is what the replay reads: equal to the live alerts unless the tracker
        // published two cycles in one second and only the earlier of them fired.
        const reply = await rules.handle(`/rule test NSE ${condition[1]} days=1`, CONSOLE);
        const count = expected.stored.length;
        expect(reply.text).toContain(count === 0 ? 'would not have fired' : `would have fired ${count} time`);
        const response = await fetch(
          `${daemon!.apiUrl}/api/rules/test?chain=NSE&condition=${encodeURIComponent(condition[1]!)}&days=1`,
        );
        const body = (await response.json()) as { firings: string[]; fired_days: number };
        expect(body.firings.map((iso) => Date.parse(iso))).toEqual(expected.stored);
        expect(body.fired_days).toBe(count > 0 ? 1 : 0);
        if (expected.live.length === expected.stored.length) expect(expected.stored).toEqual(live);
      }
    },
  );
});
