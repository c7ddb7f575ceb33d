/** What the strike tables (chain, Greeks) draw alike: cell shading, column labels, the strike dividers. */
import type { CanvasRenderingContext2D } from 'canvas';
import type { StrikeRow } from './chain-rows.ts';
import { COLUMN_LABEL_HEIGHT, GROUP_LABEL_HEIGHT, type Rect, type TableSide } from './chain-table-layout.ts';
import { PALETTE } from './colors.ts';
import { fitFont } from './fonts.ts';

export interface LabelledColumn {
  side: TableSide;
  label: string;
  x: number;
  width: number;
}

/** The ATM row cyan, the strike column grey, an option by its moneyness (ITM green, OTM red). */
export function cellFill(row: StrikeRow, side: TableSide): string {
  if (row.atm) return PALETTE.atm;
  if (side === 'STRIKE') return PALETTE.strikeCell;
  const option = side === 'CE' ? row.call : row.put;
  if (!option) return PALETTE.background;
  return option.moneyness === 'ITM' ? PALETTE.itm : PALETTE.otm;
}

/** A group label ("CALLS") centred over its columns, in the column header's top band. */
export function drawGroupLabel(
  ctx: CanvasRenderingContext2D,
  columns: readonly LabelledColumn[],
  label: string,
  color: string,
  top: number,
): void {
  const first = columns[0];
  const last = columns.at(-1);
  if (!first || !last) return;
  const spanWidth = last.x + last.width - first.x;
  fitFont(ctx, label, spanWidth - 8, 17, 'sans', true);
  ctx.fillStyle = color;
  ctx.fillText(label, first.x + spanWidth / 2, top + GROUP_LABEL_HEIGHT / 2 + 2);
}

/** Each column's label under the group labels; the strike's spans the whole column header. */
export function drawColumnLabels(
  ctx: CanvasRenderingContext2D,
  columns: readonly LabelledColumn[],
  header: Rect,
): void {
  for (const column of columns) {
    const strike = column.side === 'STRIKE';
    fitFont(ctx, column.label, column.width - 6, strike ? 19 : 18, 'sans', true);
    ctx.fillStyle = strike ? PALETTE.text : PALETTE.muted;
    const labelY = strike
      ? header.y + header.height / 2
      : header.y + GROUP_LABEL_HEIGHT + COLUMN_LABEL_HEIGHT / 2;
    ctx.fillText(column.label, column.x + column.width / 2, labelY);
  }
}

/** The two rules either side of the strike column, from `top` to `bottom`. */
export function drawStrikeDividers(
  ctx: CanvasRenderingContext2D,
  columns: readonly LabelledColumn[],
  top: number,
  bottom: number,
): void {
  const strike = columns.find((column) => column.side === 'STRIKE');
  if (!strike) return;
  ctx.fillStyle = PALETTE.grid;
  ctx.fillRect(strike.x - 1, top, 2, bottom - top);
  ctx.fillRect(strike.x + strike.width - 1, top, 2, bottom - top);
}
