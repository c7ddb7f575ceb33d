import type { Daemon } from '../../src/daemon.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { MINUTE_MS } from '../../src/util/ist.ts';

export interface ChainTally {
  cycles: number;
  liveSnapshots: number;
  firstSnapshot: ChainSnapshot | null;
  /** Rows of the first snapshot with a 5-minute change whose base the cycle had already pruned. */
  changesAgainstPreviousDay: number;
}

const FIVE_MINUTES = '5';

/**
 * Counts, per day, what each daemon started in the soak does: its cycles (through the trackers'
 * snapshots) and its alerts (through a notifier, the way the chat adapters get them).
 */
export class DaemonWatch {
  readonly alertTotals: Record<string, number> = {};
  alertsToday: Record<string, number> = {};
  private tallies = new Map<string, ChainTally>();

  newDay(): void {
    this.tallies = new Map();
    this.alertsToday = {};
  }

  chain(chainId: string): ChainTally {
    let tally = this.tallies.get(chainId);
    if (!tally) {
      tally = { cycles: 0, liveSnapshots: 0, firstSnapshot: null, changesAgainstPreviousDay: 0 };
      this.tallies.set(chainId, tally);
    }
    return tally;
  }

  attach(daemon: Daemon): void {
    daemon.alerts.addNotifier({
      name: 'soak-counter',
      notify: async (alert) => {
        this.alertsToday[alert.kind] = (this.alertsToday[alert.kind] ?? 0) + 1;
        this.alertTotals[alert.kind] = (this.alertTotals[alert.kind] ?? 0) + 1;
      },
    });
    for (const tracker of daemon.trackers) {
      tracker.on('snapshot', (snapshot) => {
        if (snapshot.status === 'Closed') return;
        const tally = this.chain(snapshot.chainId);
        tally.cycles++;
        if (snapshot.status === 'Live') tally.liveSnapshots++;
        if (tally.firstSnapshot) return;
        tally.firstSnapshot = snapshot;
        // The cycle has pruned its history to the last hour: a base no longer held is from before the open.
        const fiveMinutesBefore = snapshot.lastUpdate - 5 * MINUTE_MS;
        tally.changesAgainstPreviousDay = [...snapshot.calls, ...snapshot.puts].filter(
          (row) =>
            row.oiChangePct[FIVE_MINUTES] != null &&
            tracker.history.baseAt(row.token, fiveMinutesBefore) === null,
        ).length;
      });
    }
  }
}
