/**
 * A rule tried on the stored history before it goes live: every stored cycle of the range, recomputed
 * by `PastChains.storedDay` (one scan per day), fed in order to the same evaluator and gate as the live cycle.
 */
import type { PastDay } from '../history/past-chains.ts';
import type { StoredCycle } from '../store/types.ts';
import type { ChainSnapshot } from '../tracker/types.ts';
import { DAY_MS, formatIstIso, istDateOf, istMidnight } from '../util/ist.ts';
import type { Condition } from './rule-condition.ts';
import { evaluateCondition } from './rule-evaluate.ts';
import { FRESH_STATE, stepRule, type RuleState } from './rule-gate.ts';

/** The move horizon of the summary: the underlying 15 minutes after each firing. */
const MOVE_AFTER_MS = 15 * 60_000;
const FIRST_FIRINGS = 10;

export interface ReplaySummary {
  chain: string;
  condition: string;
  /** The IST calendar days replayed (today included). */
  days: number;
  /** Every firing instant, ascending (UTC epoch ms). */
  firings: number[];
  firedDays: number;
  /** Median of (underlying at the latest cycle at or before firing + 15 min, same day) − underlying at the firing. */
  medianMove15m: number | null;
}

/** Whether a published snapshot is one a rule is evaluated on (the live cycle skips the others too). */
export const evaluatedOn = (snapshot: ChainSnapshot): boolean => snapshot.status === 'Live';

/** The IST dates of the last `days` calendar days, today last. */
export function lastIstDates(now: number, days: number): string[] {
  const today = istMidnight(now);
  return Array.from({ length: days }, (_, i) => istDateOf(today - (days - 1 - i) * DAY_MS + DAY_MS / 2));
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The latest cycle at or before `instant` in a day's ascending cycles (from index `from` on). */
function latestAtOrBefore(
  cycles: readonly StoredCycle[],
  instant: number,
  from: number,
): StoredCycle | undefined {
  let found: StoredCycle | undefined;
  for (let i = from; i < cycles.length && cycles[i]!.time <= instant; i++) found = cycles[i];
  return found;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Steps the rule through the cycles of each day in order (state carries over from day to day, as live),
 * collecting the firing instants and the underlying's move 15 minutes after each. Days are read one at a
 * time and the event loop gets a turn between them, so a month's replay never holds up a live cycle,
 * a chat reply or the event stream for longer than one day takes.
 */
export async function replayDays(
  condition: Condition,
  cooldownMs: number,
  days: Iterable<PastDay>,
): Promise<{ firings: number[]; moves: number[]; firedDays: number }> {
  let state: RuleState = FRESH_STATE;
  const firings: number[] = [];
  const moves: number[] = [];
  let firedDays = 0;
  for (const day of days) {
    await nextTurn();
    let firedToday = false;
    for (let index = 0; index < day.cycles.length; index++) {
      // One snapshot at a time, let go before the next: a day's rows never pile up for the collector.
      const snapshot = day.snapshot(index);
      if (!evaluatedOn(snapshot)) continue;
      const step = stepRule(
        state,
        evaluateCondition(condition, snapshot).holds,
        snapshot.lastUpdate,
        cooldownMs,
      );
      state = step.state;
      if (!step.fire) continue;
      firedToday = true;
      firings.push(snapshot.lastUpdate);
      // A stored cycle's underlying price is its snapshot's.
      const later = latestAtOrBefore(day.cycles, snapshot.lastUpdate + MOVE_AFTER_MS, index);
      const before = snapshot.underlyingPrice;
      const after = later?.underlyingPrice ?? null;
      if (before !== null && after !== null) moves.push(after - before);
    }
    if (firedToday) firedDays++;
  }
  return { firings, moves, firedDays };
}

/** IST ISO instants of the first firings, as the chat shows them. */
export const firstFirings = (firings: readonly number[]): string[] =>
  firings.slice(0, FIRST_FIRINGS).map((time) => formatIstIso(time));
