import type { ChainSnapshot, OptionRow } from '../tracker/types.ts';

/** One strike of the chain with its call and put (either may be missing). */
export interface StrikeRow {
  strike: number;
  call: OptionRow | undefined;
  put: OptionRow | undefined;
  atm: boolean;
}

/** The chain's strikes in ascending order, the call and put of each side by side. */
export function strikeRows(snapshot: ChainSnapshot): StrikeRow[] {
  const calls = new Map(snapshot.calls.map((row) => [row.strike, row]));
  const puts = new Map(snapshot.puts.map((row) => [row.strike, row]));
  const strikes = [...new Set([...calls.keys(), ...puts.keys()])].sort((a, b) => a - b);
  return strikes.map((strike) => {
    const call = calls.get(strike);
    const put = puts.get(strike);
    const atm = strike === snapshot.atmStrike || call?.moneyness === 'ATM' || put?.moneyness === 'ATM';
    return { strike, call, put, atm };
  });
}

/** Window keys as OptionRow uses them ('5', '30'), longest first: the call side's order. */
export function windowsLongestFirst(windows: readonly number[]): string[] {
  return [...new Set(windows)].sort((a, b) => b - a).map(String);
}

/** The change of `row` over `windowKey` in percent, or null when unknown. */
export function changeOf(row: OptionRow | undefined, windowKey: string): number | null {
  const pct = row?.oiChangePct[windowKey];
  return pct === undefined || pct === null || !Number.isFinite(pct) ? null : pct;
}
