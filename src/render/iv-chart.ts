/** /iv: the IV smile of one snapshot (call and put IV by strike, ATM marked) above the ATM IV through the day. */
import type { ChartConfiguration, ScriptableContext } from 'chart.js';
import { createCanvas, loadImage } from 'canvas';
import type { ChainSnapshot } from '../tracker/types.ts';
import { strikeRows } from './chain-rows.ts';
import { atmStrikeTicks, chartHeader, renderChartRgba } from './chart-images.ts';
import { PALETTE } from './colors.ts';
import { indexedPng } from './indexed-png.ts';
import { formatIstHourMinute } from './oi-format.ts';

/** Each panel 1200 × 620 CSS px at 2×, stacked: 2400 × 2480 PNG pixels, phone-readable at 1280. */
const PANEL = { width: 2400, height: 1240 };
const TITLE_FONT = { size: 36, weight: 'bold' as const };

/** The ATM row's call and put IV (percent) of one stored cycle. */
export interface AtmIvPoint {
  /** The cycle's instant, epoch ms. */
  time: number;
  atm: number | null;
  callIv: number | null;
  putIv: number | null;
}

const legend = { labels: { boxWidth: 40, font: { size: 28 } } };

function smileChart(snapshot: ChainSnapshot): ChartConfiguration {
  const rows = strikeRows(snapshot);
  const atmIndex = rows.findIndex((row) => row.atm);
  const atAtm =
    <T>(big: T, small: T) =>
    (context: ScriptableContext<'line'>): T =>
      context.dataIndex === atmIndex ? big : small;
  const series = (label: string, color: string, values: (number | null)[]) => ({
    label,
    data: values,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 5,
    pointRadius: atAtm(14, 7),
    pointBorderColor: atAtm<string>(PALETTE.atm, color),
    pointBorderWidth: atAtm(5, 1),
    spanGaps: true,
  });
  return {
    type: 'line',
    data: {
      labels: rows.map((row) => (row.atm ? `${row.strike} ATM` : String(row.strike))),
      datasets: [
        series(
          'Call IV %',
          PALETTE.callSeries,
          rows.map((row) => row.call?.iv ?? null),
        ),
        series(
          'Put IV %',
          PALETTE.putSeries,
          rows.map((row) => row.put?.iv ?? null),
        ),
      ],
    },
    options: {
      layout: { padding: { left: 8, right: 40 } },
      plugins: {
        title: { display: true, text: chartHeader(snapshot), font: TITLE_FONT },
        subtitle: {
          display: true,
          text: `IV smile by strike · expiry ${snapshot.expiry ?? 'N/A'} · ATM ringed in cyan`,
          color: PALETTE.muted,
          padding: { bottom: 12 },
        },
        legend,
      },
      scales: {
        x: {
          ticks: atmStrikeTicks(atmIndex),
        },
        y: { title: { display: true, text: 'Implied volatility %' } },
      },
    },
  } as ChartConfiguration;
}

function dayChart(chainId: string, date: string, points: readonly AtmIvPoint[]): ChartConfiguration {
  const dense = points.length > 60;
  const line = (label: string, color: string, values: (number | null)[]) => ({
    label,
    data: values,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 4,
    pointRadius: dense ? 0 : 5,
    spanGaps: true,
  });
  return {
    type: 'line',
    data: {
      labels: points.map((point) => formatIstHourMinute(point.time)),
      datasets: [
        line(
          'ATM call IV %',
          PALETTE.callSeries,
          points.map((point) => point.callIv),
        ),
        line(
          'ATM put IV %',
          PALETTE.putSeries,
          points.map((point) => point.putIv),
        ),
      ],
    },
    options: {
      layout: { padding: { left: 8, right: 40 } },
      plugins: {
        title: { display: true, text: `${chainId} · ATM IV through the day · ${date}`, font: TITLE_FONT },
        subtitle: {
          display: true,
          text:
            points.length === 0
              ? 'No stored cycles for this day yet'
              : 'The at-the-money strike of each stored cycle (IST)',
          color: PALETTE.muted,
          padding: { bottom: 12 },
        },
        legend,
      },
      scales: {
        x: { ticks: { maxTicksLimit: 12, maxRotation: 0 } },
        y: { title: { display: true, text: 'Implied volatility %' } },
      },
    },
  };
}

/** The smile above the day, one PNG (8-bit palette). */
export async function renderIvChart(
  snapshot: ChainSnapshot,
  day: { date: string; points: readonly AtmIvPoint[] },
): Promise<Buffer> {
  const [smile, through] = await Promise.all([
    renderChartRgba(smileChart(snapshot), PANEL),
    renderChartRgba(dayChart(snapshot.chainId, day.date, day.points), PANEL),
  ]);
  const canvas = createCanvas(PANEL.width, PANEL.height * 2);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(await loadImage(smile), 0, 0);
  ctx.drawImage(await loadImage(through), 0, PANEL.height);
  ctx.fillStyle = PALETTE.grid;
  ctx.fillRect(0, PANEL.height - 2, PANEL.width, 4);
  return indexedPng(canvas);
}
