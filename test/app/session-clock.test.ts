import { describe, expect, it } from 'vitest';
import {
  PlayedSessionClock,
  describePlayedSession,
  lastSessionDay,
  playedSessionClock,
  replaysSession,
} from '../../src/app/session-clock.ts';
import { MarketCalendar } from '../../src/calendar/market-hours.ts';
import { loadConfig } from '../../src/config.ts';
import { dailyAtIst, everySeconds, scheduleOn, type Clock } from '../../src/util/clock.ts';
import { formatIstDateTime, istDateOf, istWallClock } from '../../src/util/ist.ts';

const calendar = MarketCalendar.fromFile();
const MINUTE = 60_000;

/** A base clock that moves only when told to, firing its timers in order. */
class ManualClock implements Clock {
  private timers: { due: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(private time: number) {}
  now(): number {
    return this.time;
  }
  after(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ due: this.time + ms, fn, id });
    return () => (this.timers = this.timers.filter((timer) => timer.id !== id));
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((timer) => timer.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.time = Math.max(this.time, next.due);
      next.fn();
    }
    this.time = end;
  }
}

const ist = (ms: number) => formatIstDateTime(ms).slice(0, 16);

describe('which session the simulator plays', () => {
  it('plays the last trading day whose session has begun', () => {
    expect(lastSessionDay(calendar, istWallClock('2026-12-02', '21:00'))).toBe('2026-12-02'); // Wednesday
    expect(lastSessionDay(calendar, istWallClock('2026-11-29', '12:00'))).toBe('2026-11-27'); // Sunday → Friday
    expect(lastSessionDay(calendar, istWallClock('2026-11-25', '08:00'))).toBe('2026-11-23'); // Tuesday 24th a holiday
    expect(lastSessionDay(calendar, istWallClock('2026-11-25', '09:15'))).toBe('2026-11-25');
  });

  it('replays outside market hours in sim mode, unless SIM_SESSION says otherwise', () => {
    const sim = (session?: string) =>
      loadConfig({ MARKET_DATA: 'sim', ...(session ? { SIM_SESSION: session } : {}) });
    const evening = istWallClock('2026-12-02', '21:00');
    const morning = istWallClock('2026-12-02', '11:00');
    expect(replaysSession(sim(), calendar, evening)).toBe(true);
    expect(replaysSession(sim(), calendar, istWallClock('2026-11-29', '12:00'))).toBe(true);
    expect(replaysSession(sim(), calendar, morning)).toBe(false);
    expect(replaysSession(sim('live'), calendar, evening)).toBe(false);
    expect(replaysSession(sim('replay'), calendar, morning)).toBe(true);
    const kite = loadConfig({ MARKET_DATA: 'kite', KITE_API_KEY: 'k', KITE_ACCESS_TOKEN: 't' });
    expect(replaysSession(kite, calendar, evening)).toBe(false);
    expect(playedSessionClock(sim(), calendar, new ManualClock(morning))).toBeNull();
    expect(ist(playedSessionClock(sim(), calendar, new ManualClock(evening))!.now())).toBe(
      '2026-12-02 09:15',
    );
  });

  it('describes the played session', () => {
    expect(describePlayedSession(istWallClock('2026-12-02', '11:42:31'))).toBe(
      'simulated session of 2026-12-02, now at 11:42',
    );
  });
});

describe('the played clock', () => {
  const start = (speed = 60) => {
    const base = new ManualClock(istWallClock('2026-11-20', '21:00')); // a Friday evening
    return { base, clock: new PlayedSessionClock({ base, calendar, speed, firstDay: '2026-11-20' }) };
  };

  it('starts at 09:15, runs at its speed, never goes back and jumps from 15:40 to the next trading day', () => {
    const { base, clock } = start();
    expect(ist(clock.now())).toBe('2026-11-20 09:15');
    base.advance(MINUTE); // an hour at 60×
    expect(ist(clock.now())).toBe('2026-11-20 10:15');

    const seen: number[] = [clock.now()];
    for (let i = 0; i < 2_000; i++) {
      base.advance(7_000); // 7 played minutes
      seen.push(clock.now());
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    for (const t of seen) {
      expect(calendar.isTradingDay(istDateOf(t))).toBe(true);
      expect(t).toBeGreaterThanOrEqual(istWallClock(istDateOf(t), '09:15'));
      expect(t).toBeLessThan(istWallClock(istDateOf(t), '15:40'));
    }
    const days = [...new Set(seen.map((t) => istDateOf(t)))];
    // Weekend skipped, Tuesday 24th (a holiday) skipped.
    expect(days.slice(0, 4)).toEqual(['2026-11-20', '2026-11-23', '2026-11-25', '2026-11-26']);
  });

  it('goes from a played 15:39 straight to 09:15 of the next trading day', () => {
    const { base, clock } = start(1);
    base.advance(istWallClock('2026-11-20', '15:39') - clock.now());
    expect(ist(clock.now())).toBe('2026-11-20 15:39');
    base.advance(MINUTE);
    expect(ist(clock.now())).toBe('2026-11-23 09:15');
    base.advance(MINUTE);
    expect(ist(clock.now())).toBe('2026-11-23 09:16');
  });

  it('fires a timer at its played instant, and one for an instant it jumps over at the jump', () => {
    const { base, clock } = start();
    const fired: string[] = [];
    clock.after(istWallClock('2026-11-20', '15:35') - clock.now(), () => fired.push(ist(clock.now())));
    clock.after(istWallClock('2026-11-21', '03:00') - clock.now(), () => fired.push(ist(clock.now())));
    base.advance((istWallClock('2026-11-20', '15:35') - istWallClock('2026-11-20', '09:15')) / 60);
    expect(fired).toEqual(['2026-11-20 15:35']);
    base.advance((5 * MINUTE) / 60);
    expect(fired).toEqual(['2026-11-20 15:35', '2026-11-23 09:15']);
  });

  it('runs the daily jobs on the played day and no flood of cycles over a jump', () => {
    const { base, clock } = start();
    const summaries: string[] = [];
    const cycles: number[] = [];
    const stops = [
      scheduleOn(
        clock,
        dailyAtIst('15:35', (date) => calendar.isTradingDay(date)),
        () => summaries.push(ist(clock.now())),
        () => {},
      ),
      scheduleOn(
        clock,
        everySeconds(30),
        () => cycles.push(clock.now()),
        () => {},
      ),
    ];
    for (let i = 0; i < 3 * 400; i++) base.advance(1_000); // a played minute at a time, three days
    for (const stop of stops) stop();
    // Tuesday 24th (a holiday) is jumped over, and the trading-day schedule has nothing on it.
    expect(summaries).toEqual(['2026-11-20 15:35', '2026-11-23 15:35', '2026-11-25 15:35']);
    // Two cycles a played minute (a day is 385 minutes), one more at each jump.
    const perDay = cycles.filter((t) => istDateOf(t) === '2026-11-23');
    expect(perDay.length).toBeGreaterThanOrEqual(2 * 385 - 1);
    expect(perDay.length).toBeLessThanOrEqual(2 * 385 + 1);
    expect(cycles.filter((t) => ist(t) === '2026-11-23 09:15').length).toBeLessThanOrEqual(2);
  });

  it('skips forward to a later instant, never back', () => {
    const { base, clock } = start();
    clock.skipTo(istWallClock('2026-11-20', '11:00'));
    expect(ist(clock.now())).toBe('2026-11-20 11:00');
    clock.skipTo(istWallClock('2026-11-20', '10:00'));
    expect(ist(clock.now())).toBe('2026-11-20 11:00');
    clock.skipTo(istWallClock('2026-11-21', '10:00')); // a Saturday: the next played day's start
    expect(ist(clock.now())).toBe('2026-11-23 09:15');
    base.advance(MINUTE);
    expect(ist(clock.now())).toBe('2026-11-23 10:15');
  });
});
