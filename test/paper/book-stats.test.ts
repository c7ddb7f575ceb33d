import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookStats,
  parseStatsDays,
  readBookStats,
  reasonGroup,
  statsJson,
  statsWindow,
  type ClosedTrade,
} from '../../src/paper/book-stats.ts';
import { UserError } from '../../src/errors.ts';
import type { OiStore } from '../../src/store/oi-store.ts';
import { istWallClock } from '../../src/util/ist.ts';
import {
  EXPECTED,
  EXPECTED_7_DAYS,
  EXPECTED_BY_CHAIN,
  EXPECTED_BY_REASON,
  NOW,
  OWNER,
  storeWithBook,
} from './stats-book.ts';

let store: OiStore;
beforeAll(() => {
  store = storeWithBook().store;
});
afterAll(() => store.close());

describe('the hand-computed book of 23 trades', () => {
  it('gives the figures worked out by hand, overall, by chain and by exit reason', () => {
    const json = statsJson(readBookStats(store.paperStore(), { owner: OWNER, days: 30, now: NOW }));
    expect(json).toMatchObject({ owner: OWNER, days: 30, from: '2026-10-27', to: '2026-11-25', ...EXPECTED });
    expect(json.by_chain).toEqual({
      BSE: expect.objectContaining(EXPECTED_BY_CHAIN.BSE),
      NSE: expect.objectContaining(EXPECTED_BY_CHAIN.NSE),
    });
    expect(Object.keys(json.by_reason as object)).toEqual([
      'Target Hit',
      'Stop Loss',
      'Manual Exit',
      'Square-off',
    ]);
    expect(json.by_reason).toMatchObject(EXPECTED_BY_REASON);
    expect(json).not.toHaveProperty('message');
  });

  it('draws the equity curve in exit order from the first trade of the window to the last', () => {
    const { stats } = readBookStats(store.paperStore(), { owner: OWNER, days: 30, now: NOW });
    expect(stats.curve).toHaveLength(23);
    expect(stats.curve.slice(0, 3).map((point) => point.equityPaise)).toEqual([187_500, 0, 50_000]);
    expect(stats.curve[7]).toMatchObject({ id: 'BSE_P0003', equityPaise: -323_500 });
    expect(stats.drawdownTroughId).toBe('BSE_P0003');
    expect(stats.curve.at(-1)!.equityPaise).toBe(289_850);
  });

  it('takes the last n IST calendar days including today, by exit time', () => {
    const week = statsJson(readBookStats(store.paperStore(), { owner: OWNER, days: 7, now: NOW }));
    expect(week).toMatchObject({ from: '2026-11-19', to: '2026-11-25', ...EXPECTED_7_DAYS });
    const today = statsJson(readBookStats(store.paperStore(), { owner: OWNER, days: 1, now: NOW }));
    // #22 +1875 and #23 −500; just after midnight IST the day is a new one with nothing closed.
    expect(today).toMatchObject({ trades: 2, wins: 1, losses: 1, net: 1375, from: '2026-11-25' });
    const nextDay = istWallClock('2026-11-26', '00:01');
    expect(readBookStats(store.paperStore(), { owner: OWNER, days: 1, now: nextDay }).stats.trades).toBe(0);
    // 31 days reach the trade of 2026-10-26 as well.
    expect(readBookStats(store.paperStore(), { owner: OWNER, days: 31, now: NOW }).stats.trades).toBe(24);
  });

  it('every book together without an owner', () => {
    const all = readBookStats(store.paperStore(), { days: 30, now: NOW });
    expect(all.owner).toBeNull();
    expect(all.stats.trades).toBe(24);
    expect(all.stats.netPaise).toBe(289_850 - 187_500);
  });

  it('reads closed positions by a range scan of the index on (exit_time, owner, chain)', () => {
    const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM paper_positions
         WHERE exit_time IS NOT NULL AND exit_time >= 0 AND exit_time < 1 AND owner = 'x'`,
      )
      .all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join(' ')).toMatch(/USING INDEX paper_positions_closed/);
  });
});

describe('a book without closed trades', () => {
  it('says so in a friendly line instead of zeros that look like results', () => {
    const json = statsJson(readBookStats(store.paperStore(), { owner: 'telegram:3003', days: 30, now: NOW }));
    expect(json.message).toBe(
      'The book telegram:3003 has no closed trades in the last 30 days (since 2026-10-27 IST), so there is ' +
        'nothing to measure yet. A trade counts once it is closed.',
    );
    expect(json).toMatchObject({
      trades: 0,
      win_rate: null,
      average_win: null,
      profit_factor: null,
      expectancy: null,
      net: null,
      best: null,
      worst: null,
      max_drawdown: null,
      by_chain: {},
      by_reason: {},
    });
  });
});

const trade = (id: string, realizedPaise: number, exitReason = 'Manual Exit', exitTime = 1): ClosedTrade => ({
  id,
  chainId: 'NSE',
  exitTime,
  exitReason,
  realizedPaise,
});

describe('definitions', () => {
  it('a win is above zero, a loss below; break-even counts as a trade but neither', () => {
    const stats = bookStats([trade('A', 1000), trade('B', 0), trade('C', -500), trade('D', 0)]);
    expect(stats).toMatchObject({ trades: 4, wins: 1, losses: 1, breakEven: 2, winRate: 25 });
    expect(stats.expectancyPaise).toBe(125); // 500 / 4
    expect(stats.profitFactor).toBe(2);
  });

  it('profit factor is null with no losses, 0 with no wins', () => {
    expect(bookStats([trade('A', 1000), trade('B', 0)]).profitFactor).toBeNull();
    expect(bookStats([trade('A', -1000)]).profitFactor).toBe(0);
  });

  it('drawdown counts the start (0) as a peak and orders ties by id', () => {
    expect(bookStats([trade('A', -300), trade('B', 100)]).maxDrawdownPaise).toBe(300);
    // Same exit time: A (−200) before B (+500), so the curve dips to −200 first.
    expect(bookStats([trade('B', 500, 'x', 5), trade('A', -200, 'x', 5)]).maxDrawdownPaise).toBe(200);
    expect(bookStats([trade('A', 100)])).toMatchObject({ maxDrawdownPaise: 0, drawdownTroughId: null });
  });

  it('groups exit reasons without their points', () => {
    expect(reasonGroup('Target Hit (+25)')).toBe('Target Hit');
    expect(reasonGroup('Target Hit (+12.5)')).toBe('Target Hit');
    expect(reasonGroup('Stop Loss (-25)')).toBe('Stop Loss');
    expect(reasonGroup('Manual Exit')).toBe('Manual Exit');
    expect(reasonGroup('Square-off')).toBe('Square-off');
    expect(reasonGroup('Expiry (15:30)')).toBe('Expiry');
    expect(reasonGroup('')).toBe('Unknown');
  });
});

describe('days', () => {
  it('defaults to 30 and takes whole numbers from 1 to 3650', () => {
    expect(parseStatsDays(undefined)).toBe(30);
    expect(parseStatsDays(null)).toBe(30);
    expect(parseStatsDays('7')).toBe(7);
    expect(parseStatsDays('3650')).toBe(3650);
  });

  it('refuses anything else with one line saying what is accepted', () => {
    for (const bad of ['0', '-3', '2.5', 'week', '3651', '1e3']) {
      expect(() => parseStatsDays(bad)).toThrow(UserError);
      expect(() => parseStatsDays(bad)).toThrow(
        `days "${bad}" is not accepted: give a whole number of days from 1 to 3650 (the last n IST calendar ` +
          'days, today included), e.g. 7; the default is 30',
      );
    }
  });

  it('is a window of IST calendar days ending tomorrow at midnight IST', () => {
    const window = statsWindow(2, istWallClock('2026-11-25', '00:30'));
    expect(window).toEqual({
      sinceMs: istWallClock('2026-11-24', '00:00'),
      untilMs: istWallClock('2026-11-26', '00:00'),
      from: '2026-11-24',
      to: '2026-11-25',
    });
  });
});
