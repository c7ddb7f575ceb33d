import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/sim/clock.ts';
import { dailyAtIst, everySeconds, scheduleOn, wallClock, type Clock } from '../../src/util/clock.ts';
import { formatIstIso, istWallClock } from '../../src/util/ist.ts';
import { waitFor } from '../support/wait-for.ts';

/** A clock the test sets by hand; its timers fire as soon as they can, early by design. */
class HandClock implements Clock {
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
  after(_ms: number, fn: () => void): () => void {
    const timer = setTimeout(fn, 1);
    return () => clearTimeout(timer);
  }
}

const ist = (ms: number) => formatIstIso(ms).slice(0, 19);
const noError = (error: unknown) => {
  throw error;
};

describe('recurrences in IST', () => {
  it('every 30 s lands on :00 and :30 of the IST minute; every hour on the IST hour', () => {
    const at = istWallClock('2026-11-25', '09:15:10');
    expect(ist(everySeconds(30)(at))).toBe('2026-11-25T09:15:30');
    expect(ist(everySeconds(30)(istWallClock('2026-11-25', '09:15:30')))).toBe('2026-11-25T09:16:00');
    expect(ist(everySeconds(300)(at))).toBe('2026-11-25T09:20:00');
    // IST is UTC+05:30, so an hourly schedule on the UTC hour would fire at :30 IST.
    expect(ist(everySeconds(3600)(at))).toBe('2026-11-25T10:00:00');
  });

  it('a daily time is today when still ahead, else the next day; weekdays skip Saturday and Sunday', () => {
    const friday = '2026-11-27';
    expect(ist(dailyAtIst('15:35', 'weekdays')(istWallClock(friday, '09:00')))).toBe('2026-11-27T15:35:00');
    expect(ist(dailyAtIst('15:35', 'weekdays')(istWallClock(friday, '15:35')))).toBe('2026-11-30T15:35:00');
    expect(ist(dailyAtIst('03:00', 'every day')(istWallClock(friday, '15:35')))).toBe('2026-11-28T03:00:00');
  });
});

describe('scheduleOn', () => {
  it('fires a 15:35 IST job at 15:35 on a clock 600 times faster than real time', async () => {
    // 15:34:00 → 15:35:00 is 60 simulated seconds: 0.1 s of real time.
    const clock = new SimClock(600, Date.now, istWallClock('2026-11-25', '15:34'));
    const fired: number[] = [];
    const stop = scheduleOn(clock, dailyAtIst('15:35', 'weekdays'), () => fired.push(clock.now()), noError);
    try {
      await waitFor(() => fired.length > 0, { timeoutMs: 5000, what: 'the 15:35 job' });
    } finally {
      stop();
    }
    const due = istWallClock('2026-11-25', '15:35');
    expect(fired[0]).toBeGreaterThanOrEqual(due);
    // A timer late by 100 ms of real time is one simulated minute late.
    expect(fired[0]! - due).toBeLessThan(60_000);
  });

  it('waits again when its timer wakes before the instant, and runs once for instants the clock jumped past', async () => {
    const clock = new HandClock(istWallClock('2026-11-25', '15:00'));
    const fired: number[] = [];
    const stop = scheduleOn(clock, everySeconds(60), () => fired.push(clock.now()), noError);
    try {
      // The timer wakes early many times: nothing runs before 15:01.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fired).toEqual([]);
      clock.time = istWallClock('2026-11-25', '15:10:30');
      await waitFor(() => fired.length > 0, { what: 'the job after the jump' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fired).toEqual([istWallClock('2026-11-25', '15:10:30')]);
      clock.time = istWallClock('2026-11-25', '15:11');
      await waitFor(() => fired.length === 2, { what: 'the 15:11 run' });
    } finally {
      stop();
    }
  });

  it('runs nothing after stop, and hands a job failure to onError', async () => {
    const clock = new HandClock(istWallClock('2026-11-25', '15:00'));
    const errors: unknown[] = [];
    const stop = scheduleOn(
      clock,
      everySeconds(1),
      () => Promise.reject(new Error('job failed')),
      (error) => errors.push(error),
    );
    clock.time += 1000;
    await waitFor(() => errors.length > 0, { what: 'the failure' });
    expect((errors[0] as Error).message).toBe('job failed');
    stop();
    const seen = errors.length;
    clock.time += 5000;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toHaveLength(seen);
  });

  it('the wall clock reads Date.now', () => {
    const before = Date.now();
    expect(wallClock.now()).toBeGreaterThanOrEqual(before);
  });
});
