import { describe, expect, it } from 'vitest';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  chartCanvas,
  chartHeader,
  renderOiChart,
  renderPcrChart,
} from '../../src/render/chart-images.ts';
import { istWallClock } from '../../src/util/ist.ts';
import { SNAPSHOT, WINDOWS } from './chain-fixture.ts';
import { pngSize } from './png-pixels.ts';

describe('charts', () => {
  it('renders /oi as a PNG of the chart size, 8-bit palette to stay light on a phone', async () => {
    const png = await renderOiChart(SNAPSHOT, { windows: WINDOWS });
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
    const PALETTE_COLOUR_TYPE = 3;
    expect(png[25]).toBe(PALETTE_COLOUR_TYPE);
    expect(png.length).toBeLessThan(100 * 1024);
  });

  it('renders /pcr through the day, and with no points yet', async () => {
    const points = Array.from({ length: 40 }, (_, i) => ({
      time: istWallClock('2026-11-24', '09:15') + i * 5 * 60_000,
      pcr: 0.85 + Math.sin(i / 5) * 0.1,
    }));
    expect(pngSize(await renderPcrChart('NSE', points))).toEqual({
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
    });
    expect(pngSize(await renderPcrChart('BSE', []))).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
  });

  it('reuses one renderer per size and heads charts like the table', () => {
    expect(chartCanvas()).toBe(chartCanvas(CHART_WIDTH, CHART_HEIGHT));
    expect(chartCanvas(800, 400)).not.toBe(chartCanvas());
    expect(chartHeader(SNAPSHOT, 2)).toBe(
      'NSE · NIFTY 50 25612.35 · ATM 25600 · PCR 0.88 · 14:30:15 IST · Live · age 2.0s',
    );
  });
});
