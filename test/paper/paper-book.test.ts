import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BookHarness, CALL, PUT, tick } from './book-harness.ts';

let h: BookHarness;
beforeEach(() => {
  h = new BookHarness();
});
afterEach(() => h.close());

describe('fills and MTM', () => {
  it('fills at the LTP; defaults: one lot, target and stop of AUTO_EXIT_POINTS', () => {
    const book = h.openBook();
    const position = book.placeOrder(h.order({ price: h.fresh(100.05) }));
    expect(position).toEqual({
      id: 'NSE_P0001',
      symbol: CALL.symbol,
      type: 'CE',
      side: 'BUY',
      entry_price: 100.05,
      qty: 75,
      entry_time: '2026-11-25T10:00:00+05:30',
      current_price: 100.05,
      mtm: 0,
      exchange: 'NSE',
      owner: 'telegram:1001',
      strike: 25600,
      target: 125.05,
      stop: 75.05,
    });
    expect(h.opened).toEqual([position]);
  });

  it('long MTM is (ltp − entry) × qty, short MTM is (entry − ltp) × qty, on every tick', () => {
    const book = h.openBook();
    book.placeOrder(h.order({ qty: 150 }));
    book.placeOrder(h.order({ instrument: PUT, side: 'SELL', price: h.fresh(200.1) }));
    book.onTicks([tick(CALL.token, 112.35), tick(PUT.token, 190)]);
    expect(book.openPositions().map((p) => [p.id, p.current_price, p.mtm])).toEqual([
      ['NSE_P0001', 112.35, 1852.5],
      ['NSE_P0002', 190, 757.5],
    ]);
    book.onTicks([tick(CALL.token, 99.95), tick(PUT.token, 200.15)]);
    expect(book.openPositions().map((p) => p.mtm)).toEqual([-7.5, -3.75]);
    expect(book.pnl('telegram:1001')).toEqual({
      NSE: { realized_today: 0, mtm: -11.25, realized_all_time: 0 },
    });
  });

  it('ignores ticks without a trade price (LTP 0) instead of stopping out at 0', () => {
    const book = h.openBook();
    book.placeOrder(h.order());
    book.onTicks([tick(CALL.token, 0), tick(CALL.token, Number.NaN)]);
    expect(h.closed).toEqual([]);
    expect(book.openPositions()[0]!.current_price).toBe(100);
  });
});

describe('exits on the tick that crosses, at that tick’s price', () => {
  it('long target: no exit on the tick before, exit on the exact level', () => {
    const book = h.openBook();
    book.placeOrder(h.order({ qty: 150, tp: 30, sl: 15 }));
    book.onTicks([tick(CALL.token, 129.95)]);
    expect(h.closed).toEqual([]);
    book.onTicks([tick(CALL.token, 130)]);
    expect(h.closed).toEqual([
      expect.objectContaining({
        exchange: 'NSE',
        position_id: 'NSE_P0001',
        exit_reason: 'Target Hit (+30)',
        exit_price: 130,
        level: 130,
        realized_pnl: 4500,
        closed_pnl: 4500,
      }),
    ]);
    expect(h.closed[0]!.position).toMatchObject({ exit_price: 130, exit_time: '2026-11-25T10:00:00+05:30' });
    expect(book.openPositions()).toEqual([]);
  });

  it('long target gapped through: the fill is the gapped tick, the event names the level too', () => {
    const book = h.openBook();
    book.placeOrder(h.order());
    book.onTicks([tick(CALL.token, 124.95)]);
    expect(h.closed).toEqual([]);
    book.onTicks([tick(CALL.token, 131.2)]);
    expect(h.closed[0]).toMatchObject({
      exit_reason: 'Target Hit (+25)',
      level: 125,
      exit_price: 131.2,
      realized_pnl: 2340,
    });
  });

  it('long stop: exact level, and gapped through', () => {
    const book = h.openBook();
    book.placeOrder(h.order({ tp: 30, sl: 15 }));
    book.placeOrder(h.order({ tp: 30, sl: 12.5 }));
    book.onTicks([tick(CALL.token, 87.55)]);
    expect(h.closed).toEqual([]);
    book.onTicks([tick(CALL.token, 87.5)]); // NSE_P0002's stop exactly; NSE_P0001 (85) stays
    expect(h.closed.map((e) => [e.position_id, e.exit_reason, e.exit_price])).toEqual([
      ['NSE_P0002', 'Stop Loss (-12.5)', 87.5],
    ]);
    book.onTicks([tick(CALL.token, 80.4)]);
    expect(h.closed[1]).toMatchObject({
      exit_reason: 'Stop Loss (-15)',
      level: 85,
      exit_price: 80.4,
      realized_pnl: -1470,
    });
    expect(h.closed[1]!.closed_pnl).toBe(-937.5 - 1470);
  });

  it('short: target below (exact, then gapped), stop above (exact, then gapped)', () => {
    const book = h.openBook();
    const short = (price: number, extra = {}) =>
      book.placeOrder(h.order({ side: 'SELL', instrument: PUT, price: h.fresh(price), ...extra }));
    short(200.1, { tp: 12.5 });
    book.onTicks([tick(PUT.token, 187.65)]);
    expect(h.closed).toEqual([]);
    book.onTicks([tick(PUT.token, 187.6)]);
    expect(h.closed[0]).toMatchObject({
      exit_reason: 'Target Hit (+12.5)',
      level: 187.6,
      exit_price: 187.6,
      realized_pnl: 937.5,
    });

    short(200, { tp: 10 });
    book.onTicks([tick(PUT.token, 186)]);
    expect(h.closed[1]).toMatchObject({
      exit_reason: 'Target Hit (+10)',
      level: 190,
      exit_price: 186,
      realized_pnl: 1050,
    });

    short(200, { sl: 20 });
    book.onTicks([tick(PUT.token, 219.95)]);
    expect(h.closed).toHaveLength(2);
    book.onTicks([tick(PUT.token, 220)]);
    expect(h.closed[2]).toMatchObject({
      exit_reason: 'Stop Loss (-20)',
      level: 220,
      exit_price: 220,
      realized_pnl: -1500,
    });

    short(200, { sl: 20 });
    book.onTicks([tick(PUT.token, 226)]);
    expect(h.closed[3]).toMatchObject({
      exit_reason: 'Stop Loss (-20)',
      level: 220,
      exit_price: 226,
      realized_pnl: -1950,
    });
  });

  it('in a batch, the first crossing tick closes (later ticks do not move the fill)', () => {
    const book = h.openBook();
    book.placeOrder(h.order());
    book.onTicks([tick(CALL.token, 110), tick(CALL.token, 126), tick(CALL.token, 90)]);
    expect(h.closed.map((e) => e.exit_price)).toEqual([126]);
  });

  it('prices that drift in floating point still hit the level exactly (compared in paise)', () => {
    const book = h.openBook();
    book.placeOrder(h.order({ price: h.fresh(0.1), tp: 0.2 }));
    book.onTicks([tick(CALL.token, 0.1 + 0.2)]); // 0.30000000000000004
    expect(h.closed[0]).toMatchObject({ exit_reason: 'Target Hit (+0.2)', exit_price: 0.3 });
  });

  it('a throwing listener leaves the book consistent and does not silence the other exits', () => {
    const book = h.openBook();
    book.placeOrder(h.order());
    book.placeOrder(h.order());
    book.on('position_closed', () => {
      throw new Error('listener broke');
    });
    expect(() => book.onTicks([tick(CALL.token, 125)])).toThrow('listener broke');
    expect(h.closed.map((e) => e.position_id)).toEqual(['NSE_P0001', 'NSE_P0002']);
    expect(book.openPositions()).toEqual([]);
    expect(() => book.onTicks([tick(CALL.token, 130)])).not.toThrow();
  });
});

describe('manual exits', () => {
  it('one position or all of an owner’s, at the current LTP, reason "Manual Exit"', () => {
    const book = h.openBook();
    book.placeOrder(h.order());
    book.placeOrder(h.order({ instrument: PUT, side: 'SELL' }));
    book.placeOrder(h.order({ chainId: 'BSE' }));
    book.placeOrder(h.order({ owner: 'discord:42' }));
    const priceOf = (token: number) => h.fresh(token === CALL.token ? 101 : 98);
    expect(book.exit({ owner: 'telegram:1001', positionId: 'NSE_P0001' }, priceOf)).toEqual([
      expect.objectContaining({
        id: 'NSE_P0001',
        exit_reason: 'Manual Exit',
        exit_price: 101,
        realized_pnl: 75,
      }),
    ]);
    const all = book.exit({ owner: 'telegram:1001', chainId: 'NSE', all: true }, priceOf);
    expect(all.map((p) => [p.id, p.realized_pnl])).toEqual([['NSE_P0002', 150]]);
    expect(book.openPositions().map((p) => p.id)).toEqual(['BSE_P0001', 'NSE_P0003']);
    expect(() => book.exit({ owner: 'telegram:1001', chainId: 'NSE', all: true }, priceOf)).toThrow(
      'you have no open positions to exit',
    );
  });
});
