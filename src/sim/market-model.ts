/**
 * Deterministic market for the Kite simulator: index levels, Black-Scholes option
 * prices on a volatility smile, open interest with bursts, quotes and minute candles. Pure: every
 * answer depends only on (seed, asOf, token, instant).
 */

import type { Candle, DepthLevel, Instrument, Ohlc, OptionType } from '../kite/types.ts';
import { blackScholesPrice } from '../quant/black-scholes.ts';
import { DaySeries, type MinuteSample } from './day-series.ts';
import { IndexWalk, roundToTick } from './index-walk.ts';
import { SIM_UNDERLYINGS, listSimInstruments } from './instruments.ts';
import { DAY_MS, MINUTE_MS, istDayNumber, istMidnight, istWallClock } from '../util/ist.ts';
import { OpenInterestModel, type OiContract } from './open-interest.ts';
import { hashUniform } from './random.ts';

export { SIM_UNDERLYINGS } from './instruments.ts';
export type { SimUnderlying, UnderlyingName } from './instruments.ts';

export interface SimMarketOptions {
  seed: number;
  /** Decides which expiries and strikes are listed. */
  asOf: number;
}

export interface SimQuote {
  instrumentToken: number;
  /** False for indices, which carry no volume, OI or depth. */
  tradable: boolean;
  /** The instant quoted, floored to the second. */
  timestamp: number;
  lastPrice: number;
  lastQuantity: number;
  lastTradeTime: number;
  averagePrice: number;
  volume: number;
  buyQuantity: number;
  sellQuantity: number;
  /** open at 00:00 IST, high/low so far (minute closes and now), close = previous day's last price. */
  ohlc: Ohlc;
  netChange: number;
  /** Percent change of lastPrice over ohlc.close. */
  change: number;
  oi: number;
  oiDayHigh: number;
  oiDayLow: number;
  depth: { buy: DepthLevel[]; sell: DepthLevel[] };
}

export const SIM_RISK_FREE_RATE = 0.1;
export const SIM_EXPIRY_TIME = '15:30';
const YEAR_MS = 365 * DAY_MS;
const MIN_YEARS_TO_EXPIRY = (15 * MINUTE_MS) / YEAR_MS;
const SMILE_CURVATURE = 3;
const PUT_SKEW = 0.15;
/** Candles and day aggregates take a minute's close at its last second. */
const LAST_SECOND_MS = 59_000;
const CANDLE_SAMPLE_SECONDS = [0, 10, 20, 30, 40, 50, 59];
const MAX_CANDLES = 100_000;
const DEPTH_LEVELS = 5;
/** About 70 KB each: at most ~100 MB of cached day series before the cache starts over. */
const MAX_CACHED_SERIES = 1_500;

const STREAM_VOLUME = 301;
const STREAM_TRADE = 302;
const STREAM_DEPTH = 303;

interface ListedOption extends OiContract {
  walk: IndexWalk;
  baseVol: number;
}

export class SimMarket {
  readonly seed: number;
  readonly asOf: number;
  private readonly rows: Instrument[];
  private readonly byToken = new Map<number, Instrument>();
  private readonly indexWalks = new Map<number, IndexWalk>();
  private readonly options = new Map<number, ListedOption>();
  private readonly oiModel: OpenInterestModel;
  private readonly series = new Map<string, DaySeries>();

  constructor({ seed, asOf }: SimMarketOptions) {
    this.seed = seed;
    this.asOf = asOf;
    const walks = SIM_UNDERLYINGS.map((underlying, i) => new IndexWalk(seed, underlying, i));
    this.oiModel = new OpenInterestModel(seed, walks);
    const day = istDayNumber(asOf);
    const centres = Object.fromEntries(walks.map((w) => [w.underlying.name, w.referenceLevel(day)]));
    this.rows = listSimInstruments(asOf, centres);
    for (const walk of walks) this.indexWalks.set(walk.underlying.indexToken, walk);
    for (const row of this.rows) {
      this.byToken.set(row.instrumentToken, row);
      const walk = walks.find((w) => w.underlying.name === row.name);
      if (!walk || row.segment === 'INDICES') continue;
      this.options.set(row.instrumentToken, {
        underlying: walk.underlying,
        exchangeToken: row.exchangeToken,
        strike: row.strike,
        type: row.instrumentType as OptionType,
        expiryClose: istWallClock(row.expiry, SIM_EXPIRY_TIME),
        walk,
        baseVol: walk.underlying.baseVol,
      });
    }
  }

  instruments(): Instrument[] {
    return this.rows.slice();
  }

  instrument(token: number): Instrument | undefined {
    return this.byToken.get(token);
  }

  /** Last price of any listed token (index level or option premium). Throws for unknown tokens. */
  price(token: number, t: number): number {
    const option = this.options.get(token);
    return option ? this.optionPriceOf(option, t) : this.underlyingPrice(token, t);
  }

  underlyingPrice(indexToken: number, t: number): number {
    const walk = this.indexWalks.get(indexToken);
    if (!walk) throw new RangeError(`Not a simulated index token: ${indexToken}`);
    return walk.price(t);
  }

  optionPrice(token: number, t: number): number {
    return this.optionPriceOf(this.requireOption(token), t);
  }

  /** Annualised volatility the model prices the option with at `t`. */
  optionVolatility(token: number, t: number): number {
    const option = this.requireOption(token);
    return smileVolatility(option.baseVol, option.strike, option.walk.price(t));
  }

  openInterest(token: number, t: number): number {
    return this.oiModel.openInterest(this.requireOption(token), t);
  }

  /** Throws for unknown tokens. */
  quote(token: number, t: number): SimQuote {
    const instrument = this.byToken.get(token);
    if (!instrument) throw new RangeError(`Unknown instrument token: ${token}`);
    const dayStart = istMidnight(t);
    const minutesDone = Math.floor((t - dayStart) / MINUTE_MS);
    const totals = this.daySeries(token, dayStart).totalsBefore(minutesDone);
    const lastPrice = this.price(token, t);
    const open = this.price(token, dayStart);
    const close = this.price(token, dayStart - 1000);
    const ohlc = {
      open,
      high: Math.max(open, lastPrice, totals?.high ?? open),
      low: Math.min(open, lastPrice, totals?.low ?? open),
      close,
    };
    const second = Math.floor(t / 1000);
    const quote: SimQuote = {
      instrumentToken: token,
      tradable: false,
      timestamp: second * 1000,
      lastPrice,
      lastQuantity: 0,
      lastTradeTime: second * 1000,
      averagePrice: 0,
      volume: 0,
      buyQuantity: 0,
      sellQuantity: 0,
      ohlc,
      netChange: roundToTick(lastPrice - close),
      change: close > 0 ? ((lastPrice - close) / close) * 100 : 0,
      oi: 0,
      oiDayHigh: 0,
      oiDayLow: 0,
      depth: { buy: emptyDepth(), sell: emptyDepth() },
    };
    const option = this.options.get(token);
    if (!option) return quote;

    const lot = option.underlying.lotSize;
    const oi = this.oiModel.openInterest(option, t);
    const minuteStart = dayStart + minutesDone * MINUTE_MS;
    const minuteShare = (t - minuteStart) / MINUTE_MS;
    const partialVolume = lot * Math.floor((this.minuteVolume(option, minuteStart) / lot) * minuteShare);
    const volume = (totals?.volume ?? 0) + partialVolume;
    const turnover = (totals?.turnover ?? 0) + partialVolume * lastPrice;
    const draw = (n: number): number => hashUniform(this.seed, STREAM_TRADE, option.exchangeToken, second, n);
    const restingLots = (oi / lot) * 0.004;
    return {
      ...quote,
      tradable: true,
      lastQuantity: lot * (1 + Math.floor(draw(1) * 8)),
      averagePrice: volume > 0 ? Math.round((turnover / volume) * 100) / 100 : lastPrice,
      volume,
      buyQuantity: lot * Math.round(restingLots * (0.6 + 0.8 * draw(2))),
      sellQuantity: lot * Math.round(restingLots * (0.6 + 0.8 * draw(3))),
      oi,
      oiDayHigh: Math.max(oi, totals?.oiHigh ?? oi),
      oiDayLow: Math.min(oi, totals?.oiLow ?? oi),
      depth: this.depth(option, lastPrice, second),
    };
  }

  /** Minute candles whose start lies in [fromMs, toMs]; `oi` is the open interest at the minute's last second. */
  candles(token: number, fromMs: number, toMs: number): Candle[] {
    if (!this.byToken.has(token)) throw new RangeError(`Unknown instrument token: ${token}`);
    const first = Math.ceil(fromMs / MINUTE_MS) * MINUTE_MS;
    const last = Math.floor(toMs / MINUTE_MS) * MINUTE_MS;
    const count = last >= first ? (last - first) / MINUTE_MS + 1 : 0;
    if (count > MAX_CANDLES) throw new RangeError(`Too many candles requested: ${count}`);
    const option = this.options.get(token);
    const candles: Candle[] = [];
    for (let time = first; time <= last; time += MINUTE_MS) {
      const samples = CANDLE_SAMPLE_SECONDS.map((s) => this.price(token, time + s * 1000));
      const oi = option ? this.oiModel.openInterest(option, time + LAST_SECOND_MS) : 0;
      candles.push({
        time,
        open: samples[0] ?? 0,
        high: Math.max(...samples),
        low: Math.min(...samples),
        close: samples[samples.length - 1] ?? 0,
        volume: option ? this.minuteVolume(option, time, oi) : 0,
        oi,
      });
    }
    return candles;
  }

  private requireOption(token: number): ListedOption {
    const option = this.options.get(token);
    if (!option) throw new RangeError(`Not a simulated option token: ${token}`);
    return option;
  }

  private optionPriceOf(option: ListedOption, t: number): number {
    const spot = option.walk.price(t);
    const premium = blackScholesPrice({
      spot,
      strike: option.strike,
      years: Math.max((option.expiryClose - t) / YEAR_MS, MIN_YEARS_TO_EXPIRY),
      rate: SIM_RISK_FREE_RATE,
      vol: smileVolatility(option.baseVol, option.strike, spot),
      type: option.type,
    });
    const tick = option.underlying.tickSize;
    return Math.max(tick, roundToTick(premium, tick));
  }

  /** Traded quantity in the minute starting at `minuteStart`: steady churn plus the OI it added. */
  private minuteVolume(
    option: ListedOption,
    minuteStart: number,
    endOi = this.oiModel.openInterest(option, minuteStart + LAST_SECOND_MS),
  ): number {
    const lot = option.underlying.lotSize;
    const startLots = this.oiModel.openInterest(option, minuteStart) / lot;
    const endLots = endOi / lot;
    const activity = hashUniform(this.seed, STREAM_VOLUME, option.exchangeToken, minuteStart / MINUTE_MS);
    const churnLots = startLots * 0.0015 * (0.3 + 1.4 * activity);
    return lot * Math.round(churnLots + Math.abs(endLots - startLots));
  }

  private daySeries(token: number, dayStart: number): DaySeries {
    const key = `${token}:${dayStart}`;
    const cached = this.series.get(key);
    if (cached) return cached;
    const option = this.options.get(token);
    const sample = (minute: number): MinuteSample => {
      const minuteStart = dayStart + minute * MINUTE_MS;
      const close = this.price(token, minuteStart + LAST_SECOND_MS);
      if (!option) return { close, oi: 0, volume: 0 };
      const oi = this.oiModel.openInterest(option, minuteStart + LAST_SECOND_MS);
      return { close, oi, volume: this.minuteVolume(option, minuteStart, oi) };
    };
    const series = new DaySeries(sample);
    if (this.series.size >= MAX_CACHED_SERIES) this.series.clear();
    this.series.set(key, series);
    return series;
  }

  /** Five bids from the last price down and five offers above it, one tick apart. */
  private depth(option: ListedOption, lastPrice: number, second: number): SimQuote['depth'] {
    const tick = option.underlying.tickSize;
    const lot = option.underlying.lotSize;
    const level = (side: number, i: number, price: number): DepthLevel => {
      if (price <= 0) return { price: 0, quantity: 0, orders: 0 };
      const draw = (n: number): number =>
        hashUniform(this.seed, STREAM_DEPTH, option.exchangeToken, second, side * 8 + i, n);
      const lots = 1 + Math.floor(draw(1) * 40);
      return { price, quantity: lots * lot, orders: 1 + Math.floor(draw(2) * Math.min(lots, 12)) };
    };
    const buy: DepthLevel[] = [];
    const sell: DepthLevel[] = [];
    for (let i = 0; i < DEPTH_LEVELS; i++) {
      buy.push(level(0, i, roundToTick(lastPrice - i * tick, tick)));
      sell.push(level(1, i, roundToTick(lastPrice + (i + 1) * tick, tick)));
    }
    return { buy, sell };
  }
}

function smileVolatility(baseVol: number, strike: number, spot: number): number {
  const moneyness = Math.log(strike / spot);
  const vol = baseVol + SMILE_CURVATURE * moneyness * moneyness - PUT_SKEW * moneyness;
  return Math.min(1.5, Math.max(0.05, vol));
}

function emptyDepth(): DepthLevel[] {
  return Array.from({ length: DEPTH_LEVELS }, () => ({ price: 0, quantity: 0, orders: 0 }));
}
