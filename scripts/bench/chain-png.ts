import { drawChainTable, renderChainTable } from '../../src/render/chain-table-png.ts';
import { SNAPSHOT, WINDOWS } from '../../test/render/chain-fixture.ts';
import { cycleAfter, fixedSnapshotCore } from './fixed-snapshot-core.ts';
import type { BenchResult } from './result.ts';

/** The chain table as Telegram gets it: at most 150 KB. */
const BYTES_BAR_KB = 150;
/** Fifty requests in one cycle share one render: the slowest may wait for it, barely longer. */
const BURST_BAR = 1.5;
const BURST = 50;
const WARM_UP = 3;
const ROUNDS = 15;

const kb = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;

/**
 * chain_png_bytes: the 11-strike chain table PNG as sent (1280 px, 8-bit palette), in KB; baseline the
 * same picture written as a 32-bit RGBA PNG by node-canvas (zlib 6). Bar ≤ 150 KB.
 */
export function chainPngBytes(): BenchResult {
  const png = renderChainTable(SNAPSHOT, { windows: WINDOWS });
  const rgba = drawChainTable(SNAPSHOT, { windows: WINDOWS }).toBuffer('image/png', { compressionLevel: 6 });
  return {
    value: kb(png.length),
    unit: 'KB',
    baseline: kb(rgba.length),
    ratio: Math.round((rgba.length / png.length) * 100) / 100,
    bar: `≤ ${BYTES_BAR_KB} KB`,
    pass: png.length <= BYTES_BAR_KB * 1024,
  };
}

/** The p99 of a burst's latencies: with 50 samples, the slowest but none. */
const p99 = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * chain_burst_50_p99_ms: the p99 latency of 50 concurrent `/chain NSE` through the command core on a
 * new cycle (so the burst shares one render), against a single uncached `/chain NSE` (a new cycle, so
 * it renders) as baseline. Both are measured in alternating rounds after a warm-up, so load elsewhere
 * hits both alike; each keeps its median round. Bar ≤ 1.5× the baseline.
 */
export async function chainBurst50(): Promise<BenchResult> {
  let cycle = 0;
  let renders = 0;
  const core = fixedSnapshotCore(new Map(), {
    published: () => cycleAfter(cycle),
    onRender: () => renders++,
  });
  const timed = async () => {
    const start = performance.now();
    const reply = await core.handle('/chain NSE', { owner: 'console' });
    if (!reply.image) throw new Error(`/chain gave no image: ${reply.text}`);
    return performance.now() - start;
  };
  const burst = async () => {
    cycle++;
    return p99(await Promise.all(Array.from({ length: BURST }, timed)));
  };
  const single = async () => {
    cycle++;
    return timed();
  };
  for (let i = 0; i < WARM_UP; i++) {
    await single();
    await burst();
  }
  const singles: number[] = [];
  const bursts: number[] = [];
  const rendersBefore = renders;
  for (let round = 0; round < ROUNDS; round++) {
    singles.push(await single());
    bursts.push(await burst());
  }
  if (renders - rendersBefore !== 2 * ROUNDS)
    throw new Error(`${ROUNDS} bursts and singles rendered ${renders - rendersBefore} tables, not one each`);
  const value = median(bursts);
  const baseline = median(singles);
  return {
    value: Math.round(value * 100) / 100,
    unit: 'ms',
    baseline: Math.round(baseline * 100) / 100,
    ratio: Math.round((baseline / value) * 100) / 100,
    bar: `≤ ${BURST_BAR}× baseline`,
    pass: value <= BURST_BAR * baseline,
  };
}
