/**
 * The Greeks table PNG: the chain table's look (width, density, palette, fonts, row height) with
 * IV and the four Greeks per side: calls left (mirrored, delta next to the strike), strike centre,
 * puts right. Shows the cycle's own values and time only, so one render can serve a whole cycle.
 */
import { createCanvas, type CanvasRenderingContext2D } from 'canvas';
import type { ChainSnapshot } from '../tracker/types.ts';
import { strikeRows, type StrikeRow } from './chain-rows.ts';
import {
  CHAIN_TABLE_SCALE,
  columnHeaderBelow,
  FOOTER_HEIGHT,
  ROW_HEIGHT,
  TABLE_WIDTH,
  type Rect,
} from './chain-table-layout.ts';
import { PALETTE } from './colors.ts';
import { ensureRenderFonts, fitFont } from './fonts.ts';
import { atmGreeks, formatGreek, GREEK_KEYS, GREEK_LABELS, type GreekKey } from './greeks-table.ts';
import { indexedPng } from './indexed-png.ts';
import { formatIstTime, formatLevel, formatPrice } from './oi-format.ts';
import { cellFill, drawColumnLabels, drawGroupLabel, drawStrikeDividers } from './table-drawing.ts';

const HEADER_HEIGHT = 96;
const STRIKE_WIDTH = 112;
const CELL_FONT_PX = 21;
const STRIKE_FONT_PX = 23;
const PAD = 16;
/** Drawn like the chain table (1280 px, 8-bit palette, zlib 6): about a fifth of the RGBA 2400-px PNG. */
const PNG_COMPRESSION = 6;

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
  const columnHeader = columnHeaderBelow(HEADER_HEIGHT);
  const rowsTop = columnHeader.y + columnHeader.height;
  const rowCount = strikeRows(snapshot).length;
  const footer = { x: 0, y: rowsTop + rowCount * ROW_HEIGHT, width: TABLE_WIDTH, height: FOOTER_HEIGHT };
  return {
    scale: CHAIN_TABLE_SCALE,
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
  const header = layout.columnHeader;
  ctx.fillStyle = PALETTE.columnHeader;
  ctx.fillRect(0, header.y, header.width, header.height);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const of = (side: GreeksColumn['side']) => layout.columns.filter((column) => column.side === side);
  drawGroupLabel(ctx, of('CE'), 'CALLS', PALETTE.callChange, header.y);
  drawGroupLabel(ctx, of('PE'), 'PUTS', PALETTE.putChange, header.y);
  drawColumnLabels(ctx, layout.columns, header);
}

function drawRow(ctx: CanvasRenderingContext2D, layout: GreeksTableLayout, row: StrikeRow, y: number): void {
  for (const column of layout.columns) {
    ctx.fillStyle = cellFill(row, column.side);
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

/** The chain's Greeks as a PNG table, 1200 CSS px drawn 1280 px wide like the chain table. */
export function renderGreeksTable(snapshot: ChainSnapshot): Buffer {
  ensureRenderFonts();
  const layout = greeksTableLayout(snapshot);
  const canvas = createCanvas(
    Math.round(layout.width * layout.scale),
    Math.round(layout.height * layout.scale),
  );
  const ctx = canvas.getContext('2d');
  ctx.scale(layout.scale, layout.scale);
  ctx.fillStyle = PALETTE.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  drawHeader(ctx, layout.header, snapshot);
  drawColumnHeader(ctx, layout);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  strikeRows(snapshot).forEach((row, i) => drawRow(ctx, layout, row, layout.rowsTop + i * ROW_HEIGHT));
  drawStrikeDividers(ctx, layout.columns, layout.columnHeader.y, layout.footer.y);
  drawFooter(ctx, layout);
  return indexedPng(canvas, PNG_COMPRESSION);
}
