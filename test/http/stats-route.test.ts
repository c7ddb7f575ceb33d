import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/http/api-server.ts';
import { MetricsRegistry } from '../../src/http/metrics.ts';
import { paperRoutes } from '../../src/http/paper-routes.ts';
import { readBookStats } from '../../src/paper/book-stats.ts';
import type { TradingDesk } from '../../src/paper/types.ts';
import type { OiStore } from '../../src/store/oi-store.ts';
import {
  EXPECTED,
  EXPECTED_7_DAYS,
  EXPECTED_BY_CHAIN,
  EXPECTED_BY_REASON,
  NOW,
  OWNER,
  storeWithBook,
} from '../paper/stats-book.ts';
import { stubApiSource } from '../support/api-source.ts';

const noDesk: TradingDesk = {
  placeOrder: () => {
    throw new Error('no orders in this test');
  },
  exit: () => [],
  summary: () => ({}),
};

let store: OiStore;
let server: ApiServer;
beforeAll(async () => {
  store = storeWithBook().store;
  server = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    source: stubApiSource(),
    metrics: new MetricsRegistry(),
    routes: paperRoutes(noDesk, ({ owner, days }) =>
      readBookStats(store.paperStore(), { owner, days, now: NOW }),
    ),
  });
});
afterAll(async () => {
  await server.close();
  store.close();
});

const get = async (query: string) => {
  const response = await fetch(`${server.url}/api/stats${query}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('GET /api/stats', () => {
  it("answers the hand-computed figures of one owner's last 30 days by default", async () => {
    const { status, body } = await get(`?owner=${encodeURIComponent(OWNER)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ owner: OWNER, days: 30, from: '2026-10-27', to: '2026-11-25', ...EXPECTED });
    expect(body.by_chain).toMatchObject(EXPECTED_BY_CHAIN);
    expect(body.by_reason).toMatchObject(EXPECTED_BY_REASON);
    const curve = body.equity_curve as { time: string; id: string; equity: number }[];
    expect(curve).toHaveLength(23);
    expect(curve[0]).toEqual({ time: '2026-10-27T10:05:00+05:30', id: 'NSE_P0001', equity: 1875 });
    expect(curve.at(-1)).toEqual({ time: '2026-11-25T10:45:00+05:30', id: 'BSE_P0009', equity: 2898.5 });
  });

  it('takes days=n as the last n IST calendar days including today', async () => {
    const { status, body } = await get(`?owner=${encodeURIComponent(OWNER)}&days=7`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ days: 7, from: '2026-11-19', ...EXPECTED_7_DAYS });
  });

  it('sums every book without an owner', async () => {
    const { body } = await get('');
    // The 23 trades and telegram:2002's −1875 of today; the trade of 2026-10-26 stays outside.
    expect(body).toMatchObject({ owner: null, trades: 24, wins: 11, losses: 12, net: 1023.5 });
  });

  it('gives a book without closed trades a message, not zeros that look like results', async () => {
    const { status, body } = await get('?owner=telegram:3003');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      trades: 0,
      win_rate: null,
      expectancy: null,
      net: null,
      max_drawdown: null,
    });
    expect(body.message).toMatch(/^The book telegram:3003 has no closed trades in the last 30 days/);
  });

  it('refuses a bad days with 400 and what is accepted', async () => {
    for (const bad of ['0', 'abc', '1.5', '4000', '-1']) {
      const { status, body } = await get(`?owner=${encodeURIComponent(OWNER)}&days=${bad}`);
      expect(status).toBe(400);
      expect(body).toEqual({
        success: false,
        message:
          `days "${bad}" is not accepted: give a whole number of days from 1 to 3650 (the last n IST ` +
          'calendar days, today included), e.g. 7; the default is 30',
      });
    }
  });
});
