/**
 * Indian Standard Time calendar arithmetic (UTC+05:30, no DST) on epoch milliseconds.
 * Only UTC getters are used, so results never depend on the process time zone.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const IST_OFFSET_MS = 19_800_000;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Days since 1970-01-01 of the IST calendar day containing `ms`. */
export function istDayNumber(ms: number): number {
  return Math.floor((ms + IST_OFFSET_MS) / DAY_MS);
}

/** Epoch ms of 00:00 IST of the given IST day number. */
export function istDayStart(dayNumber: number): number {
  return dayNumber * DAY_MS - IST_OFFSET_MS;
}

/** Epoch ms of 00:00 IST of the IST day containing `ms`. */
export function istMidnight(ms: number): number {
  return istDayStart(istDayNumber(ms));
}

/** 'YYYY-MM-DD' of the IST day containing `ms`. */
export function istDateOf(ms: number): string {
  return new Date(istDayNumber(ms) * DAY_MS).toISOString().slice(0, 10);
}

/** IST day number of a 'YYYY-MM-DD' date. */
export function istDayNumberOfDate(date: string): number {
  const match = DATE_PATTERN.exec(date);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
}

/** Epoch ms of the IST wall-clock time ('HH:MM' or 'HH:MM:SS') on an IST date. */
export function istWallClock(date: string, time: string): number {
  const match = TIME_PATTERN.exec(time);
  if (!match) throw new RangeError(`Not an HH:MM[:SS] time: ${time}`);
  const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] ?? 0);
  return istDayStart(istDayNumberOfDate(date)) + seconds * 1000;
}

/** Day of week of an IST date: 0 = Sunday ... 6 = Saturday. */
export function istWeekday(date: string): number {
  return (((istDayNumberOfDate(date) + 4) % 7) + 7) % 7;
}

/** The IST date `days` days after `date` (negative goes back). */
export function istAddDays(date: string, days: number): string {
  return new Date((istDayNumberOfDate(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Minutes (with fraction) since 00:00 IST of the day containing `ms`. */
export function istMinuteOfDay(ms: number): number {
  return (ms - istMidnight(ms)) / MINUTE_MS;
}

function istDateTimeParts(ms: number): { date: string; time: string } {
  const iso = new Date(ms + IST_OFFSET_MS).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

/** 'YYYY-MM-DD HH:MM:SS' in IST, as Kite's historical API takes `from` and `to`. */
export function formatIstDateTime(ms: number): string {
  const { date, time } = istDateTimeParts(ms);
  return `${date} ${time}`;
}

/** ISO 8601 with the IST offset, e.g. '2026-11-24T14:30:15+05:30'. */
export function formatIstIso(ms: number): string {
  const { date, time } = istDateTimeParts(ms);
  return `${date}T${time}+05:30`;
}
