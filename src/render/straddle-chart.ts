/** /straddle: the ATM straddle premium through the day, its running average, and the underlying on a second axis. */
import type { ChartConfiguration } from 'chart.js';
import { PALETTE } from './colors.ts';
import { renderChart } from './chart-images.ts';

export interface StraddlePoint {
  /** IST ISO instant. */
  time: string;
  straddle: number | null;
  average: number | null;
  underlying_price: number | null;
}

export function renderStraddleChart(
  chainId: string,
  date: string,
  points: readonly StraddlePoint[],
  subtitle: string,
): Promise<Buffer> {
  const dense = points.length > 60;
  const configuration: ChartConfiguration = {
    type: 'line',
    data: {
      labels: points.map((point) => point.time.slice(11, 16)),
      datasets: [
        {
          label: 'ATM straddle (CE + PE)',
          data: points.map((point) => point.straddle),
          borderColor: PALETTE.atm,
          backgroundColor: PALETTE.atm,
          borderWidth: 4,
          pointRadius: dense ? 0 : 4,
          yAxisID: 'y',
        },
        {
          label: 'Running average',
          data: points.map((point) => point.average),
          borderColor: PALETTE.notLive,
          backgroundColor: PALETTE.notLive,
          borderWidth: 3,
          borderDash: [12, 8],
          pointRadius: 0,
          yAxisID: 'y',
        },
        {
          label: 'Underlying (right axis)',
          data: points.map((point) => point.underlying_price),
          borderColor: PALETTE.muted,
          backgroundColor: PALETTE.muted,
          borderWidth: 2,
          pointRadius: 0,
          yAxisID: 'y1',
        },
      ],
    },
    options: {
      plugins: {
        title: {
          display: true,
          text: `${chainId} · ATM straddle · ${date}`,
          font: { size: 34, weight: 'bold' },
        },
        subtitle: { display: true, text: subtitle, color: PALETTE.muted, padding: { bottom: 16 } },
        legend: { labels: { boxWidth: 40 } },
      },
      scales: {
        x: { ticks: { maxTicksLimit: 14, maxRotation: 0 } },
        y: { position: 'left', title: { display: true, text: 'Premium (₹)' } },
        y1: {
          position: 'right',
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'Underlying' },
        },
      },
    },
  };
  return renderChart(configuration);
}
