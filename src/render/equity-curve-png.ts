/** /stats: a paper book's realized equity curve (running P&L after each closed trade) as a PNG chart. */
import type { ChartConfiguration, ScriptableScaleContext } from 'chart.js';
import { formatIstIso } from '../util/ist.ts';
import { renderChart } from './chart-images.ts';
import { PALETTE } from './colors.ts';

export interface EquityCurveInput {
  /** e.g. 'Paper book · 2026-10-27 → 2026-11-25'. */
  title: string;
  /** Running realized P&L after each trade, rupees, in exit order. */
  points: readonly { time: number; id: string; equity: number; pnl: number }[];
  /** The largest fall from a running peak (positive rupees), and where it bottomed (index into points). */
  maxDrawdown: number;
  troughIndex: number | null;
}

/** Sized for a phone: 1200 × 900 (4:3) with large type (2.5% of the width), so it reads at the width a chat shows it. */
const SIZE = { width: 1200, height: 900 };
const FONT_PX = 30;
const dayMonth = (ms: number): string => {
  const iso = formatIstIso(ms);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;
};
const signed = (rupees: number): string =>
  `${rupees > 0 ? '+' : ''}${rupees.toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The running P&L from 0 (the start) through every trade: wins green, losses red, the drawdown's trough marked. */
export function renderEquityCurve(input: EquityCurveInput): Promise<Buffer> {
  const { points } = input;
  const labels = ['start', ...points.map((point, i) => `#${i + 1} ${dayMonth(point.time)}`)];
  const equity = [0, ...points.map((point) => point.equity)];
  const pointColor = [
    PALETTE.muted,
    ...points.map((point) => (point.pnl > 0 ? PALETTE.up : point.pnl < 0 ? PALETTE.down : PALETTE.muted)),
  ];
  const trough = input.troughIndex === null ? -1 : input.troughIndex + 1;
  const last = points.at(-1)?.equity ?? 0;
  const configuration: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: 'Realized P&L (₹)',
          data: equity,
          borderColor: PALETTE.atm,
          backgroundColor: 'rgba(0, 200, 224, 0.12)',
          fill: 'origin',
          borderWidth: 5,
          pointRadius: equity.map((_, i) => (i === trough ? 13 : points.length > 80 ? 0 : 7)),
          pointBackgroundColor: equity.map((_, i) => (i === trough ? PALETTE.notLive : pointColor[i]!)),
          pointBorderColor: equity.map((_, i) => (i === trough ? PALETTE.notLive : pointColor[i]!)),
          tension: 0,
        },
      ],
    },
    options: {
      plugins: {
        title: {
          display: true,
          text: input.title,
          color: PALETTE.text,
          font: { size: FONT_PX + 6, weight: 'bold' },
        },
        subtitle: {
          display: true,
          text: [
            `Net ${signed(last)} over ${points.length} trade${points.length === 1 ? '' : 's'}`,
            `Max drawdown ${input.maxDrawdown.toLocaleString('en-IN', { minimumFractionDigits: 2 })}` +
              (trough > 0 ? ' (yellow point)' : ''),
          ],
          color: PALETTE.text,
          font: { size: FONT_PX },
          padding: { bottom: 16 },
        },
        legend: { display: false },
      },
      scales: {
        x: { ticks: { maxTicksLimit: 5, maxRotation: 0, font: { size: FONT_PX } } },
        y: {
          title: { display: true, text: 'Realized P&L, ₹', font: { size: FONT_PX } },
          ticks: { font: { size: FONT_PX } },
          grid: {
            color: (context: ScriptableScaleContext) =>
              context.tick.value === 0 ? PALETTE.muted : PALETTE.grid,
          },
        },
      },
    },
  };
  return renderChart(configuration as ChartConfiguration, SIZE);
}
