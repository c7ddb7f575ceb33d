import { MINUTE_MS } from '../util/ist.ts';
import type { OiPoint } from './types.ts';

/** How long observations are kept by default: the longest OI window (30 min) with room to spare. */
export const DEFAULT_RETENTION_MS = 60 * MINUTE_MS;

/** Looks up observations per instrument token; what the chain analytics needs from a history. */
export interface OiLookup {
  /** The latest observation at or before `instant`, or null. */
  baseAt(token: number, instant: number): Readonly<OiPoint> | null;
  /** The newest observation, or null. */
  latest(token: number): Readonly<OiPoint> | null;
}

/** Index of the last point with `time <= instant` in an ascending array, or -1 (binary search). */
export function lastIndexAtOrBefore(points: readonly OiPoint[], instant: number): number {
  let low = 0;
  let high = points.length; // answer + 1 lies in [low, high]
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (points[mid]!.time <= instant) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/** Index of the first point with `time >= instant` in an ascending array, or its length (binary search). */
export function firstIndexAtOrAfter(points: readonly OiPoint[], instant: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (points[mid]!.time < instant) low = mid + 1;
    else high = mid;
  }
  return low;
}

const copy = (point: OiPoint): OiPoint => ({ time: point.time, oi: point.oi, ltp: point.ltp });

/** Ascending by time with one point per instant; for equal times the later one in `points` wins. */
function sortedUnique(points: readonly OiPoint[]): OiPoint[] {
  const sorted = points.map(copy).sort((a, b) => a.time - b.time); // stable: equal times keep input order
  const out: OiPoint[] = [];
  for (const point of sorted) {
    if (out.length > 0 && out[out.length - 1]!.time === point.time) out[out.length - 1] = point;
    else out.push(point);
  }
  return out;
}

/**
 * Per-token observations of open interest and price, ascending by time with at most one point per
 * instant. Live observations come through `record`, historical minute candles through `mergeBackfill`,
 * the store's rows through `load`. The arrays are owned here; callers get read-only views.
 */
export class OiHistory implements OiLookup {
  private readonly byToken = new Map<number, OiPoint[]>();

  /** Seeds from stored points (e.g. on restart). Points already held win over loaded ones at the same instant. */
  load(stored: ReadonlyMap<number, readonly OiPoint[]>): void {
    for (const [token, points] of stored) {
      const held = this.byToken.get(token) ?? [];
      const merged = sortedUnique([...points, ...held]);
      if (merged.length > 0) this.byToken.set(token, merged);
    }
  }

  /** Records a live observation; one already held at the same instant is replaced. */
  record(token: number, point: OiPoint): void {
    if (!Number.isFinite(point.time))
      throw new RangeError(`OiHistory.record: time must be finite, got ${point.time}`);
    const points = this.byToken.get(token);
    if (!points) {
      this.byToken.set(token, [copy(point)]);
      return;
    }
    const last = points[points.length - 1];
    if (!last || last.time < point.time) {
      points.push(copy(point)); // the usual case: time moves forward
      return;
    }
    const index = lastIndexAtOrBefore(points, point.time);
    if (index >= 0 && points[index]!.time === point.time) points[index] = copy(point);
    else points.splice(index + 1, 0, copy(point));
  }

  /**
   * Merges historical minute candles (each point's `time` is its minute's start). A candle is dropped
   * when any point already held lies in its minute [time, time + 60 s): live data wins, and merging the
   * same candles twice adds nothing. Returns the points actually added, ascending (e.g. to store them).
   */
  mergeBackfill(token: number, candles: readonly OiPoint[]): OiPoint[] {
    const incoming = sortedUnique(candles);
    const held = this.byToken.get(token) ?? [];
    const merged: OiPoint[] = [];
    const added: OiPoint[] = [];
    let h = 0;
    for (const candle of incoming) {
      while (h < held.length && held[h]!.time < candle.time) merged.push(held[h++]!);
      // held[h] (if any) is the first held point at or after the candle's start.
      const next = held[h];
      if (next && next.time < candle.time + MINUTE_MS) continue;
      merged.push(candle);
      added.push(candle);
    }
    while (h < held.length) merged.push(held[h++]!);
    if (merged.length > 0) this.byToken.set(token, merged);
    return added.map(copy);
  }

  /** Drops every observation older than `before` (epoch ms); tokens left empty are forgotten. Returns the count dropped. */
  prune(before: number): number {
    let dropped = 0;
    for (const [token, points] of this.byToken) {
      const start = firstIndexAtOrAfter(points, before);
      if (start === 0) continue;
      dropped += start;
      if (start === points.length) this.byToken.delete(token);
      else points.splice(0, start);
    }
    return dropped;
  }

  /** Removes the token's point at exactly `time`, if held. */
  remove(token: number, time: number): void {
    const points = this.byToken.get(token);
    if (!points) return;
    const index = lastIndexAtOrBefore(points, time);
    if (index < 0 || points[index]!.time !== time) return;
    points.splice(index, 1);
    if (points.length === 0) this.byToken.delete(token);
  }

  /** Forgets one token entirely (e.g. after unsubscribing it). */
  delete(token: number): boolean {
    return this.byToken.delete(token);
  }

  baseAt(token: number, instant: number): Readonly<OiPoint> | null {
    const points = this.byToken.get(token);
    if (!points) return null;
    const index = lastIndexAtOrBefore(points, instant);
    return index >= 0 ? points[index]! : null;
  }

  latest(token: number): Readonly<OiPoint> | null {
    const points = this.byToken.get(token);
    return points?.[points.length - 1] ?? null;
  }

  /** The oldest observation, or null. */
  earliest(token: number): Readonly<OiPoint> | null {
    return this.byToken.get(token)?.[0] ?? null;
  }

  /** Minutes of history reaching back from `now`: now − oldest observation at or before now (0 when none). */
  coverageMinutes(token: number, now: number): number {
    const first = this.earliest(token);
    return first && first.time <= now ? (now - first.time) / MINUTE_MS : 0;
  }

  /** True when the token has no observation at or before now − `minutes` (so that window has no base yet). */
  needsBackfill(token: number, now: number, minutes = 30): boolean {
    const first = this.earliest(token);
    return !first || first.time > now - minutes * MINUTE_MS;
  }

  /** The token's observations, ascending (a read-only view, valid until the next change). */
  points(token: number): readonly OiPoint[] {
    return this.byToken.get(token) ?? [];
  }

  tokens(): number[] {
    return [...this.byToken.keys()];
  }

  /** Number of tokens with at least one observation. */
  get size(): number {
    return this.byToken.size;
  }
}
