import { cycleAfter, fixedSnapshotCore } from './fixed-snapshot-core.ts';
import { p50Ms, type BenchResult } from './result.ts';

/** A trader on a phone expects the table within a second, network included. */
const BAR_MS = 1000;

/**
 * p50 ms of `/chain NSE` through the command core: parse, role check, snapshot, PNG and text table,
 * each request on a new cycle so that every one renders its PNG (the cost of the first request of a
 * cycle; later ones reuse it, see chain_burst_50_p99_ms); `/help` through the same core is the baseline.
 */
export async function commandChainP50(): Promise<BenchResult> {
  let cycle = 0;
  const core = fixedSnapshotCore(new Map(), { published: () => cycleAfter(cycle) });
  const once = async () => {
    cycle++;
    const reply = await core.handle('/chain NSE', { owner: 'console' });
    if (!reply.image) throw new Error(`/chain gave no image: ${reply.text}`);
  };
  const help = async () => {
    const reply = await core.handle('/help', { owner: 'console' });
    if (reply.error) throw new Error(`/help failed: ${reply.text}`);
  };
  await p50Ms(help);
  const p50 = await p50Ms(once);
  const baseline = await p50Ms(help);
  return {
    value: Math.round(p50 * 100) / 100,
    unit: 'ms',
    baseline: Math.round(baseline * 1000) / 1000,
    ratio: baseline / p50,
    bar: `≤ ${BAR_MS} ms`,
    pass: p50 <= BAR_MS,
  };
}
