import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import type { ChainJson } from '../../src/http/chain-json.ts';
import { TickerClient } from '../../src/kite/ticker-client.ts';
import type { PositionJson } from '../../src/paper/position.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import { configAgainstSim } from '../support/daemon-config.ts';
import { untilWindowsSubscribed } from '../support/daemon-cycles.ts';
import { waitFor } from '../support/wait-for.ts';

let sim: SimServer;
let daemon: Daemon;
let chain: ChainJson;

async function post(
  route: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${daemon.apiUrl}${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function positions(
  query = '',
): Promise<
  Record<
    string,
    { open_positions: PositionJson[]; closed_positions_today: PositionJson[]; closed_pnl: number }
  >
> {
  return (await (await fetch(`${daemon.apiUrl}/api/positions${query}`)).json()) as never;
}

beforeAll(async () => {
  sim = await startSimServer({ seed: 33 });
  const config = configAgainstSim(sim, {
    DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'oi-paper-api-')), 'oi.db'),
    SQUARE_OFF_TIME: '',
  });
  daemon = await startDaemon(config, pino({ level: 'silent' }));
  await untilWindowsSubscribed(daemon);
  // Cycles until the window's options have ticked: every row has a price to trade at.
  chain = await waitFor(
    async () => {
      await daemon.runCycles();
      const json = (await (await fetch(`${daemon.apiUrl}/api/data/NSE`)).json()) as ChainJson;
      const rows = [...json.call_options, ...json.put_options];
      return json.status === 'Live' && rows.length === 22 && rows.every((row) => row.ltp !== null) && json;
    },
    { timeoutMs: 20_000, intervalMs: 100, what: 'prices for every option of the NSE window' },
  );
}, 30_000);
afterAll(async () => {
  await daemon.stop();
  await sim.close();
});

describe('paper trading over the API on the simulator', () => {
  it('a position exits on the tick that crosses its level, at that tick’s price, with the right P&L', async () => {
    const row = chain.put_options[5]!;
    // An independent subscriber sees the same ticks the daemon sees.
    const watcher = new TickerClient({
      wsRoot: sim.wsRoot,
      webWsRoot: sim.webWsRoot,
      credentials: {
        kind: 'access_token',
        apiKey: sim.credentials.apiKey,
        accessToken: sim.credentials.accessToken,
      },
    });
    const seen: { at: number; ltp: number }[] = [];
    watcher.on('ticks', (ticks) => {
      for (const tick of ticks)
        if (tick.instrumentToken === row.token) seen.push({ at: Date.now(), ltp: tick.lastPrice });
    });
    watcher.subscribe([row.token], 'ltp');
    watcher.start();
    try {
      const placed = await post('/api/place_order', {
        exchange: 'nifty',
        strike: row.strike,
        type: 'pe',
        side: 'B',
        qty: 150,
        tp: 0.05,
        sl: 0.05,
        price: 1,
      });
      const placedAt = Date.now();
      expect(placed.status).toBe(200);
      const position = placed.body.position as PositionJson;
      expect(placed.body).toMatchObject({ success: true, position_id: position.id });
      expect(position).toMatchObject({
        symbol: row.symbol,
        side: 'BUY',
        qty: 150,
        owner: 'api',
        exchange: 'NSE',
      });
      expect(position.entry_price).not.toBe(1); // the body's price is ignored: the fill is the feed's LTP

      const closed = await waitFor(
        async () =>
          (await positions('/NSE?owner=api')).NSE!.closed_positions_today.find((p) => p.id === position.id),
        { timeoutMs: 30_000, intervalMs: 100, what: 'the position to close' },
      );
      const entry = position.entry_price;
      const crossing = seen.find((t) => t.at >= placedAt && Math.round(Math.abs(t.ltp - entry) * 100) >= 5);
      const exitPrice = closed!.exit_price!;
      expect(exitPrice).toBe(crossing!.ltp);
      expect(closed!.exit_reason).toBe(exitPrice > entry ? 'Target Hit (+0.05)' : 'Stop Loss (-0.05)');
      expect(closed!.realized_pnl).toBeCloseTo((exitPrice - entry) * 150, 6);
    } finally {
      watcher.stop();
    }
  }, 40_000);

  it('lists positions per chain and owner, and exits by id or all', async () => {
    const call = chain.call_options[4]!;
    const a = await post('/api/place_order', {
      exchange: 'NSE',
      symbol: call.symbol,
      side: 'S',
      owner: 'telegram:7',
    });
    const b = await post('/api/place_order', {
      exchange: 'NSE',
      symbol: call.symbol,
      side: 'SELL',
      owner: 'telegram:7',
      qty: '150',
    });
    expect([a.status, b.status]).toEqual([200, 200]);
    const book = await positions('?owner=telegram:7');
    expect(Object.keys(book)).toEqual(['NSE', 'BSE']);
    expect(book.NSE!.open_positions.map((p) => p.qty)).toEqual([75, 150]);
    const someoneElse = await post('/api/exit', { position_id: a.body.position_id });
    expect(someoneElse).toMatchObject({
      status: 400,
      body: { success: false, message: expect.stringMatching(/^no open position NSE_P\d{4} in your book/) },
    });
    const one = await post('/api/exit', {
      position_id: String(a.body.position_id).toLowerCase(),
      owner: 'telegram:7',
    });
    expect(one.status).toBe(200);
    const all = await post('/api/exit', { exchange: 'NSE', all: true, owner: 'telegram:7' });
    expect(all.body).toMatchObject({ success: true, message: 'closed 1 position(s)' });
    expect((await positions('/NSE?owner=telegram:7')).NSE!.open_positions).toEqual([]);
  });

  it.each([
    [
      { exchange: 'NASDAQ', strike: 100, type: 'CE', side: 'B' },
      /^unknown chain "NASDAQ"; use one of NSE, NIFTY, BSE, SENSEX$/,
    ],
    [
      { exchange: 'NSE', strike: 10_000, type: 'CE', side: 'B' },
      /^strike 10000 is outside the NSE window; tradable strikes are \d+–\d+ \(step 50\)$/,
    ],
    [{ exchange: 'NSE', strike: 25_000, type: 'XX', side: 'B' }, 'option type "XX" is not CE or PE'],
    [{ exchange: 'NSE', symbol: 'NIFTY99JAN1CE', side: 'B' }, /^NIFTY99JAN1CE is not in the NSE window/],
    [{ exchange: 'NSE', strike: 'STRIKE', type: 'CE', side: 'B' }, /^bad order: expected/],
    [{ exchange: 'NSE', side: 'HOLD', strike: 25_000, type: 'CE' }, 'side "HOLD" is not B/BUY or S/SELL'],
    ['{not json', 'body is not valid JSON'],
  ])('refuses %o with one line and changes nothing', async (body, message) => {
    const before = await positions();
    const answer = await post('/api/place_order', body);
    expect(answer.status).toBe(400);
    expect(answer.body.success).toBe(false);
    expect(answer.body.message).toMatch(message);
    expect(await positions()).toEqual(before);
  });

  it.each([
    [{ qty: 0 }, /^quantity 0 is not a whole number of lots: the lot size of NIFTY\w+ is 75/],
    [{ qty: -75 }, /^quantity -75 is not/],
    [{ qty: 112.5 }, /^quantity 112.5 is not/],
    [{ qty: 100 }, /^quantity 100 is not/],
    [{ qty: 75 * 51 }, /^quantity 3825 is more than the maximum of 50 lots \(3750 units, lot size 75\)$/],
    [{ qty: 'lots' }, /^qty "lots" is not a number; e.g. "qty": 75$/],
  ])('refuses quantity %o with the lot size in the message', async (extra, message) => {
    const call = chain.call_options[6]!;
    const answer = await post('/api/place_order', {
      exchange: 'NSE',
      symbol: call.symbol,
      side: 'B',
      ...extra,
    });
    expect(answer).toMatchObject({
      status: 400,
      body: { success: false, message: expect.stringMatching(message) },
    });
  });
});
