import { istDateOf, istWallClock } from '../util/ist.ts';
import { Segment, segmentOf } from './packet-codec.ts';
import type { Instrument, OptionType } from './types.ts';

/** Where an underlying's options trade: e.g. `{ name: 'NIFTY', exchange: 'NFO' }`. */
export interface OptionSeries {
  name: string;
  exchange: string;
}

/** The options of one underlying for one expiry. */
export interface OptionChainListing {
  series: OptionSeries;
  expiry: string;
  strikes: number[];
  strikeStep: number;
  lotSize: number;
  tickSize: number;
}

const MARKET_CLOSE = '15:30';

const optionKey = (series: OptionSeries, expiry: string, strike: number, type: OptionType): string =>
  `${series.exchange}|${series.name}|${expiry}|${strike}|${type}`;

/** The most common gap between neighbouring strikes (listings add wider strikes far from the money). */
function commonStep(strikes: readonly number[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < strikes.length; i++) {
    const gap = Math.round((strikes[i]! - strikes[i - 1]!) * 100) / 100;
    counts.set(gap, (counts.get(gap) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [gap, count] of counts) {
    if (count > bestCount || (count === bestCount && gap < best)) [best, bestCount] = [gap, count];
  }
  return best;
}

/** Lookups over Kite's instrument list: indices, option series, expiries, strikes. */
export class InstrumentCatalogue {
  private readonly byToken = new Map<number, Instrument>();
  private readonly bySymbol = new Map<string, Instrument>();
  private readonly options = new Map<string, Instrument>();

  constructor(instruments: Iterable<Instrument>) {
    this.load(instruments);
  }

  /** Swaps in a newly downloaded instrument list (the daily reload brings new series). */
  replace(instruments: Iterable<Instrument>): void {
    this.byToken.clear();
    this.bySymbol.clear();
    this.options.clear();
    this.load(instruments);
  }

  private load(instruments: Iterable<Instrument>): void {
    for (const instrument of instruments) {
      this.byToken.set(instrument.instrumentToken, instrument);
      this.bySymbol.set(`${instrument.exchange}:${instrument.tradingsymbol}`, instrument);
      if (!this.bySymbol.has(instrument.tradingsymbol))
        this.bySymbol.set(instrument.tradingsymbol, instrument);
      if (instrument.instrumentType === 'CE' || instrument.instrumentType === 'PE') {
        const series = { name: instrument.name, exchange: instrument.exchange };
        this.options.set(
          optionKey(series, instrument.expiry, instrument.strike, instrument.instrumentType),
          instrument,
        );
      }
    }
  }

  get size(): number {
    return this.byToken.size;
  }

  byInstrumentToken(token: number): Instrument | undefined {
    return this.byToken.get(token);
  }

  /** `NIFTY26D0125600CE` or `NFO:NIFTY26D0125600CE`. */
  byTradingsymbol(symbol: string): Instrument | undefined {
    return this.bySymbol.get(symbol.toUpperCase());
  }

  /** The index instrument by its tradingsymbol, e.g. `NIFTY 50` or `SENSEX`. */
  index(tradingsymbol: string): Instrument | undefined {
    for (const instrument of this.byToken.values()) {
      if (
        segmentOf(instrument.instrumentToken) === Segment.INDICES &&
        instrument.tradingsymbol === tradingsymbol
      ) {
        return instrument;
      }
    }
    return undefined;
  }

  option(series: OptionSeries, expiry: string, strike: number, type: OptionType): Instrument | undefined {
    return this.options.get(optionKey(series, expiry, strike, type));
  }

  expiries(series: OptionSeries): string[] {
    const expiries = new Set<string>();
    for (const instrument of this.seriesOptions(series)) expiries.add(instrument.expiry);
    return [...expiries].sort();
  }

  /** The nearest expiry on or after today (IST); after 15:30 IST on expiry day, the next one. */
  nearestExpiry(series: OptionSeries, nowMs: number): string | undefined {
    return this.upcomingExpiries(series, nowMs)[0];
  }

  /** The expiries not yet expired (an expiry ends at 15:30 IST on its day), nearest first. */
  upcomingExpiries(series: OptionSeries, nowMs: number): string[] {
    const today = istDateOf(nowMs);
    const pastClose = nowMs >= istWallClock(today, MARKET_CLOSE);
    return this.expiries(series).filter((expiry) => expiry > today || (expiry === today && !pastClose));
  }

  chain(series: OptionSeries, expiry: string): OptionChainListing | undefined {
    const rows = [...this.seriesOptions(series)].filter((instrument) => instrument.expiry === expiry);
    const first = rows[0];
    if (!first) return undefined;
    const strikes = [...new Set(rows.map((row) => row.strike))].sort((a, b) => a - b);
    return {
      series,
      expiry,
      strikes,
      strikeStep: commonStep(strikes),
      lotSize: first.lotSize,
      tickSize: first.tickSize,
    };
  }

  private *seriesOptions(series: OptionSeries): Iterable<Instrument> {
    for (const instrument of this.options.values()) {
      if (instrument.name === series.name && instrument.exchange === series.exchange) yield instrument;
    }
  }
}
