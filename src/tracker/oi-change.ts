import { MINUTE_MS } from '../util/ist.ts';
import type { OiLookup } from './oi-history.ts';

/** OI_CHANGE_WINDOWS default, minutes. */
export const DEFAULT_OI_CHANGE_WINDOWS: readonly number[] = [5, 10, 15, 30];
/** OI_CHANGE_THRESHOLDS default, percent, matched to the windows in order. */
export const DEFAULT_OI_CHANGE_THRESHOLDS: readonly number[] = [8, 10, 15, 25];

/** One OI-change window with its breach threshold. */
export interface OiWindow {
  minutes: number;
  /** |pct| at or above this (percent) is a breach. */
  thresholdPct: number;
  /** The window as a string, the key in `OptionRow.oiChangePct` and `breaches`: '5', '30'. */
  key: string;
}

/** Pairs windows with thresholds in order; throws RangeError on a length mismatch or a bad value. */
export function oiWindows(
  windows: readonly number[] = DEFAULT_OI_CHANGE_WINDOWS,
  thresholds: readonly number[] = DEFAULT_OI_CHANGE_THRESHOLDS,
): OiWindow[] {
  if (windows.length !== thresholds.length) {
    throw new RangeError(
      `OI change windows (${windows.length}) and thresholds (${thresholds.length}) must pair up one to one`,
    );
  }
  return windows.map((minutes, i) => {
    const thresholdPct = thresholds[i]!;
    if (!(minutes > 0 && Number.isFinite(minutes)))
      throw new RangeError(`OI change window must be > 0 minutes, got ${minutes}`);
    if (!(thresholdPct >= 0 && Number.isFinite(thresholdPct)))
      throw new RangeError(`OI change threshold must be >= 0 percent, got ${thresholdPct}`);
    return { minutes, thresholdPct, key: String(minutes) };
  });
}

/**
 * Percent change of open interest over a base: (oi_now − oi_base) / oi_base × 100, unrounded.
 * Null when there is no base or its OI is 0. Computed as (Δ × 100) / base so whole-percent changes
 * come out exact (7 / 100 × 100 would give 7.000000000000001).
 */
export function oiChangePct(nowOi: number, base: { oi: number } | null | undefined): number | null {
  if (!base || base.oi === 0 || !Number.isFinite(base.oi) || !Number.isFinite(nowOi)) return null;
  return ((nowOi - base.oi) * 100) / base.oi;
}

/** Whether an unrounded pct reaches the threshold: |pct| ≥ thresholdPct (7.996 does not reach 8). */
export function isBreach(pct: number | null, thresholdPct: number): boolean {
  return pct !== null && Math.abs(pct) >= thresholdPct;
}

export interface OiChanges {
  /** Window key → unrounded pct, or null when the window has no usable base. */
  oiChangePct: Record<string, number | null>;
  /** Keys of the windows whose |pct| reached their threshold, in window order. */
  breaches: string[];
}

/**
 * OI change over every window for one token: each base is the latest observation at or before
 * now − window. `nowOi` null (no live OI yet) gives null for every window and no breaches.
 */
export function oiChanges(
  history: OiLookup,
  token: number,
  now: number,
  nowOi: number | null,
  windows: readonly OiWindow[],
): OiChanges {
  const pcts: Record<string, number | null> = {};
  const breaches: string[] = [];
  for (const window of windows) {
    const pct =
      nowOi === null ? null : oiChangePct(nowOi, history.baseAt(token, now - window.minutes * MINUTE_MS));
    pcts[window.key] = pct;
    if (isBreach(pct, window.thresholdPct)) breaches.push(window.key);
  }
  return { oiChangePct: pcts, breaches };
}
