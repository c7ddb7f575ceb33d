/**
 * The time machine against the daemon on the simulator: every snapshot a cycle publishes (its
 * `data_update_<chain>` event) comes back field for field from `/api/data/<chain>?at=`, between two
 * cycles too, and again after a restart.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import type { ChainJson } from '../../src/http/chain-json.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import { configAgainstSim } from '../support/daemon-config.ts';
import { untilWindowsSubscribed } from '../support/daemon-cycles.ts';
import { collectEvents } from '../support/event-stream.ts';
import { waitFor } from '../support/wait-for.ts';

const silent = pino({ level: 'silent' });
const TOKEN = 'secret';
const CYCLES = 8;

/** What a stored cycle must give back: the published JSON with the history's status and no age. */
const asHistory = (published: ChainJson) => ({ ...published, status: 'History', data_age_s: null });

describe('the chain at a past instant', () => {
  let sim: SimServer;
  let daemon: Daemon | undefined;
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-history-')), 'oi.db');
  const config = () => configAgainstSim(sim, { DB_PATH: dbPath, HTTP_TOKEN: TOKEN });
  const published = new Map<string, ChainJson>();
  const publishedNext = new Map<string, ChainJson>();
  const get = async (route: string) => {
    const response = await fetch(`${daemon!.apiUrl}${route}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    return { status: response.status, body: (await response.json()) as ChainJson & { error?: string } };
  };
  const at = (json: ChainJson, instant: string) =>
    get(`/api/data/${json.exchange}?at=${encodeURIComponent(instant)}`);

  /** Runs a cycle in each new second, `count` times, recording what each publishes. */
  async function recordCycles(count: number): Promise<void> {
    const stream = await collectEvents(`${daemon!.apiUrl}/api/events`, TOKEN);
    let lastSecond = 0;
    for (let i = 0; i < count; i++) {
      await waitFor(() => Math.floor(Date.now() / 1000) > lastSecond, { timeoutMs: 5000, intervalMs: 20 });
      lastSecond = Math.floor(Date.now() / 1000);
      const before = stream.events.length;
      await daemon!.runCycles();
      await waitFor(
        () => stream.events.filter((e) => e.event.startsWith('data_update_')).length >= before + 4,
        {
          timeoutMs: 5000,
          intervalMs: 10,
        },
      );
    }
    await stream.close();
    for (const { event, data } of stream.events) {
      if (!event.startsWith('data_update_')) continue;
      const json = data as ChainJson;
      // The nearest expiry's events; the next expiry's (`data_update_NSE_next`) are kept apart.
      if (event !== `data_update_${json.exchange}`) {
        if (json.status === 'Live') publishedNext.set(`${json.exchange} ${json.last_update}`, json);
      } else if (json.status === 'Live' || json.status === 'Stale') {
        published.set(`${json.exchange} ${json.last_update}`, json);
      }
    }
  }

  beforeAll(async () => {
    sim = await startSimServer({ seed: 13, speed: 30 });
    daemon = await startDaemon(config(), silent);
    await untilWindowsSubscribed(daemon);
  });
  afterAll(async () => {
    await daemon?.stop();
    await sim.close();
  });

  it(
    'answers each published cycle field for field, and the latest cycle for an instant between two',
    { timeout: 90_000 },
    async () => {
      await recordCycles(CYCLES);
      expect(published.size).toBeGreaterThanOrEqual(2 * (CYCLES - 1));
      const withBackfill = [...published.values()].filter((json) =>
        json.call_options.some((row) => row.oi_change_pct['5'] !== null),
      );
      expect(withBackfill.length).toBeGreaterThan(0);
      for (const json of published.values()) {
        const answer = await at(json, json.last_update);
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual(asHistory(json));
      }
      // The next expiry's cycles come back with ?expiry=next, and with ?expiry=<its date>.
      expect(publishedNext.size).toBeGreaterThanOrEqual(2 * (CYCLES - 1));
      for (const json of publishedNext.values()) {
        const next = await get(
          `/api/data/${json.exchange}?at=${encodeURIComponent(json.last_update)}&expiry=next`,
        );
        expect(next.body).toEqual(asHistory(json));
        const dated = await get(
          `/api/data/${json.exchange}?at=${Date.parse(json.last_update)}&expiry=${json.expiry}`,
        );
        expect(dated.body).toEqual(asHistory(json));
      }
      // Half a second after a cycle (epoch ms): still that cycle.
      const nse = [...published.values()].filter((json) => json.exchange === 'NSE');
      const middle = nse[Math.floor(nse.length / 2)]!;
      const between = await at(middle, String(Date.parse(middle.last_update) + 500));
      expect(between.body).toEqual(asHistory(middle));
    },
  );

  it('answers the same after a restart', { timeout: 90_000 }, async () => {
    await daemon!.stop();
    daemon = await startDaemon(config(), silent);
    for (const json of published.values()) {
      const answer = await at(json, json.last_update);
      expect(answer.body).toEqual(asHistory(json));
    }
    // The restarted daemon's own cycles come back too.
    await untilWindowsSubscribed(daemon);
    const before = published.size;
    await recordCycles(3);
    expect(published.size).toBeGreaterThan(before);
    for (const json of published.values())
      expect((await at(json, json.last_update)).body).toEqual(asHistory(json));
  });

  it('answers from the database alone: the same with the historical and quote APIs down', async () => {
    sim.faults.historicalDown = true;
    sim.faults.failRoute('quote', { status: 503, forMs: 60_000 });
    const requestsBefore = sim.requestLog.length;
    for (const json of published.values())
      expect((await at(json, json.last_update)).body).toEqual(asHistory(json));
    expect(
      sim.requestLog.slice(requestsBefore).filter((entry) => entry.route.includes('/historical/')),
    ).toEqual([]);
    sim.faults.clear();
  });

  it('answers /api/diff, /api/heatmap and /api/straddle over HTTP from the same cycles', async () => {
    const nse = [...published.values()].filter((json) => json.exchange === 'NSE');
    const [first, last] = [nse[0]!, nse.at(-1)!];
    const json = async (route: string) => {
      const response = await fetch(`${daemon!.apiUrl}${route}`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const diff = await json(
      `/api/diff/NSE?from=${Date.parse(first.last_update)}&to=${encodeURIComponent(last.last_update)}`,
    );
    expect(diff.status).toBe(200);
    expect(diff.body).toMatchObject({ exchange: 'NSE', from: first.last_update, to: last.last_update });
    const rows = diff.body.rows as {
      strike: number;
      ce: { oi_to: number | null };
      pe: { oi_to: number | null };
    }[];
    expect(rows.map((row) => row.strike)).toEqual(last.call_options.map((row) => row.strike));
    expect(rows.map((row) => row.ce.oi_to)).toEqual(last.call_options.map((row) => row.oi));
    const straddle = await json('/api/straddle/NSE');
    const entries = straddle.body.entries as { time: string; straddle: number | null }[];
    for (const cycle of nse) {
      const atmCall = cycle.call_options.find((row) => row.strike === cycle.atm_strike)!;
      const atmPut = cycle.put_options.find((row) => row.strike === cycle.atm_strike)!;
      const entry = entries.find((candidate) => candidate.time === cycle.last_update)!;
      expect(entry.straddle).toBe(Math.round((atmCall.ltp! + atmPut.ltp!) * 100) / 100);
    }
    const heatmap = await json('/api/heatmap/NSE?window=5');
    expect(heatmap.status).toBe(200);
    expect(heatmap.body.window).toBe(5);
    expect((heatmap.body.columns as string[]).at(-1)).toBe(entries.at(-1)!.time);
    const refusals = await Promise.all([
      json('/api/diff/NSE'),
      json('/api/heatmap/NSE?window=7'),
      json('/api/straddle/NSE?date=2020-01-01'),
      json('/api/heatmap/NSE?date=yesterday'),
      json('/api/straddle/XYZ'),
    ]);
    expect(refusals.map((answer) => [answer.status, answer.body.error])).toEqual([
      [400, '"from" is missing; e.g. from=10:30&to=11:15'],
      [400, '"7" is not an OI window; use one of 5m, 10m, 15m, 30m'],
      [400, expect.stringMatching(/^2020-01-01 is older than RETENTION_DAYS \(30 days\)/)],
      [400, expect.stringMatching(/^"yesterday" is not a date; use YYYY-MM-DD/)],
      [404, 'unknown chain "XYZ"; tracked chains: NSE, BSE'],
    ]);
  });

  it('refuses bad instants and unknown chains with one clear line, and says when a day has nothing before', async () => {
    const nse = [...published.values()].find((json) => json.exchange === 'NSE')!;
    const bad = await at(nse, 'half past ten');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/is not an instant; use HH:MM/);
    const future = await at(nse, String(Date.now() + 3_600_000));
    expect(future.status).toBe(400);
    expect(future.body.error).toMatch(/in the future/);
    const old = await at(nse, String(Date.now() - 40 * 86_400_000));
    expect(old.status).toBe(400);
    expect(old.body.error).toMatch(/older than RETENTION_DAYS \(30 days\)/);
    const unknown = await get('/api/data/XYZ?at=10:30');
    expect(unknown.status).toBe(404);
    // The database is this test's: nothing is stored at today's 00:00 IST.
    const midnight = await at(nse, '00:00');
    expect(midnight.status).toBe(404);
    expect(midnight.body.error).toMatch(
      /^NSE has no stored cycle on \d{4}-\d\d-\d\d at or before 00:00 IST; the first stored minute that day is \d\d:\d\d IST$/,
    );
  });
});
