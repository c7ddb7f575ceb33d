/** India Standard Time: UTC+05:30 all year. Arithmetic on epoch ms, never the machine's time zone. */
export const IST_OFFSET_MS = 5.5 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

const pad = (n: number): string => String(n).padStart(2, '0');

function istParts(ms: number): { date: string; time: string } {
  const iso = new Date(ms + IST_OFFSET_MS).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

/** `YYYY-MM-DD` of the IST calendar day containing `ms`. */
export function istDate(ms: number): string {
  return istParts(ms).date;
}

/** `YYYY-MM-DD HH:MM:SS` in IST, as Kite's historical API takes `from` and `to`. */
export function formatIstDateTime(ms: number): string {
  const { date, time } = istParts(ms);
  return `${date} ${time}`;
}

/** ISO 8601 with the IST offset, e.g. `2026-11-24T14:30:15+05:30`. */
export function formatIstIso(ms: number): string {
  const { date, time } = istParts(ms);
  return `${date}T${time}+05:30`;
}

/** Epoch ms of an IST wall-clock time: `istInstant('2026-11-24', 15, 30)`. */
export function istInstant(date: string, hours = 0, minutes = 0, seconds = 0): number {
  return Date.parse(`${date}T${pad(hours)}:${pad(minutes)}:${pad(seconds)}+05:30`);
}

/** Epoch ms of 00:00 IST on the day containing `ms`. */
export function istMidnight(ms: number): number {
  return Math.floor((ms + IST_OFFSET_MS) / DAY_MS) * DAY_MS - IST_OFFSET_MS;
}

/** Minutes since 00:00 IST. */
export function istMinuteOfDay(ms: number): number {
  return Math.floor((ms - istMidnight(ms)) / 60_000);
}

/** 0 = Sunday … 6 = Saturday, for an IST date string. */
export function istWeekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
