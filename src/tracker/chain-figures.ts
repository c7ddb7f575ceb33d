/**
 * Figures over open interest per strike: put-call ratio, max pain, support and resistance.
 * Inputs are plain arrays; strikes need not be sorted or unique (duplicates are summed).
 */

/** Open interest of one strike's call and put. */
export interface StrikeOi {
  strike: number;
  callOi: number;
  putOi: number;
}

/** Σ put OI / Σ call OI, unrounded; null when the call sum is 0. */
export function putCallRatio(rows: Iterable<StrikeOi>): number | null {
  let calls = 0;
  let puts = 0;
  for (const row of rows) {
    calls += row.callOi;
    puts += row.putOi;
  }
  return calls === 0 ? null : puts / calls;
}

/** PCR over every strike of the expiry (same formula as `putCallRatio`). */
export const pcrAll = putCallRatio;

/** One row per strike, ascending, with duplicate strikes summed. */
export function byStrike(chain: readonly StrikeOi[]): StrikeOi[] {
  const sorted = chain
    .map((row) => ({ strike: row.strike, callOi: row.callOi, putOi: row.putOi }))
    .sort((a, b) => a.strike - b.strike);
  const out: StrikeOi[] = [];
  for (const row of sorted) {
    const last = out[out.length - 1];
    if (last && last.strike === row.strike) {
      last.callOi += row.callOi;
      last.putOi += row.putOi;
    } else {
      out.push(row);
    }
  }
  return out;
}

/**
 * Option writers' total payout at expiry for every listed strike S, ascending:
 * payout(S) = Σ_k callOI_k·max(0, S−k) + Σ_k putOI_k·max(0, k−S).
 * O(n) after sorting: running sums of OI and OI × strike on each side. With whole-number OI and strikes
 * every intermediate stays an integer below 2^53 for any real chain, so payouts (and ties) are exact.
 */
export function writerPayouts(chain: readonly StrikeOi[]): { strike: number; payout: number }[] {
  const rows = byStrike(chain);
  const n = rows.length;
  // Puts above S: suffix sums of putOI and putOI·k over strikes strictly above index i.
  const putOiAbove = new Array<number>(n + 1).fill(0);
  const putWeightAbove = new Array<number>(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    const row = rows[i]!;
    putOiAbove[i] = putOiAbove[i + 1]! + row.putOi;
    putWeightAbove[i] = putWeightAbove[i + 1]! + row.putOi * row.strike;
  }
  const out: { strike: number; payout: number }[] = [];
  let callOiBelow = 0; // Σ callOI_k for k < S
  let callWeightBelow = 0; // Σ callOI_k·k for k < S
  for (let i = 0; i < n; i++) {
    const { strike } = rows[i]!;
    const callPayout = strike * callOiBelow - callWeightBelow;
    const putPayout = putWeightAbove[i + 1]! - strike * putOiAbove[i + 1]!;
    out.push({ strike, payout: callPayout + putPayout });
    callOiBelow += rows[i]!.callOi;
    callWeightBelow += rows[i]!.callOi * strike;
  }
  return out;
}

/** The listed strike where writers' total payout at expiry is least; a tie goes to the lower strike. Null when empty. */
export function maxPain(chain: readonly StrikeOi[]): number | null {
  let best: { strike: number; payout: number } | null = null;
  for (const candidate of writerPayouts(chain)) {
    if (!best || candidate.payout < best.payout) best = candidate; // ascending: strict < keeps the lower on a tie
  }
  return best ? best.strike : null;
}

/** The strike with the highest `oi`; a tie goes to the strike nearer `atm`, then the lower. Null when every OI is 0. */
function highestOi(
  rows: readonly StrikeOi[],
  oi: (row: StrikeOi) => number,
  atm: number | null,
): number | null {
  let best: StrikeOi | null = null;
  for (const row of rows) {
    const value = oi(row);
    if (!(value > 0)) continue;
    if (!best || value > oi(best)) {
      best = row;
      continue;
    }
    if (value < oi(best)) continue;
    const distance = atm === null ? 0 : Math.abs(row.strike - atm);
    const bestDistance = atm === null ? 0 : Math.abs(best.strike - atm);
    if (distance < bestDistance || (distance === bestDistance && row.strike < best.strike)) best = row;
  }
  return best ? best.strike : null;
}

/**
 * Support = the strike with the highest put OI, resistance = the strike with the highest call OI.
 * A tie goes to the strike nearer `atm`, then the lower strike. Null when that side has no OI at all.
 */
export function supportResistance(
  chain: readonly StrikeOi[],
  atm: number | null,
): { support: number | null; resistance: number | null } {
  const rows = byStrike(chain);
  return {
    support: highestOi(rows, (row) => row.putOi, atm),
    resistance: highestOi(rows, (row) => row.callOi, atm),
  };
}
