/**
 * Issue 8 soak: a warm-up day and five trading days (both chains, a few hundred paper trades, alerts,
 * two restarts) at SIM_SPEED 1600 (the warm-up day at 1000), run by `scripts/soak.ts` in a child process with `--expose-gc` so
 * its memory is the daemon's alone; the simulator runs in a process of its own. Takes about 2 minutes.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { istAddDays, istDateOf, istWallClock, istWeekday } from '../../src/util/ist.ts';
import { WARMUP_SPEED, WEEK_SPEED } from './trading-week.ts';
import type { DayFigures, WeekReport } from './week-report.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOAK_TIMEOUT_MS = 330_000;
/** Expiry weekdays of the simulator's weekly options: NIFTY on Tuesday, SENSEX on Thursday. */
const EXPIRY_WEEKDAY: Record<string, number> = { NSE: 2, BSE: 4 };
/** One window per chain: 11 shown strikes and a buffer strike each side, CE and PE. */
const WINDOW_TOKENS = 2 * (2 * 5 + 1 + 2);
const WINDOWS = 4;

let report: WeekReport;
let measured: DayFigures[];

/** The weekly expiry a chain trades on `date` before 15:30: the first expiry weekday on or after it. */
function expiryOn(chainId: string, date: string): string {
  const ahead = (EXPIRY_WEEKDAY[chainId]! - istWeekday(date) + 7) % 7;
  return istAddDays(date, ahead);
}

beforeAll(async () => {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'scripts/soak.ts', '--json'],
    {
      cwd: ROOT,
      timeout: SOAK_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
      // See scripts/soak.ts: freed PNG surfaces go back to the OS, so RSS measures what is live.
      env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072' },
    },
  );
  process.stderr.write(stderr);
  report = JSON.parse(stdout.trim().split('\n').at(-1)!) as WeekReport;
  measured = report.days.filter((day) => !day.warmup);
}, SOAK_TIMEOUT_MS + 10_000);

describe(`a simulated trading week at SIM_SPEED ${WEEK_SPEED}`, () => {
  it('runs a warm-up day and five trading days of both chains', () => {
    expect(report.settings.speed).toBe(WEEK_SPEED);
    expect(report.settings.warmupSpeed).toBe(WARMUP_SPEED);
    expect(report.memory.gcExposed).toBe(true);
    expect(measured).toHaveLength(5);
    for (const day of report.days) {
      expect(istWeekday(day.date), day.date).toBeGreaterThanOrEqual(1);
      expect(istWeekday(day.date), day.date).toBeLessThanOrEqual(5);
      for (const [id, chain] of Object.entries(day.chains)) {
        expect(chain.cycles, `${day.date} ${id} cycles`).toBeGreaterThanOrEqual(5);
        expect(chain.liveSnapshots, `${day.date} ${id} live snapshots`).toBeGreaterThanOrEqual(4);
      }
    }
  });

  it('keeps RSS after the warm-up day within 10% to the end of the week', () => {
    expect(report.memory.rssGrowthPct).toBeLessThan(10);
  });

  it('runs the retention every night, weekend included, and keeps nothing older than RETENTION_DAYS', () => {
    const runs = report.days.flatMap((day) => day.retention);
    const first = report.days[0]!.date;
    const last = report.days.at(-1)!.date;
    const nights: string[] = [];
    for (let night = istAddDays(first, 1); night <= last; night = istAddDays(night, 1)) nights.push(night);
    expect(runs.map((run) => run.date)).toEqual(nights);
    for (const run of runs) {
      expect(run.removed, `retention on ${run.date}`).not.toBeNull();
      const due = istWallClock(run.date, '03:00') - report.settings.retentionDays * 86_400_000;
      expect(run.cutoff - due, `retention on ${run.date} ran at 03:00`).toBeGreaterThanOrEqual(0);
      expect(run.cutoff - due, `retention on ${run.date} ran at 03:00`).toBeLessThan(15 * 60_000);
      // Rows are stored by the second: nothing may start a second or more before the cutoff.
      if (run.oldestObservation !== null) expect(run.oldestObservation).toBeGreaterThan(run.cutoff - 1000);
      if (run.oldestUnderlying !== null) expect(run.oldestUnderlying).toBeGreaterThan(run.cutoff - 1000);
    }
    const removed = report.totals.retentionRemoved;
    expect(removed.observations).toBeGreaterThan(0);
    expect(removed.underlying).toBeGreaterThan(0);
    // The series that expired early in the week is gone with its observations.
    expect(removed.instruments).toBeGreaterThan(0);
    const lastCutoffDate = istDateOf(runs.at(-1)!.cutoff);
    for (const expiry of report.store.expiries) expect(expiry >= lastCutoffDate, expiry).toBe(true);
  });

  it('rolls each chain to the next expiry after 15:30 on its expiry day', () => {
    for (const day of report.days) {
      for (const [id, chain] of Object.entries(day.chains)) {
        expect(chain.firstExpiry, `${day.date} ${id} first cycle`).toBe(expiryOn(id, day.date));
        expect(chain.lastExpiry, `${day.date} ${id} last cycle`).toBe(expiryOn(id, day.date));
      }
    }
    for (const id of ['NSE', 'BSE']) {
      const seen = new Set(report.days.map((day) => day.chains[id]!.firstExpiry));
      expect(seen.size, `${id} expiries seen`).toBeGreaterThanOrEqual(2);
    }
  });

  it('starts each day from a fresh OI history: no point from the previous day after the first cycle', () => {
    for (const day of measured) {
      const previous = report.days[report.days.indexOf(day) - 1];
      for (const [id, chain] of Object.entries(day.chains)) {
        const oldest = chain.oldestPointAfterFirstCycle;
        // A daemon started that morning has no point yet after its first cycle, nor has a chain that
        // rolled to a new series overnight (its first cycle subscribes it; the backfill that arrives
        // counts from the next cycle); the others have today's.
        const rolled = previous !== undefined && previous.chains[id]!.lastExpiry !== chain.firstExpiry;
        if (day.restart?.kind !== 'next-morning' && !rolled)
          expect(oldest, `${day.date} ${id}`).not.toBeNull();
        if (oldest !== null) {
          expect(oldest, `${day.date} ${id}`).toBeGreaterThanOrEqual(istWallClock(day.date, '00:00'));
        }
      }
    }
  });

  it('measures no OI change of the first cycle against the previous trading day', () => {
    for (const day of measured) {
      for (const [id, chain] of Object.entries(day.chains)) {
        expect(chain.changesAgainstPreviousDay, `${day.date} ${id}`).toBe(0);
      }
    }
  });

  it('reloads today’s OI history on a restart the same day, and none on a restart the next morning', () => {
    const restarts = measured.flatMap((day) => (day.restart ? [day.restart] : []));
    expect(restarts.map((restart) => restart.kind)).toEqual(['same-day', 'next-morning']);
    expect(restarts[0]!.historyTokensAtStart).toBeGreaterThanOrEqual(WINDOW_TOKENS * 2);
    expect(restarts[1]!.historyTokensAtStart).toBe(0);
  });

  it('keeps every per-token structure to about one window per chain', () => {
    const first = report.days[0]!;
    for (const day of report.days) {
      const chains = Object.values(day.chains);
      for (const chain of chains) {
        expect(chain.tradableOptions, day.date).toBe(WINDOW_TOKENS);
        expect(chain.historyTokens, day.date).toBeLessThanOrEqual(2 * WINDOW_TOKENS);
        expect(chain.snapshotListeners, day.date).toBe(Object.values(first.chains)[0]!.snapshotListeners);
      }
      // The ticker: one window per chain and the two indices.
      expect(day.subscribed, day.date).toBe(chains.length * (WINDOW_TOKENS + 1));
      // The breach gate: at most every (strike, side, window) of one window per chain.
      expect(day.trackedBreaches, day.date).toBeLessThanOrEqual(chains.length * WINDOW_TOKENS * WINDOWS);
      expect(day.alertListeners, day.date).toBe(first.alertListeners);
      expect(day.openAfterSquareOff, day.date).toBe(0);
    }
  });

  it('forgets the live prices of an expired series after the roll', () => {
    for (const day of report.days) {
      for (const [id, chain] of Object.entries(day.chains)) {
        expect(chain.expiredLivePrices, `${day.date} ${id}`).toBe(0);
        expect(chain.livePrices, `${day.date} ${id}`).toBeLessThanOrEqual(WINDOW_TOKENS);
      }
    }
  });

  it('leaves no timer behind when a daemon stops (restarts included)', () => {
    const firstDay = report.days[0]!.activeTimers;
    for (const day of report.days) expect(day.activeTimers, day.date).toBeLessThanOrEqual(firstDay);
  });

  it('paper-trades a few hundred orders: most exit at tp/sl, the rest by hand or at the square-off', () => {
    const { totals } = report;
    expect(totals.ordersPlaced).toBeGreaterThanOrEqual(200);
    expect(totals.autoExits).toBeGreaterThan(totals.ordersPlaced / 2);
    expect(totals.manualExits).toBeGreaterThan(0);
    expect(totals.squaredOff).toBeGreaterThan(0);
    for (const day of measured) {
      expect(day.orders.refused, day.date).toBeLessThanOrEqual(day.orders.placed / 10);
      const closed = day.closed.target + day.closed.stop + day.closed.manual + day.closed.squareOff;
      expect(closed, day.date).toBe(day.orders.placed);
      expect(day.alerts.auto_exit ?? 0, day.date).toBe(day.closed.target + day.closed.stop);
      expect(day.alerts.daily_summary, day.date).toBe(1);
      if (day.closed.squareOff > 0) expect(day.alerts.square_off, day.date).toBeGreaterThan(0);
    }
    expect(totals.alerts.oi_breach).toBeGreaterThan(0);
    expect(totals.alerts.session_reminder).toBeUndefined();
  });

  it('logs no errors', () => {
    expect(report.log.errors, report.log.first.join('\n')).toBe(0);
  });
});
