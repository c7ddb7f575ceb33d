/**
 * The shape of a trading day's open interest, as a share of the day's full OI: flat before the open,
 * an opening build-up (each contract its own size and pace), a steady build through the session, flat
 * after the close, and an unwinding overnight back to the pre-open level. Also the "trading time" that
 * bursts age on and expiries near at, which stands still after the close so the evening stays flat.
 */

import { MINUTE_MS, istMidnight, istMinuteOfDay } from '../util/ist.ts';

export const SESSION_OPEN_MINUTE = 9 * 60 + 15;
export const SESSION_CLOSE_MINUTE = 15 * 60 + 30;
const SESSION_MINUTES = SESSION_CLOSE_MINUTE - SESSION_OPEN_MINUTE;
/** The night's unwinding runs from midnight to this minute; OI then waits at the pre-open level. */
const UNWOUND_BY_MINUTE = 6 * 60;
/** Share of the day's full OI before the open; the session builds the rest. */
export const PRE_OPEN_SHARE = 0.7;

/** One contract's opening build-up on one day. */
export interface OpeningBuildUp {
  /**
   * Part of the session's build that comes at the open: about 0.3 to 0.9 near the money, -0.1 (a small
   * unwinding) to 0.25 away from it. The rest builds evenly until the close.
   */
  weight: number;
  /** Minutes the opening build-up takes. */
  rampMinutes: number;
}

export function smoothstep(x: number): number {
  const c = Math.min(1, Math.max(0, x));
  return c * c * (3 - 2 * c);
}

/** Share of the day's full OI at `t`: PRE_OPEN_SHARE before the open, 1 from the close to midnight. */
export function sessionShare(t: number, opening: OpeningBuildUp): number {
  const minute = istMinuteOfDay(t);
  const build = 1 - PRE_OPEN_SHARE;
  if (minute < UNWOUND_BY_MINUTE) return 1 - build * smoothstep(minute / UNWOUND_BY_MINUTE);
  if (minute < SESSION_OPEN_MINUTE) return PRE_OPEN_SHARE;
  if (minute >= SESSION_CLOSE_MINUTE) return 1;
  const elapsed = minute - SESSION_OPEN_MINUTE;
  const { weight, rampMinutes } = opening;
  const built = weight * smoothstep(elapsed / rampMinutes) + (1 - weight) * (elapsed / SESSION_MINUTES);
  return PRE_OPEN_SHARE + build * built;
}

/**
 * The instant bursts age and expiries near at: `t` during the session, the close until midnight, then
 * yesterday's close catching up with today's open by 06:00 (while OI unwinds), the open until 09:15.
 * Continuous and never decreasing.
 */
export function tradingTime(t: number): number {
  const midnight = istMidnight(t);
  const open = midnight + SESSION_OPEN_MINUTE * MINUTE_MS;
  const close = midnight + SESSION_CLOSE_MINUTE * MINUTE_MS;
  if (t >= open) return Math.min(t, close);
  const caughtUp = midnight + UNWOUND_BY_MINUTE * MINUTE_MS;
  if (t >= caughtUp) return open;
  const previousClose = close - 24 * 60 * MINUTE_MS;
  return previousClose + (t - midnight) * ((open - previousClose) / (caughtUp - midnight));
}

/** Whether `t` lies in a session's hours (09:15 to 15:30 IST; the weekday does not matter here). */
export function inSessionHours(t: number): boolean {
  const minute = istMinuteOfDay(t);
  return minute >= SESSION_OPEN_MINUTE && minute < SESSION_CLOSE_MINUTE;
}
