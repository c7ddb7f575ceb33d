import type { PositionJson } from '../../src/paper/position.ts';

/** An open NIFTY 25600 CE long of one lot, as the paper book reports it; override what a test needs. */
export function samplePosition(fields: Partial<PositionJson> & { owner: string }): PositionJson {
  return {
    id: 'NSE_P0001',
    symbol: 'NIFTY26D0125600CE',
    type: 'CE',
    side: 'BUY',
    entry_price: 120.5,
    qty: 75,
    entry_time: '2026-11-25T10:00:00+05:30',
    current_price: 121,
    mtm: 37.5,
    exchange: 'NSE',
    strike: 25_600,
    target: 145.5,
    stop: 95.5,
    ...fields,
  };
}
