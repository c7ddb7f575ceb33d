import { istMinuteOfDay } from '../util/ist.ts';

/** An IST time-of-day span, e.g. 15:30-09:00 (it may wrap past midnight). */
export interface QuietHours {
  fromMinute: number;
  toMinute: number;
  text: string;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minuteOf(text: string): number | null {
  const match = TIME.exec(text.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** Parses `HH:MM-HH:MM`; null when malformed or empty (from equal to to). */
export function parseQuietHours(text: string): QuietHours | null {
  const [from, to, ...rest] = text.split('-');
  if (from === undefined || to === undefined || rest.length > 0) return null;
  const fromMinute = minuteOf(from);
  const toMinute = minuteOf(to);
  if (fromMinute === null || toMinute === null || fromMinute === toMinute) return null;
  return { fromMinute, toMinute, text: `${from.trim()}-${to.trim()}` };
}

export function isQuiet(quiet: QuietHours | null, at: number): boolean {
  if (!quiet) return false;
  const minute = istMinuteOfDay(at);
  return quiet.fromMinute < quiet.toMinute
    ? minute >= quiet.fromMinute && minute < quiet.toMinute
    : minute >= quiet.fromMinute || minute < quiet.toMinute;
}
