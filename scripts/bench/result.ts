export interface BenchResult {
  value: number;
  unit: string;
  /** The same quantity measured for the reference implementation in the same run. */
  baseline?: number;
  /** value / baseline (or baseline / value where lower is better), so that higher is better. */
  ratio?: number;
  bar?: string;
  pass?: boolean;
}

/** Runs `work` repeatedly for about `ms` milliseconds after a warm-up; returns operations per second. */
export function opsPerSecond(work: () => number, ms = 1500): number {
  const warmUpEnd = performance.now() + ms / 5;
  while (performance.now() < warmUpEnd) work();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    ops += work();
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/**
 * Throughput of `ours` and `baseline` measured side by side: both are warmed up first, then
 * measured in alternating rounds, and each keeps its best round. On a shared machine this keeps a
 * late JIT compile or a burst of load elsewhere from deciding the ratio.
 */
export function compareThroughput(
  ours: () => number,
  baseline: () => number,
  { rounds = 5, roundMs = 400, warmUpMs = 800 } = {},
): { ours: number; baseline: number; ratio: number } {
  opsPerSecond(ours, warmUpMs);
  opsPerSecond(baseline, warmUpMs);
  let best = { ours: 0, baseline: 0 };
  for (let round = 0; round < rounds; round++) {
    best = {
      ours: Math.max(best.ours, opsPerSecond(ours, roundMs)),
      baseline: Math.max(best.baseline, opsPerSecond(baseline, roundMs)),
    };
  }
  return { ...best, ratio: best.ours / best.baseline };
}

/** A result where lower is better, with a bar it must stay at or under; rounded to 2 decimals. */
export function atMost(value: number, baseline: number, unit: string, bar: number): BenchResult {
  return {
    value: Math.round(value * 100) / 100,
    unit,
    baseline: Math.round(baseline * 100) / 100,
    ratio: baseline / value,
    bar: `≤ ${bar} ${unit}`,
    pass: value <= bar,
  };
}

/** Median wall time in ms of `work` over `runs` runs, after `warmUp` runs. */
export async function p50Ms(work: () => unknown, runs = 30, warmUp = 5): Promise<number> {
  for (let i = 0; i < warmUp; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)] ?? Number.NaN;
}
