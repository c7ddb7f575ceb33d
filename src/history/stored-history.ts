/**
 * A chain's stored observations as one past cycle saw them: only points at or before the cycle, from
 * its IST day, and known to it (a live point from its history's start, a backfilled one once a cycle
 * had merged it). The same rule the tracker's history follows in memory.
 */
import type { StoredPoint } from '../store/types.ts';
import { lastIndexAtOrBefore, type OiLookup } from '../tracker/oi-history.ts';
import type { OiPoint } from '../tracker/types.ts';
import { istMidnight } from '../util/ist.ts';

export interface CycleView {
  /** The cycle's instant. */
  time: number;
  /** Its history's start (PublishedCycle.historySince). */
  historySince: number;
}

function visible(point: StoredPoint, cycle: CycleView, dayStart: number): boolean {
  if (point.time > cycle.time || point.time < dayStart) return false;
  if (point.knownAt === null) return point.time >= cycle.historySince;
  return point.knownAt >= cycle.historySince && point.knownAt <= cycle.time;
}

/** Per-token stored points (ascending), read once, looked at from any cycle of their day. */
export class StoredHistory {
  constructor(private readonly byToken: ReadonlyMap<number, readonly StoredPoint[]>) {}

  /** The history as the cycle saw it. */
  at(cycle: CycleView): OiLookup {
    const dayStart = istMidnight(cycle.time);
    const baseAt = (token: number, instant: number): OiPoint | null => {
      const points = this.byToken.get(token);
      if (!points) return null;
      for (let i = lastIndexAtOrBefore(points, Math.min(instant, cycle.time)); i >= 0; i--) {
        const point = points[i]!;
        if (point.time < dayStart) return null;
        if (visible(point, cycle, dayStart)) return point;
      }
      return null;
    };
    return { baseAt, latest: (token) => baseAt(token, cycle.time) };
  }
}
