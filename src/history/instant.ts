/**
 * Instants as traders and tools write them: `HH:MM` (today, IST), `YYYY-MM-DD HH:MM` (IST), `-15m` /
 * `-2h`; the JSON API also takes ISO 8601 with an offset and epoch milliseconds. A bare `YYYY-MM-DD`
 * is a trading day. "Now" and "today" are the daemon's clock.
 */
import { UserError } from '../errors.ts';
import { DAY_MS, formatIstIso, istDateOf, istDayNumberOfDate, istWallClock } from '../util/ist.ts';

/** A history request that cannot be answered: `status` is the HTTP status (400 bad input, 404 nothing stored). */
export class HistoryError extends UserError {
  override name = 'HistoryError';
  constructor(
    message: string,
    readonly status: 400 | 404,
  ) {
    super(message);
  }
}

export interface InstantRules {
  now: number;
  retentionDays: number;
  /** The JSON API's extra forms: ISO 8601 with an offset, epoch milliseconds. */
  api?: boolean;
}

const CHAT_FORMS = 'HH:MM (today, IST), YYYY-MM-DD HH:MM (IST) or -15m / -2h';
const API_FORMS = `${CHAT_FORMS}, ISO 8601 with an offset (2026-11-27T14:05:00+05:30) or epoch milliseconds`;

const CLOCK = /^(\d{1,2}):(\d{2})$/;
const DATE_CLOCK = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$/;
const RELATIVE = /^-(\d{1,4})([mh])$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+ -]\d{2}:?\d{2})$/;
const EPOCH_MS = /^\d{1,15}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const hhmm = (ms: number) => formatIstIso(ms).slice(11, 16);

function clockTime(hours: string, minutes: string): string | null {
  const h = Number(hours);
  const m = Number(minutes);
  return h <= 23 && m <= 59 ? `${String(h).padStart(2, '0')}:${minutes}` : null;
}

/** A real calendar date in YYYY-MM-DD, else null. */
function validDate(text: string): string | null {
  if (!DATE.test(text)) return null;
  const parsed = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== text ? null : text;
}

function parseForm(text: string, rules: InstantRules): number | null {
  const clock = CLOCK.exec(text);
  if (clock) {
    const time = clockTime(clock[1]!, clock[2]!);
    return time === null ? null : istWallClock(istDateOf(rules.now), time);
  }
  const dated = DATE_CLOCK.exec(text);
  if (dated) {
    const date = validDate(dated[1]!);
    const time = clockTime(dated[2]!, dated[3]!);
    return date === null || time === null ? null : istWallClock(date, time);
  }
  const relative = RELATIVE.exec(text);
  if (relative) return rules.now - Number(relative[1]) * (relative[2] === 'h' ? 3_600_000 : 60_000);
  if (!rules.api) return null;
  if (ISO_WITH_OFFSET.test(text)) {
    // A query string decodes the `+` of an offset as a space.
    const parsed = Date.parse(text.replace(/ (\d{2}:?\d{2})$/, '+$1'));
    return Number.isNaN(parsed) ? null : parsed;
  }
  return EPOCH_MS.test(text) ? Number(text) : null;
}

/** The oldest instant still kept: RETENTION_DAYS back from now. */
export function oldestKept(rules: Pick<InstantRules, 'now' | 'retentionDays'>): number {
  return rules.now - rules.retentionDays * DAY_MS;
}

/** Epoch ms of an instant as written, or a HistoryError (400) saying what was wrong and what is accepted. */
export function parseInstant(text: string, rules: InstantRules): number {
  const trimmed = text.trim();
  const instant = parseForm(trimmed, rules);
  if (instant === null) {
    throw new HistoryError(`"${trimmed}" is not an instant; use ${rules.api ? API_FORMS : CHAT_FORMS}`, 400);
  }
  if (instant > rules.now) {
    throw new HistoryError(
      `${formatIstIso(instant)} is in the future (now is ${istDateOf(rules.now)} ${hhmm(rules.now)} IST)`,
      400,
    );
  }
  if (instant < oldestKept(rules)) {
    throw new HistoryError(
      `${formatIstIso(instant)} is older than RETENTION_DAYS (${rules.retentionDays} days): ` +
        `the oldest kept is ${formatIstIso(oldestKept(rules))}`,
      400,
    );
  }
  return instant;
}

/** A trading day written YYYY-MM-DD (default today), not in the future and still kept, or a HistoryError (400). */
export function parseTradingDate(text: string | undefined, rules: InstantRules): string {
  const today = istDateOf(rules.now);
  if (text === undefined || text.trim() === '') return today;
  const date = validDate(text.trim());
  if (date === null)
    throw new HistoryError(`"${text.trim()}" is not a date; use YYYY-MM-DD, e.g. ${today}`, 400);
  if (date > today) throw new HistoryError(`${date} is in the future (today is ${today})`, 400);
  const oldest = istDateOf(oldestKept(rules));
  if (istDayNumberOfDate(date) < istDayNumberOfDate(oldest)) {
    throw new HistoryError(
      `${date} is older than RETENTION_DAYS (${rules.retentionDays} days): the oldest kept day is ${oldest}`,
      400,
    );
  }
  return date;
}

/** Whether a word starts an instant (so a command can tell it from other arguments). */
export function looksLikeInstant(word: string): boolean {
  return CLOCK.test(word) || RELATIVE.test(word) || DATE.test(word);
}
