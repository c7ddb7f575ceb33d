/**
 * A chain's stored observations as one past cycle saw them: only points at or before the cycle, from
 * its IST day, and known to it (a live point from its history's start, a backfilled one once a cycle
 * had merged it). The same rule the tracker's history follows in memory.
 */
import type { StoredSeries } from '../store/types.ts';
import type { OiLookup } from '../tracker/oi-history.ts';
import type { OiPoint } from '../tracker/types.ts';
import { istMidnight } from '../util/ist.ts';

export interface CycleView {
  /** The cycle's instant. */
  time: number;
  /** Its history's start (PublishedCycle.historySince). */
  historySince: number;
}

/** Index of the last instant at or before `instant`, or -1 (binary search). */
function lastAtOrBefore(times: Float64Array, instant: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (times[mid]! <= instant) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

function visible(series: StoredSeries, i: number, cycle: CycleView): boolean {
  const knownAt = series.knownAt[i]!;
  if (knownAt < 0) return series.time[i]! >= cycle.historySince;
  return knownAt >= cycle.historySince && knownAt <= cycle.time;
}

/** Per-token stored points, read once, looked at from any cycle of their day. */
export class StoredHistory {
  /** The points handed out so far, by token and index: each is made once however many cycles read it. */
  private readonly made = new Map<number, (OiPoint | undefined)[]>();

  constructor(private readonly byToken: ReadonlyMap<number, StoredSeries>) {}

  /** The history as the cycle saw it. */
  at(cycle: CycleView): OiLookup {
    const dayStart = istMidnight(cycle.time);
    const baseAt = (token: number, instant: number): OiPoint | null => {
      const series = this.byToken.get(token);
      if (!series) return null;
      for (let i = lastAtOrBefore(series.time, Math.min(instant, cycle.time)); i >= 0; i--) {
        if (series.time[i]! < dayStart) return null;
        if (visible(series, i, cycle)) return this.point(token, series, i);
      }
      return null;
    };
    return { baseAt, latest: (token) => baseAt(token, cycle.time) };
  }

  private point(token: number, series: StoredSeries, i: number): OiPoint {
    let points = this.made.get(token);
    if (!points) this.made.set(token, (points = []));
    return (points[i] ??= { time: series.time[i]!, oi: series.oi[i]!, ltp: series.ltp[i]! });
  }
}
