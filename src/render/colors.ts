/**
 * One palette for the chain table and the charts (dark background, as trading screens are).
 * ITM green, ATM cyan, OTM red; rises green, falls red; breaches boxed in bright red.
 */
export const PALETTE = {
  background: '#0b1220',
  headerBar: '#111c33',
  columnHeader: '#16213a',
  strikeCell: '#1b2540',
  grid: '#26324f',
  text: '#f1f5f9',
  muted: '#94a3b8',
  itm: '#123d24',
  otm: '#401619',
  /** The ATM row's fill: a clear cyan, so that a test can find the row by its pixels. */
  atm: '#00c8e0',
  atmText: '#001318',
  up: '#4ade80',
  down: '#f87171',
  /** Rises and falls on the cyan ATM row, where the light greens and reds would not read. */
  upOnAtm: '#005c1f',
  downOnAtm: '#8f0010',
  breach: '#ff1f1f',
  live: '#4ade80',
  notLive: '#fbbf24',
  /** Chart series: call OI red (resistance), put OI green (support), as Indian traders draw them. */
  callSeries: '#ef4444',
  putSeries: '#22c55e',
  callChange: '#fca5a5',
  putChange: '#86efac',
} as const;

export type PaletteColor = (typeof PALETTE)[keyof typeof PALETTE];

/** `#rrggbb` → [r, g, b]. */
export function rgbOf(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1, 7), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}
