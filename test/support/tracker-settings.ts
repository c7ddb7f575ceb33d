import type { ChainTrackerSettings } from '../../src/tracker/chain-tracker.ts';
import { oiWindows } from '../../src/tracker/oi-change.ts';

/** The daemon's defaults: a cycle every 30 s, 5 strikes each side, 40 minutes of backfill, the OI windows. */
export function testTrackerSettings(): ChainTrackerSettings {
  return {
    refreshIntervalSeconds: 30,
    strikesEachSide: 5,
    historicalDataMinutes: 40,
    windows: oiWindows(),
    recoveryGapMinutes: 30,
  };
}
