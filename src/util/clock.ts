import { IST_OFFSET_MS, istAddDays, istDateOf, istWallClock, istWeekday } from './ist.ts';

/** The one clock a daemon runs on: every reading of now and every schedule comes from it. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /**
   * Calls `fn` once about `ms` of this clock's time has passed (a clock faster than real time waits
   * less real time); returns a function that cancels it.
   */
  after(ms: number, fn: () => void): () => void;
}

/** setTimeout's longest delay; a longer wait wakes early and the schedule waits again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A real-time timer of `realMs` (clamped to what setTimeout takes); returns its cancel function. */
export function realTimer(realMs: number, fn: () => void): () => void {
  const timer = setTimeout(fn, Math.min(Math.max(0, realMs), MAX_TIMER_MS));
  return () => clearTimeout(timer);
}

/** The wall clock: `Date.now` and real timers. */
export const wallClock: Clock = { now: () => Date.now(), after: realTimer };

/** A clock read from `now` whose time passes at the wall clock's rate (its timers wait real time). */
export function clockReading(now: () => number): Clock {
  return { now, after: realTimer };
}

/** The instants of a recurring schedule: the first one strictly after `after` (epoch ms). */
export type Recurrence = (after: number) => number;

/** Every `seconds`, on the IST clock's multiples of it (every 30 s: at :00 and :30 of each minute). */
export function everySeconds(seconds: number): Recurrence {
  const period = seconds * 1000;
  return (after) => (Math.floor((after + IST_OFFSET_MS) / period) + 1) * period - IST_OFFSET_MS;
}

/** Which IST dates a daily job runs on: every day, Monday to Friday, or those a predicate picks (the exchange's trading days). */
export type DaySet = 'every day' | 'weekdays' | ((date: string) => boolean);

const includes = (days: DaySet, date: string): boolean => {
  if (days === 'every day') return true;
  if (days === 'weekdays') return istWeekday(date) >= 1 && istWeekday(date) <= 5;
  return days(date);
};

/** On the days of `days`, at an IST wall-clock time 'HH:MM'. */
export function dailyAtIst(time: string, days: DaySet): Recurrence {
  return (after) => {
    for (let date = istDateOf(after); ; date = istAddDays(date, 1)) {
      const at = istWallClock(date, time);
      if (at > after && includes(days, date)) return at;
    }
  };
}

/**
 * Runs `job` at every instant of `recurrence` on `clock` until the returned function is called. A timer
 * that wakes before its instant (the clock changed pace, or the wait was longer than a timer takes)
 * waits again; a clock that jumps past several instants runs the job once and goes on from its now.
 */
export function scheduleOn(
  clock: Clock,
  recurrence: Recurrence,
  job: () => unknown,
  onError: (error: unknown) => void,
): () => void {
  let cancel = () => {};
  let stopped = false;
  const arm = (due: number) => {
    cancel = clock.after(due - clock.now(), () => {
      if (stopped) return;
      const now = clock.now();
      if (now < due) return arm(due);
      arm(recurrence(now));
      try {
        Promise.resolve(job()).catch(onError);
      } catch (error) {
        onError(error);
      }
    });
  };
  arm(recurrence(clock.now()));
  return () => {
    stopped = true;
    cancel();
  };
}
