/**
 * The simulator's instrument universe and Kite's CSV dump of it: NIFTY 50 and SENSEX with weekly options,
 * NIFTY BANK, NIFTY FIN SERVICE and NIFTY MID SELECT with monthly ones (the exchanges' current cycles).
 */

import type { Instrument, OptionType } from '../kite/types.ts';
import { istAddDays, istDateOf, istDayNumberOfDate, istWeekday } from '../util/ist.ts';

export type UnderlyingName = 'NIFTY' | 'SENSEX' | 'BANKNIFTY' | 'FINNIFTY' | 'MIDCPNIFTY';

export interface SimUnderlying {
  /** The `name` column of the option rows. */
  name: UnderlyingName;
  indexToken: number;
  indexExchangeToken: number;
  /** Tradingsymbol and name of the index row, e.g. 'NIFTY 50'. */
  indexSymbol: string;
  indexExchange: 'NSE' | 'BSE';
  optionExchange: 'NFO' | 'BFO';
  optionSegment: 'NFO-OPT' | 'BFO-OPT';
  /** Low byte of the option instrument tokens. */
  segmentCode: number;
  strikeStep: number;
  lotSize: number;
  tickSize: number;
  /** 0 = Sunday ... 6 = Saturday. */
  expiryWeekday: number;
  /** weekly: every `expiryWeekday`; monthly: the month's last `expiryWeekday`. */
  expiryCycle: 'weekly' | 'monthly';
  /** How many expiries are listed at once. */
  listedExpiries: number;
  /** Level the index hovers around; strikes are listed around it. */
  referenceLevel: number;
  /** Annualised volatility at the money, which the option prices' smile starts from. */
  baseVol: number;
  /** Lots of open interest at the peak of the strike profile for a contract about to expire. */
  peakOiLots: number;
}

export const SIM_UNDERLYINGS: readonly SimUnderlying[] = [
  {
    name: 'NIFTY',
    indexToken: 256265,
    indexExchangeToken: 1001,
    indexSymbol: 'NIFTY 50',
    indexExchange: 'NSE',
    optionExchange: 'NFO',
    optionSegment: 'NFO-OPT',
    segmentCode: 2,
    strikeStep: 50,
    lotSize: 75,
    tickSize: 0.05,
    expiryWeekday: 2,
    expiryCycle: 'weekly',
    listedExpiries: 4,
    referenceLevel: 25_600,
    baseVol: 0.12,
    peakOiLots: 60_000,
  },
  {
    name: 'SENSEX',
    indexToken: 265,
    indexExchangeToken: 1,
    indexSymbol: 'SENSEX',
    indexExchange: 'BSE',
    optionExchange: 'BFO',
    optionSegment: 'BFO-OPT',
    segmentCode: 5,
    strikeStep: 100,
    lotSize: 20,
    tickSize: 0.05,
    expiryWeekday: 4,
    expiryCycle: 'weekly',
    listedExpiries: 4,
    referenceLevel: 84_000,
    baseVol: 0.13,
    peakOiLots: 100_000,
  },
  monthlyNseIndex({
    name: 'BANKNIFTY',
    indexToken: 260105,
    indexExchangeToken: 1016,
    indexSymbol: 'NIFTY BANK',
    strikeStep: 100,
    lotSize: 30,
    referenceLevel: 58_000,
    baseVol: 0.14,
    peakOiLots: 40_000,
  }),
  monthlyNseIndex({
    name: 'FINNIFTY',
    indexToken: 257801,
    indexExchangeToken: 1007,
    indexSymbol: 'NIFTY FIN SERVICE',
    strikeStep: 50,
    lotSize: 60,
    referenceLevel: 27_000,
    baseVol: 0.13,
    peakOiLots: 8_000,
  }),
  monthlyNseIndex({
    name: 'MIDCPNIFTY',
    indexToken: 288009,
    indexExchangeToken: 1125,
    indexSymbol: 'NIFTY MID SELECT',
    strikeStep: 25,
    lotSize: 120,
    referenceLevel: 13_000,
    baseVol: 0.16,
    peakOiLots: 10_000,
  }),
];

/** An NSE index whose options (NFO) expire monthly, on the month's last Tuesday. */
function monthlyNseIndex(
  fields: Pick<
    SimUnderlying,
    | 'name'
    | 'indexToken'
    | 'indexExchangeToken'
    | 'indexSymbol'
    | 'strikeStep'
    | 'lotSize'
    | 'referenceLevel'
    | 'baseVol'
    | 'peakOiLots'
  >,
): SimUnderlying {
  return {
    ...fields,
    indexExchange: 'NSE',
    optionExchange: 'NFO',
    optionSegment: 'NFO-OPT',
    segmentCode: 2,
    tickSize: 0.05,
    expiryWeekday: 2,
    expiryCycle: 'monthly',
    listedExpiries: 3,
  };
}

export const INDICES_SEGMENT_CODE = 9;
export const STRIKES_EACH_SIDE = 40;

export const INSTRUMENTS_CSV_HEADER =
  'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange';

const WEEKLY_MONTH_CODES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'O', 'N', 'D'];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

export function simUnderlying(name: UnderlyingName): SimUnderlying {
  const underlying = SIM_UNDERLYINGS.find((u) => u.name === name);
  if (!underlying) throw new RangeError(`Unknown underlying ${name}`);
  return underlying;
}

export function instrumentTokenOf(exchangeToken: number, segmentCode: number): number {
  return exchangeToken * 256 + segmentCode;
}

/** The first `count` expiry dates of the underlying on or after `fromDate` (an expiry day lists itself). */
export function upcomingExpiries(underlying: SimUnderlying, fromDate: string, count: number): string[] {
  const daysAhead = (underlying.expiryWeekday - istWeekday(fromDate) + 7) % 7;
  const weekly = istAddDays(fromDate, daysAhead);
  const expiries: string[] = [];
  for (let date = weekly; expiries.length < count; date = istAddDays(date, 7)) {
    if (underlying.expiryCycle === 'weekly' || isMonthlyExpiry(date)) expiries.push(date);
  }
  return expiries;
}

/** True when no later expiry of the underlying falls in the same month. */
export function isMonthlyExpiry(expiry: string): boolean {
  return istAddDays(expiry, 7).slice(0, 7) !== expiry.slice(0, 7);
}

/** Kite style: weekly `NIFTY26D0125600CE`, monthly (last expiry of the month) `NIFTY26DEC25600CE`. */
export function optionTradingsymbol(
  underlying: SimUnderlying,
  expiry: string,
  strike: number,
  type: OptionType,
): string {
  const year = expiry.slice(2, 4);
  const monthIndex = Number(expiry.slice(5, 7)) - 1;
  const contract = isMonthlyExpiry(expiry)
    ? `${year}${MONTH_NAMES[monthIndex]}`
    : `${year}${WEEKLY_MONTH_CODES[monthIndex]}${expiry.slice(8, 10)}`;
  return `${underlying.name}${contract}${strike}${type}`;
}

const WEEK_SLOTS = 512;
const STRIKE_SLOTS = 1024;

/**
 * Deterministic exchange token from the contract itself (underlying, expiry week, strike, type), so a
 * contract keeps its token whatever day the list is built. Stays below 2^23 for up to 8 underlyings,
 * which keeps instrument_token = exchange_token * 256 + segment below 2^31. Collisions need expiries
 * ~9.8 years or strikes 1024 steps apart.
 */
export function optionExchangeToken(
  underlying: SimUnderlying,
  expiry: string,
  strike: number,
  type: OptionType,
): number {
  const underlyingIndex = SIM_UNDERLYINGS.findIndex((u) => u.name === underlying.name);
  const weekSlot = Math.floor(istDayNumberOfDate(expiry) / 7) % WEEK_SLOTS;
  const strikeSlot = Math.round(strike / underlying.strikeStep) % STRIKE_SLOTS;
  const contract = (underlyingIndex * WEEK_SLOTS + weekSlot) * STRIKE_SLOTS + strikeSlot;
  return contract * 2 + (type === 'CE' ? 0 : 1);
}

function indexInstrument(underlying: SimUnderlying): Instrument {
  return {
    instrumentToken: underlying.indexToken,
    exchangeToken: underlying.indexExchangeToken,
    tradingsymbol: underlying.indexSymbol,
    name: underlying.indexSymbol,
    lastPrice: 0,
    expiry: '',
    strike: 0,
    tickSize: 0,
    lotSize: 0,
    instrumentType: 'EQ',
    segment: 'INDICES',
    exchange: underlying.indexExchange,
  };
}

function optionInstrument(
  underlying: SimUnderlying,
  expiry: string,
  strike: number,
  type: OptionType,
): Instrument {
  const exchangeToken = optionExchangeToken(underlying, expiry, strike, type);
  return {
    instrumentToken: instrumentTokenOf(exchangeToken, underlying.segmentCode),
    exchangeToken,
    tradingsymbol: optionTradingsymbol(underlying, expiry, strike, type),
    name: underlying.name,
    lastPrice: 0,
    expiry,
    strike,
    tickSize: underlying.tickSize,
    lotSize: underlying.lotSize,
    instrumentType: type,
    segment: underlying.optionSegment,
    exchange: underlying.optionExchange,
  };
}

/**
 * Every index row, then for each underlying its next `listedExpiries` expiries on or after the IST date
 * of `asOf`, each with CE and PE at STRIKES_EACH_SIDE steps either side of the centre (default: the
 * underlying's reference level, rounded to the strike step).
 */
export function listSimInstruments(
  asOf: number,
  centres: Partial<Record<UnderlyingName, number>> = {},
): Instrument[] {
  const rows = SIM_UNDERLYINGS.map(indexInstrument);
  const today = istDateOf(asOf);
  for (const underlying of SIM_UNDERLYINGS) {
    const step = underlying.strikeStep;
    const atm = Math.round((centres[underlying.name] ?? underlying.referenceLevel) / step) * step;
    for (const expiry of upcomingExpiries(underlying, today, underlying.listedExpiries)) {
      for (let offset = -STRIKES_EACH_SIDE; offset <= STRIKES_EACH_SIDE; offset++) {
        const strike = atm + offset * step;
        rows.push(optionInstrument(underlying, expiry, strike, 'CE'));
        rows.push(optionInstrument(underlying, expiry, strike, 'PE'));
      }
    }
  }
  return rows;
}

/** Kite prints floats the Python way: `0.0`, `25600.0`, `0.05`. */
function csvFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function csvText(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Kite's instruments dump: header plus one `\n`-terminated line per row, optionally one exchange only. */
export function instrumentsCsv(rows: readonly Instrument[], exchange?: string): string {
  const lines = [INSTRUMENTS_CSV_HEADER];
  for (const row of rows) {
    if (exchange !== undefined && row.exchange !== exchange) continue;
    lines.push(
      [
        String(row.instrumentToken),
        String(row.exchangeToken),
        csvText(row.tradingsymbol),
        csvText(row.name),
        csvFloat(row.lastPrice),
        row.expiry,
        csvFloat(row.strike),
        csvFloat(row.tickSize),
        String(row.lotSize),
        row.instrumentType,
        row.segment,
        row.exchange,
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}
