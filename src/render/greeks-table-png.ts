/**
 * The Greeks table PNG: the chain table's look (width, density, palette, fonts, row height) with
 * IV and the four Greeks per side: calls left (mirrored, delta next to the strike), strike centre,
 * puts right. Shows the cycle's own values and time only, so one render can serve a whole cycle.
 */
import { createCanvas, type CanvasRenderingContext2D } from 'canvas';
import type { ChainSnapshot } from '../tracker/types.ts';
import { strikeRows, type StrikeRow } from './chain-rows.ts';
import {
  COLUMN_LABEL_HEIGHT,
  FOOTER_HEIGHT,
  GROUP_LABEL_HEIGHT,
  ROW_HEIGHT,
  SCALE,
  TABLE_WIDTH,
  type Rect,
} from './chain-table-layout.ts';
import { PALETTE } from './colors.ts';
import { ensureRenderFonts, fitFont } from './fonts.ts';
import { atmGreeks, formatGreek, GREEK_KEYS, GREEK_LABELS, type GreekKey } from './greeks-table.ts';
import { formatIstTime, formatLevel, formatPrice } from './oi-format.ts';

const HEADER_HEIGHT = 96;
const STRIKE_WIDTH = 112;
const CELL_FONT_PX = 21;
const STRIKE_FONT_PX = 23;
const PAD = 16;

interface GreeksColumn {
  side: 'CE' | 'PE' | 'STRIKE';
  key: GreekKey | 'strike';
  label: string;
  x: number;
  width: number;
}

export interface GreeksTableLayout {
  scale: number;
  width: number;
  height: number;
  header: Rect;
  columnHeader: Rect;
  footer: Rect;
  columns: GreeksColumn[];
  /** Top of the first strike row; rows are ROW_HEIGHT apart, ascending strike. */
  rowsTop: number;
  rowCount: number;
}

/** The columns: CE `VEGA THETA GAMMA DELTA IV%` │ STRIKE │ PE `IV% DELTA GAMMA THETA VEGA`. */
function greeksColumns(): GreeksColumn[] {
  const sideWidth = Math.floor((TABLE_WIDTH - STRIKE_WIDTH) / 2);
  const cellWidth = Math.floor(sideWidth / GREEK_KEYS.length);
  const columns: GreeksColumn[] = [];
  let x = 0;
  const add = (side: GreeksColumn['side'], key: GreeksColumn['key'], label: string, width: number) => {
    columns.push({ side, key, label, x, width });
    x += width;
  };
  for (const key of [...GREEK_KEYS].reverse()) add('CE', key, GREEK_LABELS[key], cellWidth);
  add('STRIKE', 'strike', 'STRIKE', TABLE_WIDTH - 2 * cellWidth * GREEK_KEYS.length);
  for (const key of GREEK_KEYS) add('PE', key, GREEK_LABELS[key], cellWidth);
  return columns;
}

export function greeksTableLayout(snapshot: ChainSnapshot): GreeksTableLayout {
  const columnHeader = {
    x: 0,
    y: HEADER_HEIGHT,
    width: TABLE_WIDTH,
    height: GROUP_LABEL_HEIGHT + COLUMN_LABEL_HEIGHT,
  };
  const rowsTop = columnHeader.y + columnHeader.height;
  const rowCount = strikeRows(snapshot).length;
  const footer = { x: 0, y: rowsTop + rowCount * ROW_HEIGHT, width: TABLE_WIDTH, height: FOOTER_HEIGHT };
  return {
    scale: SCALE,
    width: TABLE_WIDTH,
    height: footer.y + footer.height,
    header: { x: 0, y: 0, width: TABLE_WIDTH, height: HEADER_HEIGHT },
    columnHeader,
    footer,
    columns: greeksColumns(),
    rowsTop,
    rowCount,
  };
}

function drawHeader(ctx: CanvasRenderingContext2D, rect: Rect, snapshot: ChainSnapshot): void {
  ctx.fillStyle = PALETTE.headerBar;
  ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
  ctx.textBaseline = 'middle';
  const clock = `${formatIstTime(snapshot.lastUpdate)} IST`;
  ctx.textAlign = 'right';
  fitFont(ctx, clock, 200, 21, 'sans');
  ctx.fillStyle = PALETTE.muted;
  ctx.fillText(clock, rect.width - PAD, rect.y + 30);
  const title = `${snapshot.chainId} · ${snapshot.underlying}  ${formatPrice(snapshot.underlyingPrice)} · Greeks`;
  ctx.textAlign = 'left';
  fitFont(ctx, title, rect.width - 2 * PAD - 220, 30, 'sans', true);
  ctx.fillStyle = PALETTE.text;
  ctx.fillText(title, PAD, rect.y + 30);
  const atm = atmGreeks(snapshot);
  const theta = atm?.straddleTheta ?? null;
  const figures =
    `Expiry ${snapshot.expiry ?? 'N/A'}   ATM ${formatLevel(snapshot.atmStrike)}   ` +
    `ATM IV ${atm?.iv == null ? 'N/A' : `${atm.iv.toFixed(2)}%`}   ` +
    `ATM straddle theta ${theta === null ? 'N/A' : `${theta.toFixed(2)}/day`}`;
  fitFont(ctx, figures, rect.width - 2 * PAD, 22, 'sans', true);
  ctx.fillStyle = PALETTE.text;
  ctx.fillText(figures, PAD, rect.y + 70);
}

function drawColumnHeader(ctx: CanvasRenderingContext2D, layout: GreeksTableLayout): void {
  const { y, width, height } = layout.columnHeader;
  ctx.fillStyle = PALETTE.columnHeader;
  ctx.fillRect(0, y, width, height);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const [side, label, color] of [
    ['CE', 'CALLS', PALETTE.callChange],
    ['PE', 'PUTS', PALETTE.putChange],
  ] as const) {
    const columns = layout.columns.filter((column) => column.side === side);
    const first = columns[0]!;
    const last = columns.at(-1)!;
    fitFont(ctx, label, 300, 17, 'sans', true);
    ctx.fillStyle = color;
    ctx.fillText(label, (first.x + last.x + last.width) / 2, y + GROUP_LABEL_HEIGHT / 2 + 2);
  }
  for (const column of layout.columns) {
    const strike = column.side === 'STRIKE';
    fitFont(ctx, column.label, column.width - 6, strike ? 19 : 18, 'sans', true);
    ctx.fillStyle = strike ? PALETTE.text : PALETTE.muted;
    const labelY = strike ? y + height / 2 : y + GROUP_LABEL_HEIGHT + COLUMN_LABEL_HEIGHT / 2;
    ctx.fillText(column.label, column.x + column.width / 2, labelY);
  }
}

function cellFill(row: StrikeRow, column: GreeksColumn): string {
  if (row.atm) return PALETTE.atm;
  if (column.side === 'STRIKE') return PALETTE.strikeCell;
  const option = column.side === 'CE' ? row.call : row.put;
  if (!option) return PALETTE.background;
  return option.moneyness === 'ITM' ? PALETTE.itm : PALETTE.otm;
}

function drawRow(ctx: CanvasRenderingContext2D, layout: GreeksTableLayout, row: StrikeRow, y: number): void {
  for (const column of layout.columns) {
    ctx.fillStyle = cellFill(row, column);
    ctx.fillRect(column.x, y, column.width, ROW_HEIGHT);
    const option = column.side === 'CE' ? row.call : row.put;
    const text = column.key === 'strike' ? String(row.strike) : option ? formatGreek(option, column.key) : '';
    if (text === '') continue;
    const size = column.key === 'strike' ? STRIKE_FONT_PX : CELL_FONT_PX;
    fitFont(ctx, text, column.width - 10, size, 'mono', row.atm || column.key === 'strike');
    ctx.fillStyle = row.atm ? PALETTE.atmText : text === 'N/A' ? PALETTE.muted : PALETTE.text;
    ctx.fillText(text, column.x + column.width / 2, y + ROW_HEIGHT / 2);
  }
  ctx.fillStyle = PALETTE.grid;
  ctx.fillRect(0, y + ROW_HEIGHT - 1, layout.width, 1);
}

function drawFooter(ctx: CanvasRenderingContext2D, layout: GreeksTableLayout): void {
  const { y, width, height } = layout.footer;
  const text =
    'Per unit of the index (× lot size for a lot) · delta and gamma per point · theta ₹/day · vega ₹ per 1% IV';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  fitFont(ctx, text, width - 24, 17, 'sans');
  ctx.fillStyle = PALETTE.muted;
  ctx.fillText(text, 12, y + height / 2);
}

/** The chain's Greeks as a PNG table, 1200 CSS px wide at the chain table's density. */
export function renderGreeksTable(snapshot: ChainSnapshot): Buffer {
  ensureRenderFonts();
  const layout = greeksTableLayout(snapshot);
  const canvas = createCanvas(layout.width * layout.scale, layout.height * layout.scale);
  const ctx = canvas.getContext('2d');
  ctx.scale(layout.scale, layout.scale);
  ctx.fillStyle = PALETTE.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  drawHeader(ctx, layout.header, snapshot);
  drawColumnHeader(ctx, layout);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  strikeRows(snapshot).forEach((row, i) => drawRow(ctx, layout, row, layout.rowsTop + i * ROW_HEIGHT));
  const strike = layout.columns.find((column) => column.side === 'STRIKE')!;
  ctx.fillStyle = PALETTE.grid;
  ctx.fillRect(strike.x - 1, layout.columnHeader.y, 2, layout.footer.y - layout.columnHeader.y);
  ctx.fillRect(
    strike.x + strike.width - 1,
    layout.columnHeader.y,
    2,
    layout.footer.y - layout.columnHeader.y,
  );
  drawFooter(ctx, layout);
  return canvas.toBuffer('image/png', { compressionLevel: 6 });
}
