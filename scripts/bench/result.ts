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
