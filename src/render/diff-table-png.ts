/**
 * /diff: the change between two stored cycles in the chain table's layout: calls left, strike centre,
 * puts right; each side OI then and now, the change (green added, red shed) and its %, and the LTP move.
 */
import { createCanvas, type CanvasRenderingContext2D } from 'canvas';
import type { DiffJson, DiffSide } from '../history/chain-history.ts';
import { CHAIN_TABLE_SCALE } from './chain-table-layout.ts';
import { PALETTE } from './colors.ts';
import { ensureRenderFonts, fitFont, font, setFont } from './fonts.ts';
import { indexedPng } from './indexed-png.ts';
import { formatChange, formatLevel, formatOi, formatPrice } from './oi-format.ts';

export type DiffData = DiffJson;
type DiffSideData = DiffSide;

const WIDTH = 1200;
const PAD = 16;
const HEADER_HEIGHT = 96;
const COLUMN_HEADER_HEIGHT = 40;
const ROW_HEIGHT = 40;
const STRIKE_WIDTH = 110;
const SIDE_COLUMNS = ['OI then', 'OI now', 'OI chg', 'Chg %', 'LTP then → now'] as const;
const SIDE_WEIGHTS = [1, 1, 1.05, 0.85, 1.6];

const time = (iso: string) => iso.slice(11, 19);
const signedOi = (change: number | null) =>
  change === null ? '—' : `${change > 0 ? '+' : change < 0 ? '−' : ''}${formatOi(Math.abs(change))}`;

function sideCells(side: DiffSideData): { text: string; colour: string }[] {
  const tone =
    side.change === null || side.change === 0 ? PALETTE.text : side.change > 0 ? PALETTE.up : PALETTE.down;
  return [
    { text: formatOi(side.oi_from), colour: PALETTE.muted },
    { text: formatOi(side.oi_to), colour: PALETTE.text },
    { text: signedOi(side.change), colour: tone },
    { text: formatChange(side.change_pct), colour: tone },
    { text: `${formatPrice(side.ltp_from)} → ${formatPrice(side.ltp_to)}`, colour: PALETTE.text },
  ];
}

function sideWidths(): number[] {
  const room = (WIDTH - STRIKE_WIDTH) / 2;
  const total = SIDE_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
  return SIDE_WEIGHTS.map((weight) => (room * weight) / total);
}

function drawHeader(ctx: CanvasRenderingContext2D, data: DiffData): void {
  ctx.fillStyle = PALETTE.headerBar;
  ctx.fillRect(0, 0, WIDTH, HEADER_HEIGHT);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillStyle = PALETTE.text;
  const title = `${data.exchange} · OI change ${time(data.from)} → ${time(data.to)} IST · ${data.to.slice(0, 10)}`;
  fitFont(ctx, title, WIDTH - 2 * PAD, 26, 'sans', true);
  ctx.fillText(title, PAD, 30);
  const figures =
    `Price ${formatPrice(data.underlying_price_from)} → ${formatPrice(data.underlying_price_to)}   ` +
    `ATM ${formatLevel(data.atm_from)} → ${formatLevel(data.atm_to)}   ` +
    `PCR ${formatPrice(data.pcr_from)} → ${formatPrice(data.pcr_to)}`;
  fitFont(ctx, figures, WIDTH - 2 * PAD, 21, 'sans');
  ctx.fillStyle = PALETTE.muted;
  ctx.fillText(figures, PAD, 72);
}

function drawColumnHeader(ctx: CanvasRenderingContext2D, widths: number[]): void {
  const y = HEADER_HEIGHT;
  ctx.fillStyle = PALETTE.columnHeader;
  ctx.fillRect(0, y, WIDTH, COLUMN_HEADER_HEIGHT);
  ctx.textAlign = 'center';
  let x = 0;
  for (const [i, label] of [...SIDE_COLUMNS].reverse().entries()) {
    const w = widths[SIDE_COLUMNS.length - 1 - i]!;
    fitFont(ctx, label, w - 6, 17, 'sans', true);
    ctx.fillStyle = PALETTE.callChange;
    ctx.fillText(label, x + w / 2, y + COLUMN_HEADER_HEIGHT / 2);
    x += w;
  }
  setFont(ctx, font(18, 'sans', true));
  ctx.fillStyle = PALETTE.text;
  ctx.fillText('Strike', x + STRIKE_WIDTH / 2, y + COLUMN_HEADER_HEIGHT / 2);
  x += STRIKE_WIDTH;
  for (const [i, label] of SIDE_COLUMNS.entries()) {
    fitFont(ctx, label, widths[i]! - 6, 17, 'sans', true);
    ctx.fillStyle = PALETTE.putChange;
    ctx.fillText(label, x + widths[i]! / 2, y + COLUMN_HEADER_HEIGHT / 2);
    x += widths[i]!;
  }
}

function drawRow(
  ctx: CanvasRenderingContext2D,
  row: DiffData['rows'][number],
  y: number,
  widths: number[],
  atm: boolean,
): void {
  ctx.fillStyle = atm ? PALETTE.strikeCell : PALETTE.background;
  ctx.fillRect(0, y, WIDTH, ROW_HEIGHT);
  const cell = (text: string, colour: string, x: number, w: number) => {
    fitFont(ctx, text, w - 8, 20, 'sans');
    ctx.fillStyle = colour;
    ctx.fillText(text, x + w / 2, y + ROW_HEIGHT / 2);
  };
  let x = 0;
  const calls = sideCells(row.ce).reverse();
  calls.forEach((c, i) => {
    const w = widths[SIDE_COLUMNS.length - 1 - i]!;
    cell(c.text, c.colour, x, w);
    x += w;
  });
  ctx.fillStyle = atm ? PALETTE.atm : PALETTE.strikeCell;
  ctx.fillRect(x, y, STRIKE_WIDTH, ROW_HEIGHT);
  setFont(ctx, font(22, 'sans', true));
  ctx.fillStyle = atm ? PALETTE.atmText : PALETTE.text;
  ctx.fillText(String(row.strike), x + STRIKE_WIDTH / 2, y + ROW_HEIGHT / 2);
  x += STRIKE_WIDTH;
  sideCells(row.pe).forEach((c, i) => {
    cell(c.text, c.colour, x, widths[i]!);
    x += widths[i]!;
  });
  ctx.strokeStyle = PALETTE.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, y + ROW_HEIGHT - 0.5);
  ctx.lineTo(WIDTH, y + ROW_HEIGHT - 0.5);
  ctx.stroke();
}

/** The diff table as a PNG, drawn like the chain table: 1280 px wide, 8-bit palette. */
export function renderDiffTable(data: DiffData): Buffer {
  ensureRenderFonts();
  const height = HEADER_HEIGHT + COLUMN_HEADER_HEIGHT + data.rows.length * ROW_HEIGHT + PAD;
  const canvas = createCanvas(Math.round(WIDTH * CHAIN_TABLE_SCALE), Math.round(height * CHAIN_TABLE_SCALE));
  const ctx = canvas.getContext('2d');
  ctx.scale(CHAIN_TABLE_SCALE, CHAIN_TABLE_SCALE);
  ctx.fillStyle = PALETTE.background;
  ctx.fillRect(0, 0, WIDTH, height);
  const widths = sideWidths();
  drawHeader(ctx, data);
  drawColumnHeader(ctx, widths);
  data.rows.forEach((row, i) =>
    drawRow(
      ctx,
      row,
      HEADER_HEIGHT + COLUMN_HEADER_HEIGHT + i * ROW_HEIGHT,
      widths,
      row.strike === data.atm_to,
    ),
  );
  return indexedPng(canvas);
}
