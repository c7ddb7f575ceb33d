/**
 * Conversions at the store's boundary: the API speaks epoch milliseconds and rupees, the tables hold
 * epoch seconds and paise (small exact integers).
 */
import type { OiPoint } from '../tracker/types.ts';
import type { ObservationRecord } from './types.ts';

/** Epoch seconds stored for an instant in epoch ms (sub-second part dropped). */
export function toStoredSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** The first stored second whose instant (seconds × 1000) is at or after `ms`. */
export function firstSecondAtOrAfter(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** Paise for a price in rupees, rounded to the nearest paisa. */
export function toPaise(rupees: number): number {
  return Math.round(rupees * 100);
}

export function fromPaise(paise: number): number {
  return paise / 100;
}

/** Throws a RangeError naming the field unless `value` is a finite number. */
export function requireFinite(value: number, field: string, context: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${field} must be a finite number, got ${String(value)} (${context})`);
  }
}

/** Points from flat (seconds, oi, paise) triples, sorted by time if they did not come in order. */
export function unpackPoints(flat: number[]): OiPoint[] {
  const points = new Array<OiPoint>(flat.length / 3);
  let ordered = true;
  let previous = -Infinity;
  for (let k = 0, j = 0; k < flat.length; k += 3, j++) {
    const time = flat[k]! * 1000;
    if (time < previous) ordered = false;
    previous = time;
    points[j] = { time, oi: flat[k + 1]!, ltp: fromPaise(flat[k + 2]!) };
  }
  if (!ordered) points.sort((a, b) => a.time - b.time);
  return points;
}

/** Throws a RangeError naming the row unless token, time, oi and ltp are finite numbers. */
export function validateObservations(rows: readonly ObservationRecord[], context: string): void {
  for (const row of rows) {
    const where = `${context}, token ${row.token}`;
    requireFinite(row.token, 'token', context);
    requireFinite(row.time, 'time', where);
    requireFinite(row.oi, 'oi', where);
    requireFinite(row.ltp, 'ltp', where);
  }
}
