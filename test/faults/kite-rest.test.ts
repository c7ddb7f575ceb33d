/**
 * Kite's REST API misbehaving under a running daemon: the historical API down from the start, a storm
 * of 429s and 500s, the session refused with 403 TokenException mid-session. The daemon must keep
 * the live chain going and say what is missing, stay within Kite's rate limits while it retries, and
 * catch up once the API is back, with an OI history that has no point twice and none out of order.
 * (test/e2e/kite-session.test.ts covers an expiry that also cuts the ticker; here only REST refuses.)
 * The scenarios use a simulator and a daemon each and run side by side.
 */
import { describe, expect, it } from 'vitest';
import type { ChainJson } from '../../src/http/chain-json.ts';
import type { SimServer } from '../../src/sim/server.ts';
import {
  ONE_SMALL_CHAIN,
  backfillsSettled,
  expectOiHistoryIntact,
  expectTickerCarriesWindow,
  logged,
  rateLimitViolations,
  storedTimesBetween,
  withKiteRig,
  type KiteRig,
} from './support-kite-rig.ts';
import { waitFor } from '../support/wait-for.ts';

const STORM_MS = 20_000;
/** KiteRestClient's default: 4 retries after the first attempt, delays from 0.5 s doubling, jittered to half. */
const ATTEMPTS_PER_CALL = 5;
const MIN_RETRY_DELAY_MS = (retry: number) => 250 * 2 ** retry;
const HISTORICAL_NOTE = /^historical API unavailable \((.+)\): live data only$/;
const QUOTE_NOTE = /^quote API unavailable \((.+)\): no whole-chain figures$/;

const rows = (json: ChainJson) => [...json.call_options, ...json.put_options];

/** Runs cycles until `check` holds for the NSE chain's JSON; returns that JSON. */
async function cycleUntil(
  rig: KiteRig,
  check: (json: ChainJson) => boolean,
  timeoutMs: number,
  what: string,
): Promise<ChainJson> {
  return waitFor(
    async () => {
      await rig.daemon.runCycles();
      const json = await rig.chain('NSE');
      return check(json) && json;
    },
    { timeoutMs: timeoutMs, what: what, intervalMs: 500 },
  );
}

/** Every option in the window has stored OI from before the daemon started: the backfill reached it. */
function backfilledWholeWindow(rig: KiteRig): boolean {
  const stored = rig.daemon.store.loadObservations('NSE', 0);
  return rig.daemon.trackers[0]!.tradableOptions().every(
    (option) => (stored.get(option.token)?.[0]?.time ?? Infinity) < rig.startedAt - 60_000,
  );
}

/**
 * Each historical path's requests, in order: while they keep failing, the n-th retry of a call
 * comes at least its backoff delay after the failure before it (a later call starts afresh).
 */
function expectHistoricalBackoff(sim: SimServer): number {
  const byPath = new Map<string, { at: number; status: number }[]>();
  for (const entry of sim.requestLog) {
    if (!entry.route.includes('/historical/')) continue;
    byPath.set(entry.route, [...(byPath.get(entry.route) ?? []), entry]);
  }
  let checked = 0;
  for (const [route, requests] of byPath) {
    let failuresInCall = 0;
    for (let i = 1; i < requests.length; i++) {
      const previous = requests[i - 1]!;
      if (previous.status === 200) break;
      const retry = failuresInCall % ATTEMPTS_PER_CALL;
      failuresInCall += 1;
      if (retry === ATTEMPTS_PER_CALL - 1) continue; // that call gave up; the next one is a new call
      const gap = requests[i]!.at - previous.at;
      expect(gap, `${route}: retry ${retry + 1} after ${gap} ms`).toBeGreaterThanOrEqual(
        MIN_RETRY_DELAY_MS(retry),
      );
      checked += 1;
    }
  }
  return checked;
}

describe.concurrent('Kite REST faults under the running daemon', () => {
  it('historical API down at start: live data only and the notes say so; the backfill catches up once it is back', async () => {
    const settings = { ...ONE_SMALL_CHAIN, HISTORICAL_DATA_MINUTES: '40' };
    await withKiteRig(
      {
        seed: 601,
        settings,
        beforeDaemon: (sim) => {
          sim.faults.historicalDown = true;
        },
      },
      async (rig) => {
        const degraded = await cycleUntil(
          rig,
          (json) => json.status === 'Live' && json.notes.some((note) => HISTORICAL_NOTE.test(note)),
          90_000,
          'a Live chain noting the historical API is unavailable',
        );
        expect(degraded.notes).toContainEqual(
          expect.stringMatching(/^historical API unavailable \(historical \d+: Service Unavailable\)/),
        );
        // Live data: every row has the ticker's OI; no window reaches back before the start.
        expect(rows(degraded).length).toBeGreaterThan(0);
        expect(rows(degraded).every((row) => row.oi !== null && row.oi > 0)).toBe(true);
        expect(rows(degraded).every((row) => row.oi_change_pct['30'] === null)).toBe(true);
        const liveOnly = expectOiHistoryIntact(rig);
        const earliest = Math.min(...[...liveOnly.values()].map((points) => points[0]!.time));
        expect(earliest).toBeGreaterThanOrEqual(Math.floor(rig.startedAt / 1000) * 1000);
        const historical = rig.sim.requestLog.filter((entry) => entry.route.includes('/historical/'));
        expect(historical.length).toBeGreaterThan(0);
        expect(historical.filter((entry) => entry.status === 200)).toEqual([]);
        expect(historical.filter((entry) => entry.status === 503 && entry.injected).length).toBeGreaterThan(
          0,
        );

        rig.sim.faults.historicalDown = false;
        const recovered = await cycleUntil(
          rig,
          (json) =>
            json.status === 'Live' &&
            !json.notes.some((note) => HISTORICAL_NOTE.test(note)) &&
            backfilledWholeWindow(rig),
          60_000,
          'the backfill to reach every option in the window',
        );
        await backfillsSettled(rig);
        expect(rows(recovered).every((row) => row.oi_change_pct['30'] !== null)).toBe(true);
        expectOiHistoryIntact(rig);
        expect(expectHistoricalBackoff(rig.sim)).toBeGreaterThan(0);
        expect(rateLimitViolations(rig)).toEqual([]);
        expect(logged(rig, 'cycle failed')).toEqual([]);
      },
    );
  }, 180_000);

  it("a storm of 429s and 500s: retries with backoff within Kite's limits, nothing crashes, data flows after", async () => {
    let stormFrom = 0;
    const arm = (sim: SimServer) => {
      stormFrom = Date.now();
      sim.faults.failRoute('other', { status: [500, 429], times: 2 }); // the instrument list at start-up
      sim.faults.failRoute('quote', { status: [429, 500], forMs: STORM_MS });
      sim.faults.failRoute('historical', { status: [500, 429], forMs: STORM_MS });
    };
    await withKiteRig({ seed: 602, settings: ONE_SMALL_CHAIN, beforeDaemon: arm }, async (rig) => {
      const instrumentLists = rig.sim.requestLog.filter((entry) =>
        /^GET \/instruments\/[A-Z]+$/.test(entry.route),
      );
      expect(instrumentLists.filter((entry) => entry.injected).map((entry) => entry.status)).toEqual([
        500, 429,
      ]);
      expect(instrumentLists.filter((entry) => entry.status === 200)).toHaveLength(2); // NSE and NFO

      // Through the storm the chain keeps cycling on live ticks and says what is missing.
      const stormy = await cycleUntil(
        rig,
        (json) => json.status === 'Live' && json.notes.some((note) => QUOTE_NOTE.test(note)),
        STORM_MS + 10_000,
        'a Live chain noting the quote API is unavailable',
      );
      expect(stormy.notes.find((note) => QUOTE_NOTE.test(note))).toMatch(
        /\(quote: (Too many requests|Internal server error)\)/,
      );
      expect(stormy.pcr_all).toBeNull();
      expect((await rig.health()).status).toBe(200);

      const after = await cycleUntil(
        rig,
        (json) =>
          json.status === 'Live' &&
          json.notes.length === 0 &&
          json.pcr_all !== null &&
          backfilledWholeWindow(rig),
        STORM_MS + 60_000,
        'quotes and the backfill to come through after the storm',
      );
      expect(after.max_pain).not.toBeNull();
      await backfillsSettled(rig);

      const injected = rig.sim.requestLog.filter((entry) => entry.injected);
      expect(injected.filter((entry) => entry.status === 429).length).toBeGreaterThan(0);
      expect(injected.filter((entry) => entry.status === 500).length).toBeGreaterThan(0);
      expect(rateLimitViolations(rig)).toEqual([]);
      expect(expectHistoricalBackoff(rig.sim)).toBeGreaterThan(0);
      expectOiHistoryIntact(rig);
      // The chain kept cycling through the storm and stored the ticks' OI.
      const stormCycles = rig.snapshots.filter(
        (snapshot) => snapshot.atmStrike !== null && snapshot.lastUpdate < stormFrom + STORM_MS,
      );
      expect(stormCycles.length).toBeGreaterThanOrEqual(2);
      expect(storedTimesBetween(rig, 'NSE', stormFrom, stormFrom + STORM_MS).length).toBeGreaterThan(0);
      expect(logged(rig, 'cycle failed')).toEqual([]);
    });
  }, 150_000);

  it('403 TokenException on REST mid-session while the socket streams: one alert, OI still recorded, back after /token', async () => {
    const admin = { owner: 'telegram:1001', chat: 'telegram:1001' };
    const settings = (sim: SimServer) => ({
      ...ONE_SMALL_CHAIN,
      ACCESS: 'telegram:1001=admin',
      KITE_API_SECRET: sim.credentials.apiSecret,
    });
    await withKiteRig({ seed: 603, settings }, async (rig) => {
      await rig.untilStatus('Live', 30_000);
      await expectTickerCarriesWindow(rig);
      const expiredAt = Date.now();
      rig.sim.credentials.expire(); // REST refuses the token; the open socket keeps streaming

      const refused = await cycleUntil(
        rig,
        (json) => json.notes.some((note) => QUOTE_NOTE.test(note)),
        15_000,
        'the quote API to refuse the session',
      );
      expect(refused.notes.find((note) => QUOTE_NOTE.test(note))).toMatch(/TokenException|access_token/);
      await waitFor(() => rig.alerts.some((alert) => alert.kind === 'session_expired'), {
        timeoutMs: 5000,
        what: 'the session-expired alert',
        intervalMs: 200,
      });
      expect(rig.daemon.session.state).toBe('expired');
      // The daemon stays up and the chain stays Live on ticks, storing OI all along.
      const stillLive = await cycleUntil(
        rig,
        () => storedTimesBetween(rig, 'NSE', expiredAt, Date.now()).length >= 3,
        15_000,
        'three cycles of OI stored while REST refuses the session',
      );
      expect(stillLive.status).toBe('Live');
      const statusesSinceExpiry = rig.snapshots
        .filter((snapshot) => snapshot.lastUpdate > expiredAt)
        .map((snapshot) => snapshot.status);
      expect(statusesSinceExpiry).not.toContain('Disconnected');
      expect(rig.alerts.filter((alert) => alert.kind === 'session_expired')).toHaveLength(1);
      expect((await rig.daemon.commands.handle('/status', admin)).text).toMatch(/Kite session expired/);
      // A 403 is not retried: at most one refused quote request per cycle (each cycle asks once; one
      // cycle may have started just before the expiry).
      const refusedQuotes = rig.sim.requestLog.filter(
        (entry) => entry.status === 403 && entry.route === 'GET /quote',
      ).length;
      const cyclesSinceExpiry = rig.snapshots.filter((snapshot) => snapshot.lastUpdate >= expiredAt).length;
      expect(refusedQuotes).toBeGreaterThan(0);
      expect(refusedQuotes).toBeLessThanOrEqual(cyclesSinceExpiry + 1);

      const tokenSentAt = Date.now();
      const reply = await rig.daemon.commands.handle('/token SomeRequestTok3n', admin);
      expect(reply.error).toBeUndefined();
      expect(reply.text).toBe('Kite session for SIM001 is in use; market data is restarting.');
      await waitFor(() => rig.alerts.some((alert) => alert.kind === 'session_renewed'), {
        timeoutMs: 5000,
        what: 'the session-renewed alert',
        intervalMs: 200,
      });
      const back = await cycleUntil(
        rig,
        (json) => json.status === 'Live' && json.notes.length === 0 && json.pcr_all !== null,
        30_000,
        'whole-chain figures again after the new token',
      );
      expect(back.call_options.length).toBeGreaterThan(0);
      expect(rig.daemon.session.state).toBe('valid');
      expect(logged(rig, 'ticker connected').some((entry) => entry.time >= tokenSentAt)).toBe(true);
      await expectTickerCarriesWindow(rig);
      await backfillsSettled(rig);
      expectOiHistoryIntact(rig);
      expect(rateLimitViolations(rig)).toEqual([]);
      expect(logged(rig, 'cycle failed')).toEqual([]);
    });
  }, 90_000);
});
