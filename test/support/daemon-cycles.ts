import type { Daemon } from '../../src/daemon.ts';
import { waitFor } from './wait-for.ts';

/**
 * Runs cycles until every chain's latest cycle found its index price and so subscribed its strike
 * window (a cycle before the index's first tick only publishes an empty snapshot): what a test waits
 * for instead of sleeping until "the index ticks are in".
 */
export async function untilWindowsSubscribed(
  daemon: Pick<Daemon, 'runCycles' | 'trackers'>,
  timeoutMs = 20_000,
) {
  await waitFor(
    async () => {
      await daemon.runCycles();
      return daemon.trackers.every((tracker) => (tracker.current()?.atmStrike ?? null) !== null);
    },
    { timeoutMs, intervalMs: 100, what: 'every chain to subscribe its strike window' },
  );
}
