/**
 * The chain PNG's number formats (src/render/oi-format.ts), for the browser, which cannot import
 * TypeScript. test/web/desk-format.test.ts holds the two to the same answers.
 */
export const NA = 'N/A';

const known = (value) => typeof value === 'number' && Number.isFinite(value);

/** OI in lakhs (`12.35L`) from one lakh up, in thousands (`85.2K`) from a thousand, else whole. */
export function formatOi(oi) {
  if (!known(oi)) return NA;
  const size = Math.abs(oi);
  if (size >= 100_000) return `${(oi / 100_000).toFixed(2)}L`;
  if (size >= 1000) return `${(oi / 1000).toFixed(1)}K`;
  return String(Math.round(oi));
}

/** A change in percent with its sign and 2 decimals, no `%`: `+2.10`, `-3.30`. */
export function formatChange(pct) {
  if (!known(pct)) return NA;
  const rounded = Math.round(pct * 100) / 100;
  if (rounded === 0) return '0.00';
  return `${rounded > 0 ? '+' : ''}${rounded.toFixed(2)}`;
}

/** A price or ratio with fixed decimals: `25612.35`. */
export function formatPrice(value, digits = 2) {
  return known(value) ? value.toFixed(digits) : NA;
}

/** A strike or level without decimals unless it has some: `25600`, `84250.5`. */
export function formatLevel(value) {
  if (!known(value)) return NA;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Data age: `1.2s`, `45s`, `3m 05s`, `2h 10m`. */
export function formatAge(seconds) {
  if (!known(seconds) || seconds < 0) return NA;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/** The underlying's move as the PNG's header shows it: `+12.35 (+0.05%)`; empty when unknown. */
export function formatUnderlyingChange(price, change) {
  if (!known(change) || !known(price)) return '';
  const previous = price - change;
  if (!previous) return '';
  const sign = change >= 0 ? '+' : '';
  return `${sign}${change.toFixed(2)} (${sign}${((change * 100) / previous).toFixed(2)}%)`;
}

/** `HH:MM:SS` of an IST ISO time (`2026-12-02T10:30:15+05:30`). */
export function istClock(iso) {
  return typeof iso === 'string' && iso.length >= 19 ? iso.slice(11, 19) : NA;
}

/** Rupees with a sign and 2 decimals, grouped the Indian way: `+1,23,456.50`. */
export function formatRupees(value) {
  if (!known(value)) return NA;
  const text = Math.abs(value).toLocaleString('en-IN', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${value > 0 ? '+' : value < 0 ? '-' : ''}${text}`;
}
