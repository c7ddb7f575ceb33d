/**
 * Deterministic index level: each IST day starts at that day's reference level at 00:00 and follows a
 * mean-reverting random walk of seeded minute log-returns; between minute marks a seeded Brownian
 * bridge adds smooth second-by-second motion. Every minute of the day moves (the simulator runs 24h).
 */

import { hashNormal } from './random.ts';
import { DAY_MS, MINUTE_MS, istDayNumber, istDayStart } from '../util/ist.ts';
import type { SimUnderlying } from './instruments.ts';

const MINUTES_PER_DAY = DAY_MS / MINUTE_MS;
/** Annualised over 252 sessions of 375 minutes, as index volatility is usually quoted. */
const ANNUAL_VOL = 0.12;
const MINUTE_VOL = ANNUAL_VOL / Math.sqrt(252 * 375);
/** Keeps a 24h day's range sane while a session still moves like a 12% vol index. */
const REVERSION_HALF_LIFE_MINUTES = 180;
const REVERSION_PER_MINUTE = Math.LN2 / REVERSION_HALF_LIFE_MINUTES;
const DAILY_LEVEL_DRIFT = 0.003;
const MAX_DAILY_LEVEL_DRIFT = 0.01;
const BRIDGE_TERMS = 8;
const MAX_CACHED_DAYS = 64;
const MAX_CACHED_PRICES = 10_000;

const STREAM_LEVEL = 101;
const STREAM_STEP = 102;
const STREAM_BRIDGE = 103;

export function roundToTick(price: number, tick = 0.05): number {
  const ticksPerUnit = Math.round(1 / tick);
  return Math.round(price * ticksPerUnit) / ticksPerUnit;
}

export class IndexWalk {
  readonly underlying: SimUnderlying;
  private readonly seed: number;
  private readonly stream: number;
  /** Per IST day number: log-levels at the 1441 minute marks 00:00 ... 24:00. */
  private readonly days = new Map<number, Float64Array>();
  private readonly referenceLevels = new Map<number, number>();
  /** Recent prices by instant: quotes and day aggregates of many options ask for the same instants. */
  private readonly prices = new Map<number, number>();

  constructor(seed: number, underlying: SimUnderlying, underlyingIndex: number) {
    this.seed = seed;
    this.underlying = underlying;
    this.stream = underlyingIndex;
  }

  /** Where the day starts and what the walk reverts to; within ±1% of the underlying's level. */
  referenceLevel(dayNumber: number): number {
    const cached = this.referenceLevels.get(dayNumber);
    if (cached !== undefined) return cached;
    const shock = DAILY_LEVEL_DRIFT * hashNormal(this.seed, STREAM_LEVEL, this.stream, dayNumber);
    const clamped = Math.max(-MAX_DAILY_LEVEL_DRIFT, Math.min(MAX_DAILY_LEVEL_DRIFT, shock));
    const level = this.underlying.referenceLevel * Math.exp(clamped);
    if (this.referenceLevels.size >= MAX_CACHED_DAYS) this.referenceLevels.clear();
    this.referenceLevels.set(dayNumber, level);
    return level;
  }

  /** Index level at `t`, rounded to 0.05. */
  price(t: number): number {
    const cached = this.prices.get(t);
    if (cached !== undefined) return cached;
    const price = roundToTick(Math.exp(this.logLevel(t)));
    if (this.prices.size >= MAX_CACHED_PRICES) this.prices.clear();
    this.prices.set(t, price);
    return price;
  }

  private logLevel(t: number): number {
    const dayNumber = istDayNumber(t);
    const marks = this.minuteMarks(dayNumber);
    const minutes = (t - istDayStart(dayNumber)) / MINUTE_MS;
    const minute = Math.min(Math.floor(minutes), MINUTES_PER_DAY - 1);
    const fraction = minutes - minute;
    const start = marks[minute] ?? 0;
    const end = marks[minute + 1] ?? start;
    return start + fraction * (end - start) + this.bridge(dayNumber, minute, fraction);
  }

  /** Karhunen-Loève terms of a Brownian bridge over one minute: zero at both minute marks. */
  private bridge(dayNumber: number, minute: number, fraction: number): number {
    if (fraction === 0) return 0;
    let sum = 0;
    for (let k = 1; k <= BRIDGE_TERMS; k++) {
      const z = hashNormal(this.seed, STREAM_BRIDGE, this.stream, dayNumber, minute, k);
      sum += (z * Math.SQRT2 * Math.sin(k * Math.PI * fraction)) / (k * Math.PI);
    }
    return MINUTE_VOL * sum;
  }

  private minuteMarks(dayNumber: number): Float64Array {
    const cached = this.days.get(dayNumber);
    if (cached) return cached;
    const anchor = Math.log(this.referenceLevel(dayNumber));
    const marks = new Float64Array(MINUTES_PER_DAY + 1);
    let level = anchor;
    marks[0] = level;
    for (let minute = 0; minute < MINUTES_PER_DAY; minute++) {
      const shock = MINUTE_VOL * hashNormal(this.seed, STREAM_STEP, this.stream, dayNumber, minute);
      level += REVERSION_PER_MINUTE * (anchor - level) + shock;
      marks[minute + 1] = level;
    }
    if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
    this.days.set(dayNumber, marks);
    return marks;
  }
}
