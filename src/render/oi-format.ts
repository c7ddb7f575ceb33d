/** Numbers and times as Indian option traders read them; `N/A` wherever a value is unknown. */
import { formatIstIso } from '../util/ist.ts';

export const NA = 'N/A';

const known = (value: number | null | undefined): value is number =>
  value !== null && value !== undefined && Number.isFinite(value);

/** OI in lakhs (`12.35L`) from one lakh up, in thousands (`85.2K`) from a thousand, else whole. */
export function formatOi(oi: number | null | undefined): string {
  if (!known(oi)) return NA;
  const size = Math.abs(oi);
  if (size >= 100_000) return `${(oi / 100_000).toFixed(2)}L`;
  if (size >= 1000) return `${(oi / 1000).toFixed(1)}K`;
  return String(Math.round(oi));
}

/** A change in percent with its sign and 2 decimals, no `%` (the column says so): `+2.10`, `-3.30`. */
export function formatChange(pct: number | null | undefined): string {
  if (!known(pct)) return NA;
  const rounded = Math.round(pct * 100) / 100;
  if (rounded === 0) return '0.00';
  return `${rounded > 0 ? '+' : ''}${rounded.toFixed(2)}`;
}

/** A change in percent with its sign, 2 decimals and `%`: `+2.10%`. */
export function formatPct(pct: number | null | undefined): string {
  const text = formatChange(pct);
  return text === NA ? NA : `${text}%`;
}

/** A price or ratio with fixed decimals: `25612.35`. */
export function formatPrice(value: number | null | undefined, digits = 2): string {
  return known(value) ? value.toFixed(digits) : NA;
}

/** A strike or level without decimals unless it has some: `25600`, `84250.5`. */
export function formatLevel(value: number | null | undefined): string {
  if (!known(value)) return NA;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** 'HH:MM:SS' in IST. */
export function formatIstTime(ms: number): string {
  return formatIstIso(ms).slice(11, 19);
}

/** 'HH:MM' in IST. */
export function formatIstHourMinute(ms: number): string {
  return formatIstIso(ms).slice(11, 16);
}

/** Data age: `1.2s`, `45s`, `3m 05s`, `2h 10m`; `N/A` when unknown. */
export function formatAge(seconds: number | null | undefined): string {
  if (!known(seconds) || seconds < 0) return NA;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}
