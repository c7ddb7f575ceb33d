import type { MarketCalendar } from '../calendar/market-hours.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../util/clock.ts';
import { formatIstDateTime, istAddDays, istDateOf, istWallClock } from '../util/ist.ts';

/** Where each played trading day starts. */
export const PLAYED_FROM = '09:15';
/**
 * Where each played trading day ends: the close is 15:30, and the day plays on to 15:40 so that the
 * 15:35 end-of-day summary (and a timer a little late at a high SIM_SPEED) still falls on it.
 */
export const PLAYED_UNTIL = '15:40';

const PLAYED_DAY_MS = istWallClock('1970-01-01', PLAYED_UNTIL) - istWallClock('1970-01-01', PLAYED_FROM);

export interface PlayedSessionClockOptions {
  /** The clock whose passing time drives the played one (the wall clock, or a test's clock). */
  base: Clock;
  calendar: MarketCalendar;
  /** Played milliseconds per millisecond of the base clock (SIM_SPEED). */
  speed: number;
  /** The first trading day played (YYYY-MM-DD), from PLAYED_FROM. */
  firstDay: string;
}

/**
 * A clock that plays trading sessions one after another: from 09:15 IST of `firstDay` at `speed` times
 * the base clock, each trading day until PLAYED_UNTIL, then straight to 09:15 of the next trading day
 * (weekends and exchange holidays skipped). It never goes back. Timers for an instant the clock jumps
 * over fire at the jump.
 */
export class PlayedSessionClock implements Clock {
  readonly speed: number;
  private readonly base: Clock;
  private readonly calendar: MarketCalendar;
  /** The trading days played so far or next, from the first. */
  private readonly days: string[];
  private baseOrigin: number;
  /** Played milliseconds (session time only) at `baseOrigin`. */
  private playedOrigin = 0;

  constructor(options: PlayedSessionClockOptions) {
    if (!(options.speed > 0))
      throw new RangeError(`PlayedSessionClock: speed must be > 0, got ${options.speed}`);
    if (!options.calendar.isTradingDay(options.firstDay)) {
      throw new RangeError(`PlayedSessionClock: ${options.firstDay} is not a trading day`);
    }
    this.speed = options.speed;
    this.base = options.base;
    this.calendar = options.calendar;
    this.days = [options.firstDay];
    this.baseOrigin = options.base.now();
  }

  now(): number {
    return this.instantAt(this.played());
  }

  /** `ms` of played time from now; an instant between two played days comes at the jump. */
  after(ms: number, fn: () => void): () => void {
    const wait = (this.playedAt(this.now() + ms) - this.played()) / this.speed;
    return this.base.after(Math.max(0, wait), fn);
  }

  /** Moves the clock forward to `instant` (to the next played day's start if it falls between two); never back. */
  skipTo(instant: number): void {
    const played = this.played();
    const target = this.playedAt(instant);
    if (target <= played) return;
    this.baseOrigin = this.base.now();
    this.playedOrigin = target;
  }

  /** Played milliseconds so far. */
  private played(): number {
    return this.playedOrigin + (this.base.now() - this.baseOrigin) * this.speed;
  }

  private instantAt(played: number): number {
    const index = Math.floor(played / PLAYED_DAY_MS);
    return istWallClock(this.day(index), PLAYED_FROM) + (played - index * PLAYED_DAY_MS);
  }

  /** Played milliseconds at `instant`: the next played day's start for an instant between two. */
  private playedAt(instant: number): number {
    for (let index = 0; ; index++) {
      const date = this.day(index);
      const from = istWallClock(date, PLAYED_FROM);
      if (instant < from) return index * PLAYED_DAY_MS;
      if (instant < istWallClock(date, PLAYED_UNTIL)) return index * PLAYED_DAY_MS + (instant - from);
    }
  }

  private day(index: number): string {
    while (this.days.length <= index) {
      let next = istAddDays(this.days[this.days.length - 1]!, 1);
      while (!this.calendar.isTradingDay(next)) next = istAddDays(next, 1);
      this.days.push(next);
    }
    return this.days[index]!;
  }
}

/** The last trading day whose session has begun by `now` (today once it is past 09:15 on a trading day). */
export function lastSessionDay(calendar: MarketCalendar, now: number): string {
  let date = istDateOf(now);
  if (now < istWallClock(date, PLAYED_FROM)) date = istAddDays(date, -1);
  while (!calendar.isTradingDay(date)) date = istAddDays(date, -1);
  return date;
}

/**
 * Whether the simulator plays a past session: SIM_SESSION=replay, or (automatic) when the base clock is
 * outside market hours at start. Never with Kite.
 */
export function replaysSession(config: Config, calendar: MarketCalendar, now: number): boolean {
  if (config.marketData !== 'sim') return false;
  if (config.sim.session === 'auto') return !calendar.isOpen(now);
  return config.sim.session === 'replay';
}

/** The played-session clock on `base` when the simulator replays a session, else null (the base clock rules). */
export function playedSessionClock(
  config: Config,
  calendar: MarketCalendar,
  base: Clock,
): PlayedSessionClock | null {
  const now = base.now();
  if (!replaysSession(config, calendar, now)) return null;
  return new PlayedSessionClock({
    base,
    calendar,
    speed: config.sim.speed,
    firstDay: lastSessionDay(calendar, now),
  });
}

/** "simulated session of 2026-12-02, now at 11:42" */
export function describePlayedSession(now: number): string {
  const [date, time] = formatIstDateTime(now).split(' ');
  return `simulated session of ${date}, now at ${time!.slice(0, 5)}`;
}
