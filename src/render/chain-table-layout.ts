import type { ChainSnapshot } from '../tracker/types.ts';
import { strikeRows, windowsLongestFirst } from './chain-rows.ts';

/** Pixel density of the heatmap PNG: drawn in CSS pixels, stored at twice the size. */
export const SCALE = 2;
/** Width in CSS pixels. */
export const TABLE_WIDTH = 1200;
/**
 * The chain table's PNG is 1280 px wide (1200 CSS px at 16/15): the largest size Telegram shows a
 * photo at (it scales a 2400-px PNG down to 1280 anyway), so a phone shows the same picture, drawn
 * natively at that size rather than downscaled, in a quarter of the pixels.
 */
export const CHAIN_TABLE_PIXEL_WIDTH = 1280;
export const CHAIN_TABLE_SCALE = CHAIN_TABLE_PIXEL_WIDTH / TABLE_WIDTH;
export const HEADER_HEIGHT = 104;
export const GROUP_LABEL_HEIGHT = 30;
export const COLUMN_LABEL_HEIGHT = 36;
export const ROW_HEIGHT = 52;
export const FOOTER_HEIGHT = 40;
const STRIKE_WIDTH = 112;
const LTP_WIDTH = 96;
const OI_WIDTH = 104;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type TableSide = 'CE' | 'PE' | 'STRIKE';

export interface TableColumn {
  side: TableSide;
  /** A window key ('5', '30') for a change column, else 'oi', 'ltp' or 'strike'. */
  key: string;
  kind: 'change' | 'oi' | 'ltp' | 'strike';
  label: string;
  x: number;
  width: number;
}

export interface TableCell extends Rect {
  column: TableColumn;
}

export interface TableRow extends Rect {
  strike: number;
  atm: boolean;
  cells: TableCell[];
}

/** Where everything goes, in CSS pixels; multiply by `scale` (or use `toPixels`) for PNG pixels. */
export interface ChainTableLayout {
  scale: number;
  width: number;
  height: number;
  pixelWidth: number;
  pixelHeight: number;
  header: Rect;
  /** The two label lines above the rows (group labels, then column labels). */
  columnHeader: Rect;
  footer: Rect;
  columns: TableColumn[];
  /** One per strike, ascending, as drawn. */
  rows: TableRow[];
}

/** The columns: CE `30M 15M 10M 5M OI LTP` │ STRIKE │ PE `LTP OI 5M 10M 15M 30M`. */
export function tableColumns(windows: readonly number[]): TableColumn[] {
  const longestFirst = windowsLongestFirst(windows);
  const sideWidth = Math.floor((TABLE_WIDTH - STRIKE_WIDTH) / 2);
  const changeWidth =
    longestFirst.length === 0 ? 0 : Math.floor((sideWidth - LTP_WIDTH - OI_WIDTH) / longestFirst.length);
  const oiWidth = sideWidth - LTP_WIDTH - changeWidth * longestFirst.length;
  const strikeWidth = TABLE_WIDTH - 2 * sideWidth;
  const columns: TableColumn[] = [];
  let x = 0;
  const add = (side: TableSide, key: string, kind: TableColumn['kind'], label: string, width: number) => {
    columns.push({ side, key, kind, label, x, width });
    x += width;
  };
  for (const key of longestFirst) add('CE', key, 'change', `${key}M`, changeWidth);
  add('CE', 'oi', 'oi', 'OI', oiWidth);
  add('CE', 'ltp', 'ltp', 'LTP', LTP_WIDTH);
  add('STRIKE', 'strike', 'strike', 'STRIKE', strikeWidth);
  add('PE', 'ltp', 'ltp', 'LTP', LTP_WIDTH);
  add('PE', 'oi', 'oi', 'OI', oiWidth);
  for (const key of [...longestFirst].reverse()) add('PE', key, 'change', `${key}M`, changeWidth);
  return columns;
}

/** The column header's band (group labels over column labels) under a header of `headerHeight`. */
export function columnHeaderBelow(headerHeight: number): Rect {
  return { x: 0, y: headerHeight, width: TABLE_WIDTH, height: GROUP_LABEL_HEIGHT + COLUMN_LABEL_HEIGHT };
}

/** The layout of `renderChainTable(snapshot, { windows })`: the header, every row and every cell. */
export function chainTableLayout(snapshot: ChainSnapshot, windows: readonly number[]): ChainTableLayout {
  const columns = tableColumns(windows);
  const columnHeader = columnHeaderBelow(HEADER_HEIGHT);
  const rowsTop = columnHeader.y + columnHeader.height;
  const rows = strikeRows(snapshot).map((row, i): TableRow => {
    const y = rowsTop + i * ROW_HEIGHT;
    return {
      strike: row.strike,
      atm: row.atm,
      x: 0,
      y,
      width: TABLE_WIDTH,
      height: ROW_HEIGHT,
      cells: columns.map((column) => ({ column, x: column.x, y, width: column.width, height: ROW_HEIGHT })),
    };
  });
  const footer = { x: 0, y: rowsTop + rows.length * ROW_HEIGHT, width: TABLE_WIDTH, height: FOOTER_HEIGHT };
  const height = footer.y + footer.height;
  return {
    scale: CHAIN_TABLE_SCALE,
    width: TABLE_WIDTH,
    height,
    pixelWidth: CHAIN_TABLE_PIXEL_WIDTH,
    pixelHeight: Math.round(height * CHAIN_TABLE_SCALE),
    header: { x: 0, y: 0, width: TABLE_WIDTH, height: HEADER_HEIGHT },
    columnHeader,
    footer,
    columns,
    rows,
  };
}

/** The cell of `strike` in the column (`side`, `key`), e.g. `findCell(layout, 25600, 'CE', '30')`. */
export function findCell(
  layout: ChainTableLayout,
  strike: number,
  side: TableSide,
  key: string,
): TableCell | undefined {
  return layout.rows
    .find((row) => row.strike === strike)
    ?.cells.find((cell) => cell.column.side === side && cell.column.key === key);
}

/** A CSS-pixel rectangle in whole PNG pixels of the chain table (edges rounded to the nearest pixel). */
export function toPixels(rect: Rect, scale = CHAIN_TABLE_SCALE): Rect {
  const x = Math.round(rect.x * scale);
  const y = Math.round(rect.y * scale);
  return {
    x,
    y,
    width: Math.round((rect.x + rect.width) * scale) - x,
    height: Math.round((rect.y + rect.height) * scale) - y,
  };
}
