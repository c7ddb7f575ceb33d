import type { ChartConfiguration, ScriptableScaleContext } from 'chart.js';
import { createCanvas, loadImage } from 'canvas';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import type { ChainSnapshot } from '../tracker/types.ts';
import { changeOf, strikeRows } from './chain-rows.ts';
import { PALETTE } from './colors.ts';
import { ensureRenderFonts, SANS } from './fonts.ts';
import { indexedPng } from './indexed-png.ts';
import { formatAge, formatIstHourMinute, formatIstTime, formatLevel, formatPrice } from './oi-format.ts';

/** Charts are 1200 × 700 CSS px at 2× density: 2400 × 1400 PNG pixels. */
export const CHART_WIDTH = 2400;
export const CHART_HEIGHT = 1400;
const FONT_PX = 26;

const canvases = new Map<string, ChartJSNodeCanvas>();

/** The one renderer for a size (each instance loads its own copy of Chart.js, so they are reused). */
export function chartCanvas(width = CHART_WIDTH, height = CHART_HEIGHT): ChartJSNodeCanvas {
  ensureRenderFonts();
  const key = `${width}x${height}`;
  let canvas = canvases.get(key);
  if (!canvas) {
    canvas = new ChartJSNodeCanvas({
      width,
      height,
      backgroundColour: PALETTE.background,
      chartCallback: (ChartJS) => {
        ChartJS.defaults.font.family = SANS;
        ChartJS.defaults.font.size = FONT_PX;
        ChartJS.defaults.color = PALETTE.text;
        ChartJS.defaults.borderColor = PALETTE.grid;
        ChartJS.defaults.animation = false;
        ChartJS.defaults.responsive = false;
      },
    });
    canvases.set(key, canvas);
  }
  return canvas;
}

type ChartSize = { width: number; height: number };
const DEFAULT_SIZE: ChartSize = { width: CHART_WIDTH, height: CHART_HEIGHT };

/** Any Chart.js configuration as a full-colour PNG, on the shared renderer of that size. */
export function renderChartRgba(
  configuration: ChartConfiguration,
  size: ChartSize = DEFAULT_SIZE,
): Promise<Buffer> {
  return chartCanvas(size.width, size.height).renderToBuffer(configuration, 'image/png');
}

/**
 * Any Chart.js configuration as the PNG a chat gets: 8-bit palette (see indexedPng), about half the
 * bytes of the full-colour one and the same picture on a phone.
 */
export async function renderChart(
  configuration: ChartConfiguration,
  size: ChartSize = DEFAULT_SIZE,
): Promise<Buffer> {
  const rgba = await renderChartRgba(configuration, size);
  const canvas = createCanvas(size.width, size.height);
  canvas.getContext('2d').drawImage(await loadImage(rgba), 0, 0);
  return indexedPng(canvas);
}

/** Strike-axis ticks with the ATM strike's label bold in the ATM colour. */
export function atmStrikeTicks(atmIndex: number) {
  return {
    color: (context: ScriptableScaleContext) => (context.index === atmIndex ? PALETTE.atm : PALETTE.text),
    font: (context: ScriptableScaleContext) => ({
      weight: context.index === atmIndex ? ('bold' as const) : ('normal' as const),
    }),
  };
}

/** The charts' header line, as on the table: chain, underlying and price, ATM, PCR, IST time, status. */
export function chartHeader(snapshot: ChainSnapshot, dataAgeS: number | null = null): string {
  const age = dataAgeS === null ? '' : ` · age ${formatAge(dataAgeS)}`;
  return (
    `${snapshot.chainId} · ${snapshot.underlying} ${formatPrice(snapshot.underlyingPrice)} · ` +
    `ATM ${formatLevel(snapshot.atmStrike)} · PCR ${formatPrice(snapshot.pcr)} · ` +
    `${formatIstTime(snapshot.lastUpdate)} IST · ${snapshot.status}${age}`
  );
}

const titles = (title: string, subtitle: string) => ({
  title: {
    display: true,
    text: title,
    color: PALETTE.text,
    font: { size: FONT_PX + 6, weight: 'bold' as const },
  },
  subtitle: { display: true, text: subtitle, color: PALETTE.muted, padding: { bottom: 12 } },
  legend: { labels: { boxWidth: 28 } },
});

/** /oi: call vs put OI by strike (bars, lakhs, left axis) with each side's change over the longest window (lines, %, right axis). */
export function renderOiChart(
  snapshot: ChainSnapshot,
  options: { windows: readonly number[] },
): Promise<Buffer> {
  const key = String(options.windows.length === 0 ? 30 : Math.max(...options.windows));
  const rows = strikeRows(snapshot);
  const lakhs = (oi: number | null | undefined) => (oi === null || oi === undefined ? null : oi / 100_000);
  const atmIndex = rows.findIndex((row) => row.atm);
  const configuration: ChartConfiguration<'bar' | 'line'> = {
    type: 'bar',
    data: {
      labels: rows.map((row) => String(row.strike)),
      datasets: [
        {
          type: 'bar',
          label: 'Call OI (L)',
          data: rows.map((r) => lakhs(r.call?.oi)),
          backgroundColor: PALETTE.callSeries,
          yAxisID: 'oi',
          order: 2,
        },
        {
          type: 'bar',
          label: 'Put OI (L)',
          data: rows.map((r) => lakhs(r.put?.oi)),
          backgroundColor: PALETTE.putSeries,
          yAxisID: 'oi',
          order: 2,
        },
        {
          type: 'line',
          label: `Call OI ${key}M %Chg`,
          data: rows.map((r) => changeOf(r.call, key)),
          borderColor: PALETTE.callChange,
          backgroundColor: PALETTE.callChange,
          borderWidth: 4,
          pointRadius: 6,
          yAxisID: 'pct',
          order: 1,
        },
        {
          type: 'line',
          label: `Put OI ${key}M %Chg`,
          data: rows.map((r) => changeOf(r.put, key)),
          borderColor: PALETTE.putChange,
          backgroundColor: PALETTE.putChange,
          borderWidth: 4,
          pointRadius: 6,
          yAxisID: 'pct',
          order: 1,
        },
      ],
    },
    options: {
      plugins: titles(chartHeader(snapshot), `Call vs put OI by strike, with the ${key}-minute OI change`),
      scales: {
        x: {
          ticks: atmStrikeTicks(atmIndex),
        },
        oi: {
          type: 'linear',
          position: 'left',
          beginAtZero: true,
          title: { display: true, text: 'OI (lakhs)' },
        },
        pct: {
          type: 'linear',
          position: 'right',
          title: { display: true, text: `${key}-minute OI change %` },
          grid: { drawOnChartArea: false },
        },
      },
    },
  };
  return renderChart(configuration as ChartConfiguration);
}

/** /pcr: today's PCR through the day, with IST time labels. */
export function renderPcrChart(
  chainId: string,
  points: readonly { time: number; pcr: number }[],
): Promise<Buffer> {
  const last = points.at(-1);
  const title = last
    ? `${chainId} · PCR ${last.pcr.toFixed(2)} at ${formatIstTime(last.time)} IST`
    : `${chainId} · no PCR data yet today`;
  return renderChart({
    type: 'line',
    data: {
      labels: points.map((point) => formatIstHourMinute(point.time)),
      datasets: [
        {
          label: 'PCR (Σ put OI / Σ call OI)',
          data: points.map((point) => point.pcr),
          borderColor: PALETTE.atm,
          backgroundColor: PALETTE.atm,
          borderWidth: 4,
          pointRadius: points.length > 60 ? 0 : 5,
        },
      ],
    },
    options: {
      plugins: titles(title, "Today's put-call ratio through the day (IST)"),
      scales: {
        x: { ticks: { maxTicksLimit: 14, maxRotation: 0 } },
        y: { title: { display: true, text: 'PCR' } },
      },
    },
  });
}
