/**
 * Strike arithmetic for one option chain: the at-the-money strike, the shown and subscribed strike
 * windows around it, and the subscription changes when the window moves.
 */

/** Default number of strikes shown on each side of ATM (STRIKES_EACH_SIDE). */
export const DEFAULT_STRIKES_EACH_SIDE = 5;

/** Extra strikes subscribed beyond the shown window on each side, so a one-step ATM move has data. */
export const BUFFER_STRIKES_EACH_SIDE = 1;

/**
 * Relative tolerance (of the step) under which two distances count as equal. Prices and steps are
 * decimals (ticks of 0.05, steps of 50), so arithmetic noise is far below this and real gaps far above.
 */
const TIE_TOLERANCE = 1e-9;

/** Removes binary noise from a strike computed as `n × step` (e.g. 3 × 0.1 = 0.30000000000000004). */
export function cleanStrike(strike: number): number {
  return Math.round(strike * 1e6) / 1e6;
}

/**
 * The strike (a multiple of `step`) nearest `price`; an exact tie goes to the higher strike.
 * Distances within 1e-9 × step of each other count as a tie, so 25625 (or 25624.999999999996 from
 * arithmetic) with step 50 gives 25650.
 */
export function atmStrike(price: number, step: number): number {
  if (!Number.isFinite(price)) throw new RangeError(`atmStrike: price must be finite, got ${price}`);
  if (!(step > 0 && Number.isFinite(step))) throw new RangeError(`atmStrike: step must be > 0, got ${step}`);
  const tolerance = TIE_TOLERANCE * step;
  const centre = Math.round(price / step);
  let best = centre - 1;
  let bestDistance = Math.abs(price - best * step);
  for (const n of [centre, centre + 1]) {
    const distance = Math.abs(price - n * step);
    // Ascending n: a distance equal within tolerance means a tie, which the higher strike wins.
    if (distance <= bestDistance + tolerance) {
      best = n;
      bestDistance = Math.min(distance, bestDistance);
    }
  }
  return cleanStrike(best * step);
}

export interface StrikeWindowInput {
  atm: number;
  step: number;
  /** Strikes shown on each side of ATM (STRIKES_EACH_SIDE). */
  eachSide: number;
  /** Every strike listed for the expiry (any order). */
  listed: Iterable<number>;
  /** Extra strikes subscribed on each side beyond the shown ones; default 1. */
  bufferEachSide?: number;
}

export interface StrikeWindow {
  /** ATM ± eachSide steps that are listed, ascending (2 × eachSide + 1 when none is missing). */
  shown: number[];
  /** ATM ± (eachSide + buffer) steps that are listed, ascending; a superset of `shown`. */
  subscribed: number[];
}

/** The shown and subscribed strikes around `atm`; strikes absent from the listing are left out. */
export function strikeWindow({
  atm,
  step,
  eachSide,
  listed,
  bufferEachSide = BUFFER_STRIKES_EACH_SIDE,
}: StrikeWindowInput): StrikeWindow {
  if (!(step > 0)) throw new RangeError(`strikeWindow: step must be > 0, got ${step}`);
  if (!(Number.isInteger(eachSide) && eachSide >= 0))
    throw new RangeError(`strikeWindow: eachSide must be a whole number >= 0, got ${eachSide}`);
  if (!(Number.isInteger(bufferEachSide) && bufferEachSide >= 0))
    throw new RangeError(`strikeWindow: bufferEachSide must be a whole number >= 0, got ${bufferEachSide}`);
  const listedSet = new Set<number>();
  for (const strike of listed) listedSet.add(cleanStrike(strike));
  const reach = eachSide + bufferEachSide;
  const shown: number[] = [];
  const subscribed: number[] = [];
  for (let i = -reach; i <= reach; i++) {
    const strike = cleanStrike(atm + i * step);
    if (!listedSet.has(strike)) continue;
    subscribed.push(strike);
    if (Math.abs(i) <= eachSide) shown.push(strike);
  }
  return { shown, subscribed };
}

/** What to subscribe and unsubscribe to go from `current` to `wanted` (tokens or strikes), each ascending. */
export function subscriptionDiff(
  current: ReadonlySet<number>,
  wanted: ReadonlySet<number>,
): { subscribe: number[]; unsubscribe: number[] } {
  const subscribe = [...wanted].filter((x) => !current.has(x)).sort((a, b) => a - b);
  const unsubscribe = [...current].filter((x) => !wanted.has(x)).sort((a, b) => a - b);
  return { subscribe, unsubscribe };
}
