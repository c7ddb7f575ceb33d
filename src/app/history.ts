import { ChainHistory } from '../history/chain-history.ts';
import type { OiStore } from '../store/oi-store.ts';
import type { AppContext } from './context.ts';

/** The stored history, answerable: past chains, diffs, heatmaps and straddles from the store's cycles. */
export function chainHistory(app: AppContext, store: OiStore): ChainHistory {
  return new ChainHistory({
    cycles: store.cycles(),
    now: () => app.clock.now(),
    retentionDays: app.config.store.retentionDays,
    windows: app.config.tracker.oiChangeWindows,
  });
}
