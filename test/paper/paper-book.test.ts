import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tick } from '../../src/kite/types.ts';
import { PaperBook, type PositionClosedEvent } from '../../src/paper/paper-book.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import { istWallClock } from '../../src/util/ist.ts';

const CALL = {
  token: 1001 * 256 + 2,
  symbol: 'NIFTY26D0125600CE',
  strike: 25600,
  type: 'CE' as const,
  lotSize: 75,
};
const PUT = {
  token: 1002 * 256 + 2,
  symbol: 'NIFTY26D0125600PE',
  strike: 25600,
  type: 'PE' as const,
  lotSize: 75,
};

let dbPath: string;
let store: OiStore;
let clock: number;
let closed: PositionClosedEvent[];

function openBook(): PaperBook {
  const book = new PaperBook({
    store: store.paperStore(),
    now: () => clock,
    maxQtyLots: 50,
    autoExitPoints: 25,
    maxPriceAgeMs: 60_000,
  });
  book.load();
  book.on('position_closed', (event) => closed.push(event));
  return book;
}

const tick = (token: number, lastPrice: number): Tick => ({
  mode: 'full',
  tradable: true,
  instrumentToken: token,
  lastPrice,
});
const fresh = (ltp: number) => ({ ltp, at: clock - 1000 });
const order = (extra: Partial<Parameters<PaperBook['placeOrder']>[0]> = {}) => ({
  owner: 'telegram:1001',
  chainId: 'NSE',
  instrument: CALL,
  side: 'BUY' as const,
  price: fresh(100),
  feedUp: true,
  ...extra,
});

beforeEach(() => {
  dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-paper-')), 'oi.db');
  store = OiStore.open(dbPath);
  clock = istWallClock('2026-11-25', '10:00');
  closed = [];
});
afterEach(() => store.close());

describe('fills, MTM and exits on the tick that crosses', () => {
  it('a long position: MTM per tick, no exit on the tick before, target on the exact level', () => {
    const book = openBook();
    const position = book.placeOrder(order({ qty: 150, tp: 30, sl: 15 }));
    expect(position).toMatchObject({
      id: 'NSE_P0001',
      entry_price: 100,
      qty: 150,
      target: 130,
      stop: 85,
      side: 'BUY',
    });
    book.onTicks([tick(CALL.token, 112.35)]);
    expect(book.openPositions()[0]!.mtm).toBe(1852.5); // (112.35 − 100) × 150
    book.onTicks([tick(CALL.token, 129.95)]);
    expect(closed).toEqual([]);
    book.onTicks([tick(CALL.token, 130)]);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({
      exchange: 'NSE',
      position_id: 'NSE_P0001',
      exit_reason: 'Target Hit (+30)',
      exit_price: 130,
      level: 130,
      realized_pnl: 4500,
      closed_pnl: 4500,
    });
    expect(book.openPositions()).toEqual([]);
  });

  it('a long stop gapped through: the fill is the gapped tick’s price', () => {
    const book = openBook();
    book.placeOrder(order({ tp: 30, sl: 15 }));
    book.onTicks([tick(CALL.token, 85.05)]);
    expect(closed).toEqual([]);
    book.onTicks([tick(CALL.token, 80.4)]);
    expect(closed[0]).toMatchObject({ exit_reason: 'Stop Loss (-15)', level: 85, exit_price: 80.4 });
    expect(closed[0]!.realized_pnl).toBe(-1470); // (80.4 − 100) × 75
  });

  it('a short position mirrors: target below, stop above, MTM (entry − ltp) × qty', () => {
    const book = openBook();
    book.placeOrder(order({ side: 'SELL', instrument: PUT, price: fresh(200.1), tp: 12.5, sl: 20 }));
    book.onTicks([tick(PUT.token, 190)]);
    expect(book.openPositions()[0]!.mtm).toBe(757.5); // (200.10 − 190) × 75
    book.onTicks([tick(PUT.token, 187.65)]);
    expect(closed).toEqual([]);
    book.onTicks([tick(PUT.token, 187.6)]);
    expect(closed[0]).toMatchObject({
      exit_reason: 'Target Hit (+12.5)',
      exit_price: 187.6,
      realized_pnl: 937.5,
    });

    book.placeOrder(order({ side: 'SELL', instrument: PUT, price: fresh(200), sl: 20 }));
    book.onTicks([tick(PUT.token, 219.95)]);
    expect(closed).toHaveLength(1);
    book.onTicks([tick(PUT.token, 226)]);
    expect(closed[1]).toMatchObject({
      exit_reason: 'Stop Loss (-20)',
      level: 220,
      exit_price: 226,
      realized_pnl: -1950,
    });
  });

  it('prices that drift in floating point still hit the level exactly (compared in paise)', () => {
    const book = openBook();
    book.placeOrder(order({ price: fresh(0.1), tp: 0.2 }));
    book.onTicks([tick(CALL.token, 0.1 + 0.2)]); // 0.30000000000000004
    expect(closed[0]).toMatchObject({ exit_reason: 'Target Hit (+0.2)', exit_price: 0.3 });
  });

  it('defaults: one lot, target and stop of AUTO_EXIT_POINTS', () => {
    const book = openBook();
    expect(book.placeOrder(order())).toMatchObject({ qty: 75, target: 125, stop: 75 });
  });
});

describe('durability', () => {
  it('a restart shows the same open positions and P&L, and the id sequence continues', () => {
    const book = openBook();
    book.placeOrder(order());
    book.placeOrder(order({ instrument: PUT, side: 'SELL' }));
    book.onTicks([tick(CALL.token, 130)]); // closes NSE_P0001 past its 125 target
    expect(() => book.placeOrder(order({ qty: 7 }))).toThrow(/lot size/);
    store.close();

    store = OiStore.open(dbPath);
    const reopened = openBook();
    expect(reopened.openPositions().map((p) => p.id)).toEqual(['NSE_P0002']);
    expect(reopened.summary(['NSE'], 'telegram:1001').NSE!.closed_pnl).toBe(2250); // exit at the 130 tick, past the 125 target
    expect(reopened.placeOrder(order()).id).toBe('NSE_P0003');
    expect(reopened.placeOrder(order({ chainId: 'BSE' })).id).toBe('BSE_P0001');
  });

  it('square-off closes everything open at the last price seen', () => {
    const book = openBook();
    book.placeOrder(order());
    book.placeOrder(order({ owner: 'discord:42', instrument: PUT }));
    book.onTicks([tick(CALL.token, 110), tick(PUT.token, 95.5)]);
    const squared = book.squareOff();
    expect(squared.map((p) => [p.id, p.exit_reason, p.exit_price])).toEqual([
      ['NSE_P0001', 'Square-off', 110],
      ['NSE_P0002', 'Square-off', 95.5],
    ]);
    expect(book.openPositions()).toEqual([]);
    expect(book.dailyRealized('telegram:1001')).toEqual([
      { day: '2026-11-25', chain: 'NSE', realized_pnl: 750 },
    ]);
  });
});

describe('bad input is refused with one message and records nothing', () => {
  it.each([
    [
      { qty: 0 },
      'quantity 0 is not a whole number of lots: the lot size of NIFTY26D0125600CE is 75; use 75, 150, …',
    ],
    [{ qty: -75 }, /quantity -75 is not a whole number of lots/],
    [{ qty: 75.5 }, /quantity 75.5 is not a whole number of lots/],
    [{ qty: 80 }, /quantity 80 is not a whole number of lots: the lot size of NIFTY26D0125600CE is 75/],
    [{ qty: 75 * 51 }, 'quantity 3825 is more than the maximum of 50 lots (3750 units, lot size 75)'],
    [{ tp: -5 }, 'tp=-5 is not a positive number of points (e.g. tp=25)'],
    [{ sl: Number.NaN }, /sl=NaN is not a positive number/],
    [
      { price: null },
      'no fresh price for NIFTY26D0125600CE: the feed has not ticked it recently; try again shortly',
    ],
    [{ price: { ltp: 100, at: 0 } }, /no fresh price/],
    [{ feedUp: false }, /no fresh price/],
  ])('%o', (bad, message) => {
    const book = openBook();
    expect(() => book.placeOrder(order(bad))).toThrow(message);
    expect(book.openPositions()).toEqual([]);
    expect(book.placeOrder(order()).id).toBe('NSE_P0001'); // the refusal used no id
  });

  it('an unknown or someone else’s position id', () => {
    const book = openBook();
    const mine = book.placeOrder(order());
    const priceOf = () => fresh(101);
    expect(() => book.exit({ owner: 'telegram:2002', positionId: mine.id }, priceOf)).toThrow(
      'no open position NSE_P0001 in your book; /positions lists yours',
    );
    expect(() => book.exit({ owner: 'telegram:1001', positionId: 'NSE_P0099' }, priceOf)).toThrow(
      /no open position NSE_P0099/,
    );
    expect(book.openPositions()).toHaveLength(1);
    expect(book.exit({ owner: 'telegram:1001', positionId: mine.id }, priceOf)[0]).toMatchObject({
      exit_reason: 'Manual Exit',
      exit_price: 101,
      realized_pnl: 75,
    });
  });
});
