import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import type { PlaceOrder } from '../../src/paper/paper-book.ts';
import { BookHarness, CALL, tick } from './book-harness.ts';

let h: BookHarness;
beforeEach(() => {
  h = new BookHarness();
});
afterEach(() => h.close());

describe('a bad order is refused with one message, records nothing and uses no id', () => {
  const cases: [string, (h: BookHarness) => Partial<PlaceOrder>, string | RegExp][] = [
    [
      'quantity 0',
      () => ({ qty: 0 }),
      'quantity 0 is not a whole number of lots: the lot size of NIFTY26D0125600CE is 75; use 75, 150, …',
    ],
    ['negative quantity', () => ({ qty: -75 }), /^quantity -75 is not a whole number of lots/],
    ['fractional quantity', () => ({ qty: 75.5 }), /^quantity 75.5 is not a whole number of lots/],
    [
      'not a lot multiple',
      () => ({ qty: 80 }),
      'quantity 80 is not a whole number of lots: the lot size of NIFTY26D0125600CE is 75; use 75, 150, …',
    ],
    [
      'beyond the maximum',
      () => ({ qty: 75 * 51 }),
      'quantity 3825 is more than the maximum of 50 lots (3750 units, lot size 75)',
    ],
    [
      'unknown lot size',
      () => ({ instrument: { ...CALL, lotSize: 0 } }),
      /^the lot size of NIFTY\w+ is not known yet/,
    ],
    ['negative tp', () => ({ tp: -5 }), 'tp=-5 is not a positive number of points (e.g. tp=25)'],
    ['zero sl', () => ({ sl: 0 }), 'sl=0 is not a positive number of points (e.g. sl=25)'],
    ['NaN sl', () => ({ sl: Number.NaN }), /^sl=NaN is not a positive number of points/],
    ['tp under a paisa', () => ({ tp: 0.004 }), 'tp=0.004 is less than one paisa; use at least tp=0.05'],
    [
      'no price',
      () => ({ price: null }),
      'no fresh price for NIFTY26D0125600CE: the feed has not ticked it recently; try again shortly',
    ],
    ['a stale price', (h) => ({ price: { ltp: 100, at: h.clock - 60_001 } }), /^no fresh price for NIFTY/],
    ['an LTP of 0', (h) => ({ price: h.fresh(0) }), /^no fresh price for NIFTY/],
    ['feed down', () => ({ feedUp: false }), /^no fresh price for NIFTY/],
  ];

  it.each(cases)('%s', (_name, bad, message) => {
    const book = h.openBook();
    let error: unknown;
    try {
      book.placeOrder(h.order(bad(h)));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect(() => {
      throw error;
    }).toThrow(message);
    expect(book.openPositions()).toEqual([]);
    expect(h.opened).toEqual([]);
    expect(h.counts()).toEqual({ positions: 0, sequences: 0 });
    expect(book.placeOrder(h.order()).id).toBe('NSE_P0001');
  });

  it('a price exactly maxPriceAgeMs old is still fresh', () => {
    const book = h.openBook();
    expect(book.placeOrder(h.order({ price: { ltp: 100, at: h.clock - 60_000 } })).id).toBe('NSE_P0001');
  });

  it('MAX_QTY_LOTS and AUTO_EXIT_POINTS come from the options', () => {
    const book = h.openBook({ maxQtyLots: 2, autoExitPoints: 7.5 });
    expect(() => book.placeOrder(h.order({ qty: 225 }))).toThrow(
      'quantity 225 is more than the maximum of 2 lots (150 units, lot size 75)',
    );
    expect(book.placeOrder(h.order({ qty: 150 }))).toMatchObject({ qty: 150, target: 107.5, stop: 92.5 });
  });

  it('options a config should never produce are programming errors', () => {
    expect(() => h.openBook({ maxQtyLots: 0 })).toThrow(/maxQtyLots must be a whole number/);
    expect(() => h.openBook({ autoExitPoints: -1 })).toThrow(/autoExitPoints must be/);
    expect(() => h.openBook({ maxPriceAgeMs: 0 })).toThrow(/maxPriceAgeMs must be/);
  });
});

describe('a bad exit is refused and closes nothing', () => {
  it('an unknown id, or someone else’s position', () => {
    const book = h.openBook();
    const mine = book.placeOrder(h.order());
    const priceOf = () => h.fresh(101);
    expect(() => book.exit({ owner: 'telegram:2002', positionId: mine.id }, priceOf)).toThrow(
      'no open position NSE_P0001 in your book; /positions lists yours',
    );
    expect(() => book.exit({ owner: 'telegram:1001', positionId: 'NSE_P0009' }, priceOf)).toThrow(
      'no open position NSE_P0009 in your book; /positions lists yours',
    );
    expect(() => book.exit({ owner: 'telegram:2002', all: true }, priceOf)).toThrow(
      'you have no open positions to exit',
    );
    expect(book.openPositions()).toHaveLength(1);
  });

  it('an already closed position is no longer in the book', () => {
    const book = h.openBook();
    book.placeOrder(h.order());
    book.onTicks([tick(CALL.token, 125)]);
    expect(() => book.exit({ owner: 'telegram:1001', positionId: 'NSE_P0001' }, () => h.fresh(1))).toThrow(
      /no open position NSE_P0001/,
    );
  });

  it('no fresh price for one of them: exit all closes none', () => {
    const book = h.openBook();
    book.placeOrder(h.order());
    book.placeOrder(h.order({ instrument: { ...CALL, token: 7, symbol: 'NIFTY26D0125700CE' } }));
    const priceOf = (token: number) => (token === CALL.token ? h.fresh(101) : null);
    expect(() => book.exit({ owner: 'telegram:1001', all: true }, priceOf)).toThrow(
      'no fresh price for NIFTY26D0125700CE: nothing was closed; try again shortly',
    );
    expect(() =>
      book.exit({ owner: 'telegram:1001', positionId: 'NSE_P0001' }, () => ({
        ltp: 101,
        at: h.clock - 60_001,
      })),
    ).toThrow(/^no fresh price for NIFTY26D0125600CE/);
    expect(book.openPositions()).toHaveLength(2);
    expect(h.closed).toEqual([]);
  });
});
