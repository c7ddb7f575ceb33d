import type { CanvasRenderingContext2D } from 'canvas';
import type { ChainSnapshot } from '../tracker/types.ts';
import type { Rect } from './chain-table-layout.ts';
import { PALETTE } from './colors.ts';
import { fitFont, font, setFont } from './fonts.ts';
import { formatAge, formatIstTime, formatLevel, formatPrice } from './oi-format.ts';

const PAD = 16;

/** The figures of the header's second line, label → value. */
export function headerFigures(snapshot: ChainSnapshot): [string, string][] {
  const pcr =
    snapshot.pcrAll === null
      ? formatPrice(snapshot.pcr)
      : `${formatPrice(snapshot.pcr)} (all ${formatPrice(snapshot.pcrAll)})`;
  return [
    ['ATM', formatLevel(snapshot.atmStrike)],
    ['PCR', pcr],
    ['Max pain', formatLevel(snapshot.maxPain)],
    ['Support', formatLevel(snapshot.support)],
    ['Resistance', formatLevel(snapshot.resistance)],
    ['Expiry', snapshot.expiry ?? 'N/A'],
  ];
}

/**
 * `14:30:15 IST · age 1.2s`, the right-hand side of the header's first line, or `14:30:15 IST` (the
 * cycle's time) without an age (`undefined`: a PNG reused while its cycle stands); a stored cycle says
 * `as of 10:30:00 IST · history` so no one takes it for live data.
 */
export function headerClock(snapshot: ChainSnapshot, dataAgeS: number | null | undefined): string {
  if (snapshot.status === 'History') return `as of ${formatIstTime(snapshot.lastUpdate)} IST · history`;
  if (dataAgeS === undefined) return `${formatIstTime(snapshot.lastUpdate)} IST`;
  return `${formatIstTime(snapshot.lastUpdate)} IST · age ${formatAge(dataAgeS)}`;
}

function drawTitleLine(
  ctx: CanvasRenderingContext2D,
  rect: Rect,
  snapshot: ChainSnapshot,
  dataAgeS: number | null | undefined,
): void {
  const y = rect.y + 32;
  ctx.textBaseline = 'middle';
  // Right: status and clock.
  const clock = headerClock(snapshot, dataAgeS);
  const status = snapshot.status === 'History' ? '' : `● ${snapshot.status}`;
  ctx.textAlign = 'right';
  setFont(ctx, font(21, 'sans'));
  const clockWidth = ctx.measureText(clock).width;
  ctx.fillStyle = PALETTE.muted;
  ctx.fillText(clock, rect.width - PAD, y);
  setFont(ctx, font(22, 'sans', true));
  const statusX = rect.width - PAD - clockWidth - 16;
  ctx.fillStyle = snapshot.status === 'Live' ? PALETTE.live : PALETTE.notLive;
  ctx.fillText(status, statusX, y);
  const rightStart = statusX - ctx.measureText(status).width - 24;
  // Left: chain, underlying and its price.
  const change = snapshot.underlyingChange;
  const previous =
    snapshot.underlyingPrice === null || change == null ? null : snapshot.underlyingPrice - change;
  const changeText =
    change == null || !previous
      ? ''
      : `  ${change >= 0 ? '+' : ''}${change.toFixed(2)} (${change >= 0 ? '+' : ''}${((change * 100) / previous).toFixed(2)}%)`;
  const title = `${snapshot.chainId} · ${snapshot.underlying}  ${formatPrice(snapshot.underlyingPrice)}${changeText}`;
  ctx.textAlign = 'left';
  fitFont(ctx, title, rightStart - PAD, 30, 'sans', true);
  ctx.fillStyle = PALETTE.text;
  ctx.fillText(title, PAD, y);
}

function drawFiguresLine(ctx: CanvasRenderingContext2D, rect: Rect, snapshot: ChainSnapshot): void {
  const y = rect.y + 78;
  const figures = headerFigures(snapshot);
  const gap = 28;
  const measure = (size: number) => {
    let total = 0;
    for (const [label, value] of figures) {
      setFont(ctx, font(size, 'sans'));
      total += ctx.measureText(`${label} `).width;
      setFont(ctx, font(size, 'sans', true));
      total += ctx.measureText(value).width + gap;
    }
    return total - gap;
  };
  let size = 22;
  while (size > 12 && measure(size) > rect.width - 2 * PAD) size -= 1;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  let x = PAD;
  for (const [label, value] of figures) {
    setFont(ctx, font(size, 'sans'));
    ctx.fillStyle = PALETTE.muted;
    ctx.fillText(`${label} `, x, y);
    x += ctx.measureText(`${label} `).width;
    setFont(ctx, font(size, 'sans', true));
    ctx.fillStyle = PALETTE.text;
    ctx.fillText(value, x, y);
    x += ctx.measureText(value).width + gap;
  }
}

/** The header bar: chain, underlying and price, status, IST time and data age; then ATM, PCR, max pain, S/R, expiry. */
export function drawHeaderBar(
  ctx: CanvasRenderingContext2D,
  rect: Rect,
  snapshot: ChainSnapshot,
  dataAgeS: number | null | undefined,
): void {
  ctx.fillStyle = PALETTE.headerBar;
  ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
  drawTitleLine(ctx, rect, snapshot, dataAgeS);
  drawFiguresLine(ctx, rect, snapshot);
}
