import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import type { ChainJson } from '../../src/http/chain-json.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import { configAgainstSim } from '../support/daemon-config.ts';
import { untilWindowsSubscribed } from '../support/daemon-cycles.ts';
import { waitFor } from '../support/wait-for.ts';

const silent = pino({ level: 'silent' });

const historicalCalls = (sim: SimServer) =>
  sim.requestLog.filter((entry) => entry.route.includes('/historical/'));

describe('the daemon against the simulator, as against Kite', () => {
  let sim: SimServer;
  let daemon: Daemon | undefined;
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-e2e-')), 'oi.db');
  const config = () => configAgainstSim(sim, { DB_PATH: dbPath, HTTP_TOKEN: 'secret' });
  const get = async (route: string) => {
    const response = await fetch(`${daemon!.apiUrl}${route}`, {
      headers: { Authorization: 'Bearer secret' },
    });
    return { status: response.status, body: (await response.json()) as Record<string, ChainJson> };
  };
  const getOne = async (route: string) => {
    const response = await fetch(`${daemon!.apiUrl}${route}`, {
      headers: { Authorization: 'Bearer secret' },
    });
    return (await response.json()) as ChainJson;
  };
  /** Every row carries delta, gamma, theta and vega: null exactly where IV is, else rounded to 4, 6, 2, 2 decimals. */
  const expectGreeks = (chain: ChainJson) => {
    const decimals = (value: number) => (String(value).split('.')[1] ?? '').length;
    const rows = [...chain.call_options, ...chain.put_options];
    expect(rows.filter((row) => row.iv !== null).length).toBeGreaterThan(11);
    for (const row of rows) {
      const greeks = [row.delta, row.gamma, row.theta, row.vega];
      if (row.iv === null) {
        expect(greeks).toEqual([null, null, null, null]);
        continue;
      }
      const [delta, gamma, theta, vega] = greeks as number[];
      expect([decimals(delta!), decimals(gamma!), decimals(theta!), decimals(vega!)]).toSatisfy(
        (counts: number[]) => counts[0]! <= 4 && counts[1]! <= 6 && counts[2]! <= 2 && counts[3]! <= 2,
      );
      const callSide = chain.call_options.includes(row);
      expect(delta).toBeGreaterThanOrEqual(callSide ? 0 : -1);
      expect(delta).toBeLessThanOrEqual(callSide ? 1 : 0);
      expect(gamma).toBeGreaterThanOrEqual(0);
      expect(vega).toBeGreaterThanOrEqual(0);
    }
  };
  const fiveMinuteChanges = (chain: ChainJson) =>
    [...chain.call_options, ...chain.put_options].filter((row) => row.oi_change_pct['5'] !== null).length;

  beforeAll(async () => {
    sim = await startSimServer({ seed: 21 });
  });
  afterAll(async () => {
    await daemon?.stop();
    await sim.close();
  });

  it('fills /api/data for both chains with 5-minute OI changes and writes rows', async () => {
    daemon = await startDaemon(config(), silent);
    // Cycles until the index ticks are in: the first with a price subscribes the window and starts the backfill.
    await untilWindowsSubscribed(daemon);
    await waitFor(
      async () => {
        await Promise.all(daemon!.allTrackers.map((tracker) => tracker.backfillSettled()));
        await daemon!.runCycles();
        const { body } = await get('/api/data');
        const next = await Promise.all(['NSE', 'BSE'].map((id) => getOne(`/api/data/${id}?expiry=next`)));
        return [...Object.values(body), ...next].every(
          (chain) => chain.status === 'Live' && fiveMinuteChanges(chain) === 22,
        );
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'both expiries of both chains live with 5-minute changes' },
    );

    const { body } = await get('/api/data');
    expect(Object.keys(body)).toEqual(['NSE', 'BSE']);
    for (const [id, chain] of Object.entries(body)) {
      expect(chain.exchange).toBe(id);
      expect(chain.call_options).toHaveLength(11);
      expect(chain.put_options).toHaveLength(11);
      expect(chain.atm_strike).toBe(chain.call_options[5]!.strike);
      expect(chain.expiry).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(chain.last_update).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:30$/);
      expect(chain.pcr).toBeGreaterThan(0);
      expect(chain.pcr_all).toBeGreaterThan(0);
      expect(chain.max_pain).not.toBeNull();
      expect(Object.keys(chain.call_options[0]!.oi_change_pct)).toEqual(['5', '10', '15', '30']);
      expect(chain.call_options[5]!.moneyness).toBe('ATM');
      expect(chain.call_options[0]!.moneyness).toBe('ITM');
      expect(chain.put_options[0]!.moneyness).toBe('OTM');
      expect(chain.call_options.every((row) => row.iv === null || (row.iv > 1 && row.iv < 100))).toBe(true);
      expectGreeks(chain);
    }
    expect(body.NSE!.underlying).toBe('NIFTY 50');
    expect(body.BSE!.underlying).toBe('SENSEX');

    const db = new Database(dbPath, { readonly: true });
    const rows = db
      .prepare("SELECT count(*) AS n FROM option_chain_snapshots WHERE exchange = 'NSE'")
      .get() as {
      n: number;
    };
    db.close();
    expect(rows.n).toBeGreaterThan(26);
  }, 90_000);

  it('answers by alias, refuses unknown chains and missing tokens, and reports health', async () => {
    expect((await get('/api/data/nifty')).body.exchange).toBe('NSE');
    const unknown = await get('/api/data/NASDAQ');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/unknown chain "NASDAQ"; tracked chains: NSE, BSE/);
    const anonymous = await fetch(`${daemon!.apiUrl}/api/data`);
    expect(anonymous.status).toBe(401);
    const health = await fetch(`${daemon!.apiUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: { ok: true } });
    const events = await fetch(`${daemon!.apiUrl}/api/events`, {
      headers: { Authorization: 'Bearer secret' },
    });
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    const reader = events.body!.getReader();
    void daemon!.runCycles();
    let received = '';
    while (!received.includes('event: data_update_BSE'))
      received += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(received).toMatch(/event: data_update_NSE\ndata: \{"exchange":"NSE"/);
    const metrics = await fetch(`${daemon!.apiUrl}/metrics`, { headers: { Authorization: 'Bearer secret' } });
    expect(await metrics.text()).toMatch(/oi_tracker_ticks_total \d+/);
  });

  it('after a restart within 30 minutes keeps the OI changes without calling the historical API', async () => {
    await daemon!.stop();
    daemon = undefined;
    const before = historicalCalls(sim).length;
    daemon = await startDaemon(config(), silent);
    // Cycles until the window is subscribed and has ticked (on a busy machine this can take a while).
    await waitFor(
      async () => {
        await daemon!.runCycles();
        const { body } = await get('/api/data');
        const next = await Promise.all(['NSE', 'BSE'].map((id) => getOne(`/api/data/${id}?expiry=next`)));
        return [...Object.values(body), ...next].every((chain) => fiveMinuteChanges(chain) === 22);
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'OI changes of both expiries from the reloaded history' },
    );
    await Promise.all(daemon.allTrackers.map((tracker) => tracker.backfillSettled()));
    expect(historicalCalls(sim).length).toBe(before);
  }, 45_000);
});
