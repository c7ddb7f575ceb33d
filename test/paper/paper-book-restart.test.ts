import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { istWallClock } from '../../src/util/ist.ts';
import { BookHarness, CALL, PUT, tick } from './book-harness.ts';

const BSE_CALL = { ...CALL, token: 3001 * 256 + 4, symbol: 'SENSEX26D0485000CE', strike: 85000, lotSize: 75 };

let h: BookHarness;
beforeEach(() => {
  h = new BookHarness();
});
afterEach(() => h.close());

describe('restart durability', () => {
  it('the same open positions, the same P&L, and the id sequence continues', () => {
    const book = h.openBook();
    book.placeOrder(h.order()); // NSE_P0001, closes at the 130 tick, past its 125 target
    book.placeOrder(h.order({ instrument: PUT, side: 'SELL', tp: 40 })); // NSE_P0002, stays open
    book.placeOrder(h.order({ chainId: 'BSE', instrument: BSE_CALL, owner: 'discord:42' })); // BSE_P0001, manual exit
    book.placeOrder(h.order({ chainId: 'BSE', instrument: BSE_CALL })); // BSE_P0002, stays open
    book.onTicks([tick(CALL.token, 110), tick(PUT.token, 96.5), tick(CALL.token, 130)]);
    book.exit({ owner: 'discord:42', positionId: 'BSE_P0001' }, () => h.fresh(97));
    book.onTicks([tick(BSE_CALL.token, 112)]);
    expect(() => book.placeOrder(h.order({ qty: 7 }))).toThrow(/lot size/);

    const before = {
      open: book.openPositions(),
      summary: book.summary(['NSE', 'BSE']),
      pnl: book.pnl('telegram:1001'),
      daily: book.dailyRealized('discord:42'),
    };
    expect(before.pnl).toEqual({
      NSE: { realized_today: 2250, mtm: 262.5, realized_all_time: 2250 },
      BSE: { realized_today: 0, mtm: 900, realized_all_time: 0 },
    });

    const reopened = h.restart();
    expect(reopened.openPositions().map((p) => p.id)).toEqual(before.open.map((p) => p.id));
    // Until their options tick again, restored positions are marked at entry.
    expect(reopened.openPositions().map((p) => p.current_price)).toEqual([100, 100]);
    reopened.onTicks([tick(PUT.token, 96.5), tick(BSE_CALL.token, 112)]);
    expect(reopened.openPositions()).toEqual(before.open);
    expect(reopened.summary(['NSE', 'BSE'])).toEqual(before.summary);
    expect(reopened.pnl('telegram:1001')).toEqual(before.pnl);
    expect(reopened.dailyRealized('discord:42')).toEqual(before.daily);
    expect(before.daily).toEqual([{ day: '2026-11-25', chain: 'BSE', realized_pnl: -225 }]);

    // Levels survive too: NSE_P0002 (short at 100, tp 40) closes at 60 after the restart.
    reopened.onTicks([tick(PUT.token, 60)]);
    expect(h.closed.at(-1)).toMatchObject({ position_id: 'NSE_P0002', exit_reason: 'Target Hit (+40)' });

    expect(() => reopened.placeOrder(h.order({ price: null }))).toThrow(/no fresh price/);
    expect(reopened.placeOrder(h.order()).id).toBe('NSE_P0003');
    expect(reopened.placeOrder(h.order({ chainId: 'BSE' })).id).toBe('BSE_P0003');
    expect(h.restart().placeOrder(h.order()).id).toBe('NSE_P0004');
  });
});

describe('square-off', () => {
  it('closes everything open, every owner and chain, at the last price seen', () => {
    const book = h.openBook();
    book.placeOrder(h.order());
    book.placeOrder(h.order({ owner: 'discord:42', instrument: PUT, side: 'SELL' }));
    book.placeOrder(h.order({ chainId: 'BSE', instrument: { ...CALL, token: 9 } })); // never ticks
    book.onTicks([tick(CALL.token, 110), tick(PUT.token, 95.5)]);
    const at = istWallClock('2026-11-25', '15:20');
    const squared = book.squareOff(at);
    expect(squared.map((p) => [p.id, p.exit_reason, p.exit_price, p.realized_pnl, p.exit_time])).toEqual([
      ['NSE_P0001', 'Square-off', 110, 750, '2026-11-25T15:20:00+05:30'],
      ['NSE_P0002', 'Square-off', 95.5, 337.5, '2026-11-25T15:20:00+05:30'],
      ['BSE_P0001', 'Square-off', 100, 0, '2026-11-25T15:20:00+05:30'],
    ]);
    expect(h.closed.map((e) => [e.position_id, e.level, e.closed_pnl])).toEqual([
      ['NSE_P0001', null, 750],
      ['NSE_P0002', null, 337.5],
      ['BSE_P0001', null, 0],
    ]);
    expect(book.openPositions()).toEqual([]);
    expect(book.squareOff(at)).toEqual([]);
    expect(h.restart().openPositions()).toEqual([]);
  });
});

describe('queries', () => {
  it('summary per chain over every owner or one; closed today turns over at IST midnight', () => {
    const book = h.openBook();
    book.placeOrder(h.order());
    book.placeOrder(h.order({ owner: 'discord:42' }));
    book.placeOrder(h.order({ owner: 'discord:42', qty: 150 }));
    book.onTicks([tick(CALL.token, 104)]);
    book.exit({ owner: 'discord:42', positionId: 'NSE_P0003' }, () => h.fresh(90));

    const all = book.summary(['NSE', 'BSE']);
    expect(all.NSE).toMatchObject({ total_mtm: 600, closed_pnl: -1500 });
    expect(all.NSE!.open_positions.map((p) => p.id)).toEqual(['NSE_P0001', 'NSE_P0002']);
    expect(all.NSE!.closed_positions_today.map((p) => p.id)).toEqual(['NSE_P0003']);
    expect(all.BSE).toEqual({ open_positions: [], closed_positions_today: [], total_mtm: 0, closed_pnl: 0 });
    expect(book.summary(['NSE'], 'telegram:1001').NSE).toMatchObject({ total_mtm: 300, closed_pnl: 0 });
    expect(book.closedToday({ owner: 'discord:42' }).map((p) => p.realized_pnl)).toEqual([-1500]);

    h.clock = istWallClock('2026-11-26', '00:00');
    expect(book.closedToday()).toEqual([]);
    expect(book.summary(['NSE'], 'discord:42').NSE).toMatchObject({ total_mtm: 300, closed_pnl: 0 });
    expect(book.pnl('discord:42')).toEqual({
      NSE: { realized_today: 0, mtm: 300, realized_all_time: -1500 },
    });
    expect(book.dailyRealized('discord:42')).toEqual([
      { day: '2026-11-25', chain: 'NSE', realized_pnl: -1500 },
    ]);
    h.clock = istWallClock('2026-12-02', '10:00'); // seven days back reaches 11-26 only
    expect(book.dailyRealized('discord:42')).toEqual([]);
  });
});
