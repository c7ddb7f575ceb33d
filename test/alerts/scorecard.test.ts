/**
 * Alerts that grade themselves, on a recorded morning (real ChainTrackers on the simulator's market into
 * a real SQLite store): the OI-jump and rule alerts the engine sends are scored from the stored cycles,
 * and /scorecard and GET /api/scorecard equal the moves computed by hand from the published snapshots.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertScorer, SCORE_HORIZONS_MINUTES } from '../../src/alerts/alert-scorer.ts';
import { readScorecard, type Scorecard } from '../../src/alerts/scorecard.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import { PastChains } from '../../src/history/past-chains.ts';
import { scorecardRoutes } from '../../src/http/rule-routes.ts';
import { RuleBook } from '../../src/rules/rule-book.ts';
import type { AlertSubject } from '../../src/store/score-store.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { testAlertEngine } from '../support/alert-engine.ts';
import { alertRule } from '../support/chain-builders.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';
import { recordDay, type RecordedDay } from '../support/recorded-day.ts';

const DATE = '2026-11-25';
let day: RecordedDay;
const subjects: AlertSubject[] = [];
let card: Scorecard;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

beforeAll(async () => {
  day = await recordDay(DATE, '09:15', '10:45');
  const published = day.published.get('NSE')!;
  const engine = testAlertEngine({
    windows: [5, 15],
    thresholds: [3, 6],
    cooldownMinutes: 10,
    now: () => clock,
  });
  let clock = 0;
  const scorer = new AlertScorer({
    store: day.store.scoreStore(),
    past: new PastChains(day.store.cycles()),
    logger: pino({ level: 'silent' }),
  });
  engine.on('scoring', (list) => {
    subjects.push(...list);
    scorer.add(list);
  });
  const rule = alertRule({
    chat: 'telegram:1001',
    name: 'above',
    condition: `price > ${published[Math.floor(published.length / 2)]!.underlyingPrice} and ltp(ATM CE) > 0`,
    cooldownMinutes: 5,
  });
  const rules = new RuleBook({
    store: { all: () => [rule], saveState: (_chat, _name, state) => void (rule.state = state) },
    limits: { windows: ['5', '10', '15', '30'], strikesEachSide: 5 },
    defaultCooldownMinutes: 15,
    logger: pino({ level: 'silent' }),
  });
  // The daemon's order on each published cycle: score what is due, then this cycle's alerts.
  for (const snapshot of published) {
    clock = snapshot.lastUpdate;
    scorer.scoreDue('NSE', snapshot.lastUpdate);
    await engine.onSnapshot(snapshot);
    for (const firing of rules.onSnapshot(snapshot)) await engine.onRuleFired(firing);
  }
  await engine.stop();
  card = readScorecard(day.store.scoreStore(), day.end, 1);
}, 90_000);
afterAll(() => day.store.close());

/** By hand: the published snapshot of the latest cycle at or before `instant`. */
function publishedAt(instant: number): ChainSnapshot | undefined {
  return day.published
    .get('NSE')!
    .filter((snapshot) => snapshot.lastUpdate <= instant)
    .at(-1);
}

/** By hand: the option's last price at or before `instant`, from the stored observations. */
function ltpAt(token: number, instant: number): number | null {
  const points = day.store.loadObservations('NSE', instant - 86_400_000).get(token) ?? [];
  return points.filter((point) => point.time <= instant).at(-1)?.ltp ?? null;
}

describe('alerts that grade themselves', () => {
  it('scores every OI-jump line and rule alert at 5, 15 and 30 minutes as computed by hand', () => {
    const last = day.published.get('NSE')!.at(-1)!.lastUpdate;
    const sources = [...new Set(subjects.map((subject) => subject.source))];
    expect(sources).toEqual(expect.arrayContaining(['window:5', 'window:15', 'rule:telegram:1001/above']));
    for (const source of sources) {
      const mine = subjects.filter((subject) => subject.source === source);
      const row = card.sources.find((entry) => entry.source === source)!;
      expect(row.count, source).toBe(mine.length);
      for (const horizon of SCORE_HORIZONS_MINUTES) {
        const due = mine.filter((subject) => subject.at + horizon * 60_000 <= last);
        const underlying = due.map(
          (subject) => publishedAt(subject.at + horizon * 60_000)!.underlyingPrice! - subject.basePrice!,
        );
        const pct = due.map((subject, i) => (underlying[i]! * 100) / subject.basePrice!);
        const premium = due.flatMap((subject) => {
          const later = publishedAt(subject.at + horizon * 60_000)!;
          const rows = subject.option!.type === 'CE' ? later.calls : later.puts;
          const ltp =
            rows.find((r) => r.strike === subject.option!.strike)?.ltp ??
            ltpAt(subject.option!.token, later.lastUpdate);
          return ltp === null || subject.basePremium === null ? [] : [ltp - subject.basePremium];
        });
        const stats = row.horizons[String(horizon)]!;
        expect(stats.scored, `${source} ${horizon}m`).toBe(due.length);
        if (due.length === 0) continue;
        expect(stats.underlying_move.median!).toBeCloseTo(median(underlying), 2);
        expect(stats.underlying_move.mean!).toBeCloseTo(mean(underlying), 2);
        expect(stats.underlying_move_pct.median!).toBeCloseTo(median(pct), 4);
        expect(stats.premium_move.median!).toBeCloseTo(median(premium), 2);
        expect(stats.premium_move.mean!).toBeCloseTo(mean(premium), 2);
      }
    }
  });

  it('/scorecard and GET /api/scorecard answer the same figures', async () => {
    const read = (days: number) => readScorecard(day.store.scoreStore(), day.end, days);
    const core = new CommandCore(fakeCommandContext({ access: 'telegram:1001=viewer', scorecard: read }));
    const reply = await core.handle('/scorecard 1', { owner: 'telegram:1001' });
    const five = card.sources.find((entry) => entry.source === 'window:5')!;
    expect(reply.text).toContain('Scorecard of the last 1 day');
    expect(reply.text).toContain(`OI jump 5m · ${five.count} alert`);
    expect(reply.text).toContain('rule above · ');
    expect((await core.handle('/scorecard x', { owner: 'telegram:1001' })).error).toBe(true);
    const route = scorecardRoutes(read)[0]!;
    const answer = await route.handle({ params: [], query: new URLSearchParams('days=1'), body: null });
    expect(answer).toEqual({ status: 200, body: card });
    expect(
      (await route.handle({ params: [], query: new URLSearchParams('days=0'), body: null })).status,
    ).toBe(400);
  });

  it('gives no score past the close', () => {
    const scorer = new AlertScorer({
      store: day.store.scoreStore(),
      past: new PastChains(day.store.cycles()),
      logger: pino({ level: 'silent' }),
    });
    const late = Date.parse(`${DATE}T15:20:00+05:30`);
    scorer.add([
      {
        alertId: 'late',
        source: 'window:30',
        chain: 'NSE',
        at: late,
        option: null,
        basePrice: 1,
        basePremium: null,
      },
    ]);
    scorer.scoreDue('NSE', late + 31 * 60_000);
    const row = readScorecard(day.store.scoreStore(), day.end, 1).sources.find(
      (s) => s.source === 'window:30',
    )!;
    expect(row.count).toBe(1);
    // 15:25 is before the close: read at the latest stored cycle at or before it that day (the morning's last).
    expect(row.horizons['5']!.scored).toBe(1);
    expect(row.horizons['5']!.underlying_move.median).toBeCloseTo(
      day.published.get('NSE')!.at(-1)!.underlyingPrice! - 1,
      2,
    );
    // 15:35 and 15:50 are past the close: no score.
    expect(row.horizons['15']!.scored).toBe(0);
    expect(row.horizons['30']!.scored).toBe(0);
  });
});
