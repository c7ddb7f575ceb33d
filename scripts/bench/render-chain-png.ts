import { renderChainTable } from '../../src/render/chain-table-png.ts';
import { chainTableLayout } from '../../src/render/chain-table-layout.ts';
import { renderChartRgba } from '../../src/render/chart-images.ts';
import { SNAPSHOT, WINDOWS } from '../../test/render/chain-fixture.ts';
import { p50Ms, type BenchResult } from './result.ts';

const BAR = 2;

/**
 * render_chain_png: p50 ms to render the 11-strike chain table PNG, against a plain Chart.js bar
 * chart (the same strikes' OI) rendered by chartjs-node-canvas at the same pixel size in the same
 * run. Bar: ≤ 2× the baseline. `ratio` is baseline / value, so higher is better.
 */
export async function renderChainPng(): Promise<BenchResult> {
  const layout = chainTableLayout(SNAPSHOT, WINDOWS);
  const size = { width: layout.pixelWidth, height: layout.pixelHeight };
  const baselineChart = () =>
    renderChartRgba(
      {
        type: 'bar',
        data: {
          labels: SNAPSHOT.calls.map((row) => String(row.strike)),
          datasets: [{ label: 'OI', data: SNAPSHOT.calls.map((row) => row.oi) }],
        },
      },
      size,
    );
  const table = () => renderChainTable(SNAPSHOT, { windows: WINDOWS, dataAgeS: 1 });
  // Warm both first, so neither pays for first-use font or module loading.
  await p50Ms(baselineChart);
  const ours = await p50Ms(table);
  const baseline = await p50Ms(baselineChart);
  return {
    value: Math.round(ours * 100) / 100,
    unit: 'ms',
    baseline: Math.round(baseline * 100) / 100,
    ratio: Math.round((baseline / ours) * 100) / 100,
    bar: `≤ ${BAR}× baseline`,
    pass: ours <= BAR * baseline,
  };
}
