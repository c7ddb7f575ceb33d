/**
 * The Greeks of a chain as a table: what goes in each cell, shared by the PNG and the text table.
 * Calls on the left (mirrored, so delta sits next to the strike), the strike in the centre, puts on
 * the right, as in the chain table.
 */
import { GREEK_DECIMALS } from '../quant/greeks.ts';
import type { ChainSnapshot, OptionRow } from '../tracker/types.ts';
import { strikeRows, type StrikeRow } from './chain-rows.ts';
import { NA } from './oi-format.ts';

export type GreekKey = 'iv' | 'delta' | 'gamma' | 'theta' | 'vega';

/** The columns of one side, from the strike outwards. */
export const GREEK_KEYS: readonly GreekKey[] = ['iv', 'delta', 'gamma', 'theta', 'vega'];

export const GREEK_LABELS: Record<GreekKey, string> = {
  iv: 'IV%',
  delta: 'DELTA',
  gamma: 'GAMMA',
  theta: 'THETA',
  vega: 'VEGA',
};

const DECIMALS: Record<GreekKey, number> = { iv: 2, ...GREEK_DECIMALS };

/** A value as the table shows it: fixed decimals (delta 4, gamma 6, theta 2, vega 2, IV 2), `N/A` when unknown. */
export function formatGreek(row: OptionRow | undefined, key: GreekKey): string {
  const value = row?.[key];
  if (value === null || value === undefined || !Number.isFinite(value)) return NA;
  const text = value.toFixed(DECIMALS[key]);
  // No "-0.0000": a value that rounds to zero shows unsigned.
  return Number(text) === 0 ? (0).toFixed(DECIMALS[key]) : text;
}

/** The ATM strike's call and put, and the figures a seller watches: ATM IV and the straddle's theta. */
export interface AtmGreeks {
  strike: number;
  call: OptionRow | undefined;
  put: OptionRow | undefined;
  /** Mean of the ATM call and put IV (either alone when the other is unknown), percent. */
  iv: number | null;
  /** Call theta + put theta at ATM, rupees per day per unit; null unless both are known. */
  straddleTheta: number | null;
}

export function atmGreeks(snapshot: ChainSnapshot): AtmGreeks | null {
  const row: StrikeRow | undefined = strikeRows(snapshot).find((candidate) => candidate.atm);
  if (!row) return null;
  const ivs = [row.call?.iv, row.put?.iv].filter((iv): iv is number => typeof iv === 'number');
  const callTheta = row.call?.theta ?? null;
  const putTheta = row.put?.theta ?? null;
  return {
    strike: row.strike,
    call: row.call,
    put: row.put,
    iv: ivs.length === 0 ? null : ivs.reduce((a, b) => a + b, 0) / ivs.length,
    straddleTheta: callTheta === null || putTheta === null ? null : callTheta + putTheta,
  };
}

/** The Greeks as a monospace table: one line per strike, calls (mirrored) left, puts right, ATM marked `*`. */
export function greeksTextTable(snapshot: ChainSnapshot): string {
  const callKeys = [...GREEK_KEYS].reverse();
  const widths: Record<GreekKey, number> = { iv: 6, delta: 7, gamma: 8, theta: 7, vega: 6 };
  const cell = (text: string, key: GreekKey) => text.padStart(widths[key]);
  const header = [
    ...callKeys.map((key) => cell(GREEK_LABELS[key], key)),
    ' STRIKE ',
    ...GREEK_KEYS.map((key) => cell(GREEK_LABELS[key], key)),
  ].join(' ');
  const lines = strikeRows(snapshot).map((row) =>
    [
      ...callKeys.map((key) => cell(formatGreek(row.call, key), key)),
      `${row.atm ? '*' : ' '}${String(row.strike).padStart(6)} `,
      ...GREEK_KEYS.map((key) => cell(formatGreek(row.put, key), key)),
    ].join(' '),
  );
  return [header, ...lines].join('\n');
}
