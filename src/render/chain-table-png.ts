import { createCanvas, type Canvas, type CanvasRenderingContext2D } from 'canvas';
import type { ChainSnapshot, OptionRow } from '../tracker/types.ts';
import { changeOf, strikeRows, type StrikeRow } from './chain-rows.ts';
import {
  chainTableLayout,
  type ChainTableLayout,
  type TableCell,
  type TableColumn,
} from './chain-table-layout.ts';
import { PALETTE } from './colors.ts';
import { ensureRenderFonts, fitFont } from './fonts.ts';
import { indexedPng } from './indexed-png.ts';
import { formatChange, formatOi, formatPrice } from './oi-format.ts';
import { cellFill, drawColumnLabels, drawGroupLabel, drawStrikeDividers } from './table-drawing.ts';
import { drawHeaderBar } from './table-header.ts';

export { CHAIN_TABLE_SCALE, chainTableLayout, findCell, toPixels } from './chain-table-layout.ts';
export type { ChainTableLayout, Rect, TableCell, TableColumn, TableRow } from './chain-table-layout.ts';

export interface ChainTableOptions {
  /** OI change windows in minutes, e.g. [5, 10, 15, 30]: one column per side each. */
  windows: readonly number[];
  /**
   * Seconds since the data last changed (null when unknown), drawn beside the clock. Leave it out for a
   * PNG that is reused while its snapshot stands: then the header shows the cycle's own time only, and
   * the age belongs in the caption.
   */
  dataAgeS?: number | null;
  /** The instant of drawing (epoch ms); when dataAgeS is null the age is now − lastUpdate. */
  now?: number;
}

const CELL_FONT_PX = 21;
const STRIKE_FONT_PX = 23;
const BREACH_LINE_PX = 3;
/**
 * zlib level 6 on the 8-bit palette PNG (see indexedPng): about 110 KB for 11 strikes at 1280 px,
 * against 300 KB as RGBA and 570 KB for the former 2400-px RGBA table; level 9 saves 3% at 4× the time.
 */
const PNG_COMPRESSION = 6;

function drawColumnHeader(ctx: CanvasRenderingContext2D, layout: ChainTableLayout): void {
  const header = layout.columnHeader;
  ctx.fillStyle = PALETTE.columnHeader;
  ctx.fillRect(0, header.y, header.width, header.height);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const of = (side: string, kind: 'change' | 'rest') =>
    layout.columns.filter((c) => c.side === side && (kind === 'change') === (c.kind === 'change'));
  drawGroupLabel(ctx, of('CE', 'change'), 'CALL OI %Chg', PALETTE.callChange, header.y);
  drawGroupLabel(ctx, of('CE', 'rest'), 'CALLS', PALETTE.callChange, header.y);
  drawGroupLabel(ctx, of('PE', 'rest'), 'PUTS', PALETTE.putChange, header.y);
  drawGroupLabel(ctx, of('PE', 'change'), 'PUT OI %Chg', PALETTE.putChange, header.y);
  drawColumnLabels(ctx, layout.columns, header);
}

function cellText(option: OptionRow, column: TableColumn, atm: boolean): { text: string; color: string } {
  const plain = atm ? PALETTE.atmText : PALETTE.text;
  if (column.kind === 'oi') return { text: formatOi(option.oi), color: plain };
  if (column.kind === 'ltp') return { text: formatPrice(option.ltp), color: plain };
  const pct = changeOf(option, column.key);
  const text = formatChange(pct);
  if (pct === null || text === '0.00') return { text, color: atm ? PALETTE.atmText : PALETTE.muted };
  if (pct > 0) return { text, color: atm ? PALETTE.upOnAtm : PALETTE.up };
  return { text, color: atm ? PALETTE.downOnAtm : PALETTE.down };
}

function drawCell(ctx: CanvasRenderingContext2D, row: StrikeRow, cell: TableCell): void {
  const { column } = cell;
  ctx.fillStyle = cellFill(row, column.side);
  ctx.fillRect(cell.x, cell.y, cell.width, cell.height);
  const centerX = cell.x + cell.width / 2;
  const centerY = cell.y + cell.height / 2;
  if (column.kind === 'strike') {
    const text = String(row.strike);
    fitFont(ctx, text, cell.width - 8, STRIKE_FONT_PX, 'mono', true);
    ctx.fillStyle = row.atm ? PALETTE.atmText : PALETTE.text;
    ctx.fillText(text, centerX, centerY);
    return;
  }
  const option = column.side === 'CE' ? row.call : row.put;
  if (!option) return;
  const { text, color } = cellText(option, column, row.atm);
  fitFont(ctx, text, cell.width - 8, CELL_FONT_PX, 'mono', row.atm);
  ctx.fillStyle = color;
  ctx.fillText(text, centerX, centerY);
  if (column.kind === 'change' && option.breaches.includes(column.key)) {
    const inset = 1 + BREACH_LINE_PX / 2;
    ctx.strokeStyle = PALETTE.breach;
    ctx.lineWidth = BREACH_LINE_PX;
    ctx.strokeRect(cell.x + inset, cell.y + inset, cell.width - 2 * inset, cell.height - 2 * inset);
  }
}

function drawGrid(ctx: CanvasRenderingContext2D, layout: ChainTableLayout): void {
  const top = layout.columnHeader.y;
  const bottom = layout.footer.y;
  ctx.fillStyle = PALETTE.grid;
  for (const row of layout.rows) ctx.fillRect(0, row.y + row.height - 1, layout.width, 1);
  drawStrikeDividers(ctx, layout.columns, top, bottom);
}

function drawFooter(ctx: CanvasRenderingContext2D, layout: ChainTableLayout, snapshot: ChainSnapshot): void {
  const { y, width, height } = layout.footer;
  const text =
    snapshot.notes.length > 0
      ? `Note: ${snapshot.notes.join(' · ')}`
      : 'ITM green · ATM cyan · OTM red · breach boxed red · OI in lakhs (L) / thousands (K) · %Chg over window';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  fitFont(ctx, text, width - 24, 17, 'sans');
  ctx.fillStyle = snapshot.notes.length > 0 ? PALETTE.notLive : PALETTE.muted;
  ctx.fillText(text, 12, y + height / 2);
}

/**
 * The option chain as a PNG table, 1200 CSS px drawn 1280 px wide, 8-bit palette: a header bar with the
 * chain's figures, column labels, one row per strike (ITM green, ATM cyan, OTM red; rises green,
 * falls red; a breach boxed in red; `N/A` for unknown values) and a legend or the snapshot's notes.
 */
export function renderChainTable(snapshot: ChainSnapshot, options: ChainTableOptions): Buffer {
  return indexedPng(drawChainTable(snapshot, options), PNG_COMPRESSION);
}

/** The chain table drawn on a canvas (full colour), before it is encoded: `renderChainTable` without the PNG. */
export function drawChainTable(snapshot: ChainSnapshot, options: ChainTableOptions): Canvas {
  ensureRenderFonts();
  const layout = chainTableLayout(snapshot, options.windows);
  const canvas = createCanvas(layout.pixelWidth, layout.pixelHeight);
  const ctx = canvas.getContext('2d');
  ctx.scale(layout.scale, layout.scale);
  ctx.fillStyle = PALETTE.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  const dataAgeS =
    options.dataAgeS === undefined
      ? undefined
      : (options.dataAgeS ?? (options.now === undefined ? null : (options.now - snapshot.lastUpdate) / 1000));
  drawHeaderBar(ctx, layout.header, snapshot, dataAgeS);
  drawColumnHeader(ctx, layout);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const rows = strikeRows(snapshot);
  layout.rows.forEach((tableRow, i) => {
    const row = rows[i];
    if (row) for (const cell of tableRow.cells) drawCell(ctx, row, cell);
  });
  drawGrid(ctx, layout);
  drawFooter(ctx, layout, snapshot);
  return canvas;
}
