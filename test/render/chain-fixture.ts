import type { ChainSnapshot, OptionRow } from '../../src/tracker/types.ts';

export const WINDOWS = [5, 10, 15, 30] as const;
export const STRIKES = Array.from({ length: 11 }, (_, i) => 25_350 + 50 * i);
export const ATM = 25_600;
/** The one breach: the 25700 call's 30-minute change. */
export const BREACH = { strike: 25_700, side: 'CE', window: '30' } as const;
/** The 25500 call and put have no 5-minute base: N/A. */
export const NULL_CHANGE = { strike: 25_500, window: '5' } as const;

function option(strike: number, type: 'CE' | 'PE', i: number): OptionRow {
  const itm = type === 'CE' ? strike < ATM : strike > ATM;
  const breach = type === BREACH.side && strike === BREACH.strike;
  return {
    strike,
    type,
    symbol: `NIFTY26D01${strike}${type}`,
    token: (type === 'CE' ? 10_000 : 20_000) + i,
    ltp: type === 'CE' ? 420.5 - i * 38.25 : 35.75 + i * 36.1,
    oi: 1_234_500 + i * 80_000 + (type === 'PE' ? 55_000 : 0),
    oiChangePct: {
      '5': strike === NULL_CHANGE.strike ? null : (i - 5) * 1.7,
      '10': 2.1,
      '15': -3.3,
      '30': breach ? 26.4 : 9.87,
    },
    breaches: breach ? [BREACH.window] : [],
    moneyness: strike === ATM ? 'ATM' : itm ? 'ITM' : 'OTM',
    buildup: 'Long Buildup',
    iv: 12.4,
    delta: type === 'CE' ? 0.9123 - i * 0.08 : -0.0877 - i * 0.08,
    gamma: 0.000412 + (5 - Math.abs(i - 5)) * 0.0000513,
    theta: -(4.25 + (5 - Math.abs(i - 5)) * 1.375),
    vega: 6.5 + (5 - Math.abs(i - 5)) * 1.125,
  };
}

/** A hand-built NIFTY chain: 11 strikes 25350…25850, ATM 25600 (row 5), one breach, some N/A changes. */
export const SNAPSHOT: ChainSnapshot = {
  chainId: 'NSE',
  underlying: 'NIFTY 50',
  underlyingPrice: 25_612.35,
  atmStrike: ATM,
  expiry: '2026-12-01',
  pcr: 0.8812,
  pcrAll: 0.9345,
  maxPain: 25_500,
  support: 25_400,
  resistance: 25_800,
  status: 'Live',
  notes: [],
  lastUpdate: Date.parse('2026-11-24T14:30:15+05:30'),
  calls: STRIKES.map((strike, i) => option(strike, 'CE', i)),
  puts: STRIKES.map((strike, i) => option(strike, 'PE', i)),
};
