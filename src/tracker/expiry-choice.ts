/** Choosing one of a chain's tracked expiries: `next` or a date (`exp=2026-12-15` in chat, `?expiry=` in the API). */
import { UserError } from '../errors.ts';

/** The expiry by its rank among the tracked ones (0 = nearest, 1 = next), or by its date. */
export type ExpiryChoice = { rank: number } | { date: string };

/** An expiry that is not tracked (or not a date): 404 in the API, one line in chat. */
export class ExpiryError extends UserError {
  override name = 'ExpiryError';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `next`, `nearest` or `YYYY-MM-DD` (an optional `exp=` in front), else null. */
export function parseExpiryChoice(text: string): ExpiryChoice | null {
  const value = text.trim().replace(/^exp=/i, '').toLowerCase();
  if (value === 'nearest') return { rank: 0 };
  if (value === 'next') return { rank: 1 };
  return DATE.test(value) ? { date: value } : null;
}

/** Whether a chat word chooses an expiry (so a command can tell it from its other arguments). */
export const isExpiryWord = (word: string): boolean =>
  /^next$/i.test(word) || /^exp=\d{4}-\d{2}-\d{2}$/i.test(word);

const RANK_NAMES = ['nearest', 'next'];

/** "2026-12-08 (nearest), 2026-12-15 (next)". */
export function describeTracked(expiries: readonly (string | null)[]): string {
  const known = expiries.flatMap((expiry, rank) =>
    expiry === null ? [] : [`${expiry} (${RANK_NAMES[rank] ?? `nearest + ${rank}`})`],
  );
  return known.length === 0 ? 'none yet' : known.join(', ');
}

/**
 * The index among `expiries` (nearest first, null where not known yet) that `choice` names, or an
 * ExpiryError listing the tracked ones.
 */
export function chooseExpiry(
  chainId: string,
  expiries: readonly (string | null)[],
  choice: ExpiryChoice,
): number {
  const index = 'rank' in choice ? choice.rank : expiries.indexOf(choice.date);
  if (index >= 0 && index < expiries.length && expiries[index] !== null) return index;
  const asked = 'rank' in choice ? (RANK_NAMES[choice.rank] ?? `rank ${choice.rank}`) : choice.date;
  throw new ExpiryError(
    `${chainId} does not track the ${asked} expiry; tracked: ${describeTracked(expiries)}`,
  );
}
