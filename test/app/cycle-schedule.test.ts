import { describe, expect, it } from 'vitest';
import { MarketCalendar } from '../../src/calendar/market-hours.ts';
import { SimClock } from '../../src/sim/clock.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { CycleScheduler, type ScheduledChain } from '../../src/tracker/cycle-scheduler.ts';
import { istWallClock } from '../../src/util/ist.ts';
import { waitFor } from '../support/wait-for.ts';

/** A chain that records the instants its cycles are run at. */
function recordingChain(id: string): ScheduledChain & { cycles: number[]; closed: number[] } {
  const cycles: number[] = [];
  const closed: number[] = [];
  return {
    id,
    cycles,
    closed,
    runCycle: async (now?: number) => {
      cycles.push(now!);
      return {} as ChainSnapshot;
    },
    markClosed: (now?: number) => void closed.push(now!),
  };
}

/** The schedule of one recording chain, every 30 s of a clock 600 times faster starting at `date` `time` IST. */
function scheduleOnFastClock(date: string, time: string) {
  const chain = recordingChain('NSE');
  const scheduler = new CycleScheduler({
    trackers: [chain],
    refreshIntervalSeconds: 30,
    marketHours: 'exchange',
    calendar: MarketCalendar.fromFile(),
    clock: new SimClock(600, Date.now, istWallClock(date, time)),
    firstCycleDelayMs: null,
    onCycleError: (_chain, error) => {
      throw error;
    },
  });
  return { chain, scheduler };
}

describe('the cycle schedule on the daemon clock', () => {
  it('ticks every REFRESH_INTERVAL_SECONDS of a clock 600 times faster', async () => {
    // 30 simulated seconds are 50 ms of real time.
    const { chain, scheduler } = scheduleOnFastClock('2026-11-25', '10:00');
    scheduler.start();
    try {
      await waitFor(() => chain.cycles.length >= 5, { timeoutMs: 5000, what: 'five cycles' });
    } finally {
      await scheduler.stop();
    }
    // Five rounds 30 simulated seconds apart (at the wall clock's pace they would take two minutes).
    const [first, ...rest] = chain.cycles;
    expect(rest.at(-1)! - first!).toBeGreaterThanOrEqual(90_000);
    expect(chain.cycles).toEqual([...chain.cycles].sort((a, b) => a - b));
    expect(chain.closed).toEqual([]);
  });

  it('marks chains closed outside market hours by the clock, not by the wall clock', async () => {
    const { chain, scheduler } = scheduleOnFastClock('2026-11-28', '10:00'); // a Saturday
    scheduler.start();
    try {
      await waitFor(() => chain.closed.length >= 2, { timeoutMs: 5000, what: 'two closed rounds' });
    } finally {
      await scheduler.stop();
    }
    expect(chain.cycles).toEqual([]);
  });
});

describe('the first rounds after start', () => {
  /** A chain whose cycles publish `statuses` in turn (the last one from then on), with rows once Live. */
  function chainPublishing(statuses: ChainSnapshot['status'][]): ScheduledChain & { cycles: number } {
    const chain = {
      id: 'NSE',
      cycles: 0,
      runCycle: async () => {
        const status = statuses[Math.min(chain.cycles++, statuses.length - 1)]!;
        return { status, calls: status === 'Live' ? [{}] : [] } as ChainSnapshot;
      },
      markClosed: () => {},
    };
    return chain;
  }

  function warmUp(chain: ScheduledChain) {
    return new CycleScheduler({
      trackers: [chain],
      refreshIntervalSeconds: 3600,
      marketHours: 'always',
      calendar: MarketCalendar.fromFile(),
      firstCycleDelayMs: 5,
      onCycleError: (_chain, error) => {
        throw error;
      },
    });
  }

  it('run one after another until the chain publishes rows, not a whole interval later', async () => {
    const chain = chainPublishing(['Starting', 'Starting', 'Live']);
    const scheduler = warmUp(chain);
    scheduler.start();
    try {
      await scheduler.warmedUp;
      expect(chain.cycles).toBe(3);
    } finally {
      await scheduler.stop();
    }
  });

  it('stop after ten rounds for a chain that never gets rows, and leave it to the schedule', async () => {
    const chain = chainPublishing(['Starting']);
    const scheduler = warmUp(chain);
    scheduler.start();
    try {
      await scheduler.warmedUp;
      expect(chain.cycles).toBe(10);
    } finally {
      await scheduler.stop();
    }
  });
});
