/**
 * /heatmap: strikes down, time across, calls left and puts right of the strike column (the chain
 * table's layout), each cell coloured by its OI % change over the window; breaches outlined, the ATM's
 * path drawn through the columns. At most 1280 CSS px wide, drawn at 2× for phones.
 */
import { createCanvas, type CanvasRenderingContext2D } from 'canvas';
import type { HeatmapJson } from '../history/chain-history.ts';
import { PALETTE, rgbOf } from './colors.ts';
import { ensureRenderFonts, fitFont, font, setFont } from './fonts.ts';
import { SCALE } from './chain-table-layout.ts';

export type HeatmapData = HeatmapJson;

const MAX_WIDTH = 1280;
const MARGIN = 14;
const TITLE_HEIGHT = 48;
const LEGEND_HEIGHT = 40;
const PANEL_LABEL_HEIGHT = 26;
const AXIS_HEIGHT = 26;
const STRIKE_WIDTH = 72;
const GAP = 6;
const ROW_HEIGHT = 22;
const EMPTY_CELL = '#3b4252';
const BREACH_OUTLINE = '#fde047';

interface Geometry {
  width: number;
  height: number;
  cell: number;
  ceX: number;
  strikeX: number;
  peX: number;
  gridY: number;
}

function geometry(columns: number, rows: number): Geometry {
  const room = MAX_WIDTH - 2 * MARGIN - STRIKE_WIDTH - 2 * GAP;
  const cell = Math.max(3, Math.min(28, Math.floor(room / (2 * Math.max(columns, 1)))));
  const panel = cell * columns;
  const ceX = MARGIN;
  const strikeX = ceX + panel + GAP;
  const peX = strikeX + STRIKE_WIDTH + GAP;
  const gridY = MARGIN + TITLE_HEIGHT + LEGEND_HEIGHT + PANEL_LABEL_HEIGHT;
  return {
    width: peX + panel + MARGIN,
    height: gridY + rows * ROW_HEIGHT + AXIS_HEIGHT + MARGIN,
    cell,
    ceX,
    strikeX,
    peX,
    gridY,
  };
}

/** A symmetric colour scale: the 95th percentile of |change|, at least 5%, rounded up to a multiple of 5. */
function scaleOf(data: HeatmapData): number {
  const values = [...data.ce.flat(), ...data.pe.flat()]
    .filter((value): value is number => value !== null)
    .map(Math.abs)
    .sort((a, b) => a - b);
  const p95 = values.length === 0 ? 0 : values[Math.floor(0.95 * (values.length - 1))]!;
  return Math.max(5, Math.ceil(p95 / 5) * 5);
}

function mix(from: string, to: string, t: number): string {
  const a = rgbOf(from);
  const b = rgbOf(to);
  const channel = (i: number) => Math.round(a[i]! + (b[i]! - a[i]!) * t);
  return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
}

/** Additions green, reductions red, stronger with the size of the change. */
function cellColour(pct: number | null, scale: number): string {
  if (pct === null) return EMPTY_CELL;
  const t = Math.min(Math.abs(pct) / scale, 1);
  return mix(PALETTE.strikeCell, pct >= 0 ? PALETTE.up : PALETTE.down, 0.15 + 0.85 * t);
}

function drawTitle(ctx: CanvasRenderingContext2D, data: HeatmapData, g: Geometry): void {
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillStyle = PALETTE.text;
  const first = data.columns[0]?.slice(11, 16) ?? '';
  const last = data.columns.at(-1)?.slice(11, 16) ?? '';
  const title = `${data.exchange} OI heatmap · ${data.date} · ${first}–${last} IST · % change over ${data.window} min`;
  fitFont(ctx, title, g.width - 2 * MARGIN, 24, 'sans', true);
  ctx.fillText(title, MARGIN, MARGIN + TITLE_HEIGHT / 2);
}

function drawLegend(ctx: CanvasRenderingContext2D, scale: number, g: Geometry): void {
  const y = MARGIN + TITLE_HEIGHT + 6;
  const barWidth = Math.min(360, g.width / 3);
  const steps = 60;
  for (let i = 0; i < steps; i++) {
    const pct = -scale + (2 * scale * (i + 0.5)) / steps;
    ctx.fillStyle = cellColour(pct, scale);
    ctx.fillRect(MARGIN + (i * barWidth) / steps, y, barWidth / steps + 0.5, 16);
  }
  setFont(ctx, font(13, 'sans'));
  ctx.fillStyle = PALETTE.muted;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillText(`−${scale}%`, MARGIN, y + 19);
  ctx.textAlign = 'center';
  ctx.fillText('0', MARGIN + barWidth / 2, y + 19);
  ctx.textAlign = 'right';
  ctx.fillText(`+${scale}%`, MARGIN + barWidth, y + 19);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const x = MARGIN + barWidth + 24;
  ctx.strokeStyle = BREACH_OUTLINE;
  ctx.lineWidth = 2;
  ctx.strokeRect(x, y + 1, 14, 14);
  ctx.fillStyle = PALETTE.text;
  setFont(ctx, font(14, 'sans'));
  ctx.fillText('breach', x + 20, y + 8);
  const atmX = x + 96;
  ctx.strokeStyle = PALETTE.atm;
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.moveTo(atmX, y + 8);
  ctx.lineTo(atmX + 24, y + 8);
  ctx.stroke();
  ctx.fillText('ATM', atmX + 30, y + 8);
  ctx.fillStyle = PALETTE.muted;
  ctx.fillText('grey: strike not shown then', atmX + 80, y + 8);
}

function drawPanel(
  ctx: CanvasRenderingContext2D,
  data: HeatmapData,
  side: 'ce' | 'pe',
  x: number,
  g: Geometry,
  scale: number,
): void {
  const label = side === 'ce' ? 'CALLS' : 'PUTS';
  setFont(ctx, font(15, 'sans', true));
  ctx.fillStyle = side === 'ce' ? PALETTE.callChange : PALETTE.putChange;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, x + (g.cell * data.columns.length) / 2, g.gridY - PANEL_LABEL_HEIGHT / 2);
  data.strikes.forEach((_, row) => {
    data.columns.forEach((__, column) => {
      const cx = x + column * g.cell;
      const cy = g.gridY + row * ROW_HEIGHT;
      ctx.fillStyle = cellColour(data[side][row]![column]!, scale);
      ctx.fillRect(cx, cy, g.cell - (g.cell > 5 ? 1 : 0), ROW_HEIGHT - 1);
      if (data.breaches[side][row]![column]) {
        ctx.strokeStyle = BREACH_OUTLINE;
        ctx.lineWidth = 1.5;
        ctx.strokeRect(cx + 0.75, cy + 0.75, Math.max(g.cell - 2.5, 1), ROW_HEIGHT - 2.5);
      }
    });
  });
  drawAtmPath(ctx, data, x, g);
  drawTimeAxis(ctx, data, x, g);
}

function drawAtmPath(ctx: CanvasRenderingContext2D, data: HeatmapData, x: number, g: Geometry): void {
  ctx.strokeStyle = PALETTE.atm;
  ctx.lineWidth = 3;
  ctx.beginPath();
  let drawing = false;
  data.atm.forEach((atm, column) => {
    const row = atm === null ? -1 : data.strikes.indexOf(atm);
    if (row < 0) {
      drawing = false;
      return;
    }
    const px = x + column * g.cell + g.cell / 2;
    const py = g.gridY + row * ROW_HEIGHT + ROW_HEIGHT / 2;
    if (drawing) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    drawing = true;
  });
  ctx.stroke();
}

function drawTimeAxis(ctx: CanvasRenderingContext2D, data: HeatmapData, x: number, g: Geometry): void {
  const every = Math.max(1, Math.ceil(54 / g.cell));
  const y = g.gridY + data.strikes.length * ROW_HEIGHT + AXIS_HEIGHT / 2;
  setFont(ctx, font(13, 'sans'));
  ctx.fillStyle = PALETTE.muted;
  ctx.textAlign = 'center';
  for (let column = 0; column < data.columns.length; column += every) {
    ctx.fillText(data.columns[column]!.slice(11, 16), x + column * g.cell + g.cell / 2, y);
  }
}

function drawStrikes(ctx: CanvasRenderingContext2D, data: HeatmapData, g: Geometry): void {
  const lastAtm = data.atm.at(-1) ?? null;
  setFont(ctx, font(14, 'sans', true));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = PALETTE.text;
  ctx.fillText('Strike', g.strikeX + STRIKE_WIDTH / 2, g.gridY - PANEL_LABEL_HEIGHT / 2);
  data.strikes.forEach((strike, row) => {
    const y = g.gridY + row * ROW_HEIGHT;
    const atm = strike === lastAtm;
    ctx.fillStyle = atm ? PALETTE.atm : PALETTE.strikeCell;
    ctx.fillRect(g.strikeX, y, STRIKE_WIDTH, ROW_HEIGHT - 1);
    ctx.fillStyle = atm ? PALETTE.atmText : PALETTE.text;
    ctx.fillText(String(strike), g.strikeX + STRIKE_WIDTH / 2, y + ROW_HEIGHT / 2);
  });
}

/** The heatmap as a PNG. */
export function renderHeatmap(data: HeatmapData): Buffer {
  ensureRenderFonts();
  const g = geometry(data.columns.length, data.strikes.length);
  const canvas = createCanvas(g.width * SCALE, g.height * SCALE);
  const ctx = canvas.getContext('2d');
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = PALETTE.background;
  ctx.fillRect(0, 0, g.width, g.height);
  const scale = scaleOf(data);
  drawTitle(ctx, data, g);
  drawLegend(ctx, scale, g);
  drawPanel(ctx, data, 'ce', g.ceX, g, scale);
  drawStrikes(ctx, data, g);
  drawPanel(ctx, data, 'pe', g.peX, g, scale);
  return canvas.toBuffer('image/png', { compressionLevel: 3 });
}
