/**
 * Rules on a recorded morning (real ChainTrackers on the simulator's market into a real SQLite store):
 * the replay of a stored day fires at exactly the instants the live evaluation fired at, and the chat
 * commands answer with that replay.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandCore } from '../../src/commands/command-core.ts';
import type { Reply } from '../../src/commands/reply.ts';
import { PastChains } from '../../src/history/past-chains.ts';
import { ruleRoutes } from '../../src/http/rule-routes.ts';
import { RuleBook } from '../../src/rules/rule-book.ts';
import { RuleDesk } from '../../src/rules/rule-desk.ts';
import { median } from '../../src/rules/rule-replay.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { formatIstIso } from '../../src/util/ist.ts';
import { alertRule } from '../support/chain-builders.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';
import { recordDay, type RecordedDay } from '../support/recorded-day.ts';

const DATE = '2026-11-25';
const LIMITS = { windows: ['5', '10', '15', '30'], strikesEachSide: 5 };
const TRADER = 'telegram:1001';
const ADMIN = 'telegram:9009';

let day: RecordedDay;
let desk: RuleDesk;
let core: CommandCore;

beforeAll(async () => {
  day = await recordDay(DATE, '09:15', '10:45');
  desk = new RuleDesk({
    store: day.store.ruleStore(),
    past: (recompute) => new PastChains(day.store.cycles(), recompute),
    chains: fakeCommandContext().chains,
    limits: () => LIMITS,
    defaultCooldownMinutes: 15,
    maxRulesPerChat: 3,
    retentionDays: 30,
    now: () => day.end,
  });
  core = new CommandCore(fakeCommandContext({ access: `${TRADER}=trader,${ADMIN}=admin`, rules: desk }));
}, 60_000);
afterAll(() => day.store.close());

const ask = (text: string, owner = TRADER): Promise<Reply> => core.handle(text, { owner });

/** A threshold the metric crosses many times: the median of its values over the morning. */
function medianOf(chain: string, read: (snapshot: ChainSnapshot) => number | null | undefined): number {
  const values = day.published.get(chain)!.flatMap((snapshot) => read(snapshot) ?? []);
  return Math.round(median(values)! * 100) / 100;
}

/** Runs the rule live over every snapshot the trackers published, as the daemon does. */
function live(chain: string, condition: string, cooldownMinutes: number | null): number[] {
  const rule = alertRule({ chat: TRADER, name: 'live', chain, condition, cooldownMinutes });
  const book = new RuleBook({
    store: { all: () => [rule], saveState: (_chat, _name, state) => void (rule.state = state) },
    limits: LIMITS,
    defaultCooldownMinutes: 15,
    logger: pino({ level: 'silent' }),
  });
  return day.published
    .get(chain)!
    .flatMap((snapshot) => book.onSnapshot(snapshot).map(() => snapshot.lastUpdate));
}

describe('a rule replayed on a stored day', () => {
  it('fires at exactly the instants the live evaluation fired at (arming, re-arming, cooldown)', async () => {
    const atmCe = (s: ChainSnapshot) => s.calls.find((row) => row.strike === s.atmStrike)?.oiChangePct['5'];
    const cases = [
      { chain: 'NSE', condition: `oi_chg_5m(ATM CE) > ${medianOf('NSE', atmCe)}`, cooldown: 0 },
      { chain: 'NSE', condition: `oi_chg_5m(ATM CE) > ${medianOf('NSE', atmCe)} or pcr < 0.5`, cooldown: 10 },
      { chain: 'BSE', condition: `price > ${medianOf('BSE', (s) => s.underlyingPrice)}`, cooldown: null },
      {
        chain: 'BSE',
        condition: `(iv(ATM+1 PE) >= ${medianOf('BSE', (s) => s.puts[6]?.iv)} and pcr > 0) or ltp(ATM-1 CE) < 0`,
        cooldown: 3,
      },
    ];
    for (const { chain, condition, cooldown } of cases) {
      const fired = live(chain, condition, cooldown);
      expect(fired.length, condition).toBeGreaterThan(1);
      const replay = await desk.test(chain, condition, 1, cooldown);
      expect(replay.firings, condition).toEqual(fired);
      expect(replay.firedDays).toBe(1);
    }
  });

  it('answers the median underlying move 15 minutes after each firing, read at the latest cycle at or before', async () => {
    const threshold = medianOf('NSE', (s) => s.underlyingPrice);
    const condition = `price > ${threshold}`;
    const fired = live('NSE', condition, 0);
    const published = day.published.get('NSE')!;
    const moves = fired.map((time) => {
      const at = published.find((s) => s.lastUpdate === time)!;
      const later = published.filter((s) => s.lastUpdate <= time + 15 * 60_000).at(-1)!;
      return later.underlyingPrice! - at.underlyingPrice!;
    });
    expect((await desk.test('NSE', condition, 1, 0)).medianMove15m).toBeCloseTo(median(moves)!, 9);
  });

  it('days=n counts IST calendar days back from today; nothing stored → no firings', async () => {
    const summary = await desk.test('NSE', 'price > 0', 1);
    expect(summary.firings.length).toBe(1);
    expect((await desk.test('NSE', 'price < 0', 1)).firings).toEqual([]);
  });
});

describe('GET /api/rules/test', () => {
  const get = (query: string) =>
    ruleRoutes(desk)[0]!.handle({ params: [], query: new URLSearchParams(query), body: null });

  it('answers chain, condition, days, IST firing instants, fired_days and median_move_15m', async () => {
    const threshold = medianOf('NSE', (s) => s.underlyingPrice);
    const condition = `price > ${threshold}`;
    const answer = await get(`chain=nifty&condition=${encodeURIComponent(condition)}&days=1`);
    const replay = await desk.test('NSE', condition, 1);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      chain: 'NSE',
      condition,
      days: 1,
      firings: replay.firings.map((time) => formatIstIso(time)),
      fired_days: 1,
      median_move_15m: Math.round(replay.medianMove15m! * 100) / 100,
    });
    expect((answer.body as { firings: string[] }).firings[0]).toMatch(
      /^2026-11-25T\d{2}:\d{2}:\d{2}\+05:30$/,
    );
  });

  it('refuses bad input with 400 and one line', async () => {
    expect(await get('condition=pcr<1')).toEqual({
      status: 400,
      body: { error: expect.stringContaining('"chain" is missing') },
    });
    expect(await get('chain=NSE')).toEqual({
      status: 400,
      body: { error: expect.stringContaining('"condition" is missing') },
    });
    expect((await get('chain=NSE&condition=pcr%20%3E%3E%201')).body).toEqual({
      error: expect.stringContaining('expected a number at ">"'),
    });
    expect((await get('chain=NSE&condition=pcr<1&days=x')).status).toBe(400);
  });
});

describe('/rule and /rules in chat', () => {
  it('/rule test and /rule add answer the replay; the rule is saved, on, and listed', async () => {
    const test = await ask('/rule test NSE price > 0 days=1');
    expect(test.error).toBeUndefined();
    expect(test.text).toContain('NSE: price > 0');
    expect(test.text).toMatch(/would have fired 1 time on 1 day\./);
    expect(test.text).toContain(`First: ${DATE} 09:`);
    const added = await ask('/rule add floor nifty PCR < 5 cooldown=30');
    expect(added.text).toMatch(/^Rule floor is on for NSE: pcr < 5 \(cooldown 30 min\)\n/);
    expect(added.text).toMatch(/would have fired 1 time on 1 day/);
    const listed = await ask('/rules');
    expect(listed.text).toMatch(/● floor · NSE · pcr < 5 · cooldown 30 min · on · never fired/);
    expect((await ask('/rule off floor')).text).toBe('Rule floor is off.');
    expect((await ask('/rules')).text).toMatch(/○ floor .* off/);
    expect((await ask('/rule on floor')).text).toBe('Rule floor is on.');
    expect((await ask('/rule del floor')).text).toBe('Rule floor deleted.');
    expect((await ask('/rules')).text).toContain('no rules');
  });

  it('refuses malformed input in one line with an example, and saves nothing', async () => {
    const cases: [string, RegExp][] = [
      [
        '/rule add x NSE oi_chg_7m(ATM CE) > 1',
        /unknown window 7m .* at "oi_chg_7m" \(character 1\)\. Example: /,
      ],
      ['/rule add x NSE oi(ATM+9 CE) > 1', /outside the tracked window .* at "9"/],
      ['/rule add x NSE pcr > 0.8.1', /bad number at "0.8.1"/],
      ['/rule add x NSE volume > 1', /unknown metric .* at "volume"/],
      ['/rule add x MCX pcr > 1', /unknown chain "MCX"/],
      ['/rule add x! NSE pcr > 1', /rule name "x!" must be/],
      ['/rule test NSE pcr > 1 days=0', /days must be a whole number/],
      ['/rule add x NSE pcr > 1 broadcast', /broadcast is for admins/],
      ['/rule off nothing', /no rule named "nothing"/],
      ['/rule frobnicate', /"frobnicate" is not add, test, on, off or del/],
    ];
    for (const [text, expected] of cases) {
      const reply = await ask(text);
      expect(reply.error, text).toBe(true);
      expect(reply.text, text).toMatch(expected);
      expect(reply.text.split('\n'), text).toHaveLength(1);
    }
    expect(desk.list(TRADER)).toEqual([]);
  });

  it('a name is used once per chat; MAX_RULES_PER_CHAT; broadcast for admins', async () => {
    await ask('/rule add a NSE pcr > 1');
    expect((await ask('/rule add a BSE pcr > 2')).text).toMatch(/already has a rule named "a"/);
    await ask('/rule add b NSE pcr > 1');
    await ask('/rule add c NSE pcr > 1');
    expect((await ask('/rule add d NSE pcr > 1')).text).toMatch(/already has 3 rules \(MAX_RULES_PER_CHAT\)/);
    expect((await ask('/rule add a NSE pcr > 1', ADMIN)).error).toBeUndefined(); // another chat, its own names
    const admin = await ask('/rule add wide BSE price > 1 broadcast', ADMIN);
    expect(admin.text).toContain('· broadcast');
    expect(desk.list(ADMIN).find((rule) => rule.name === 'wide')!.broadcast).toBe(true);
  });

  it('/help rule documents the condition language with examples', async () => {
    const help = await ask('/help rule');
    for (const part of [
      'pcr_all',
      'max_pain',
      'oi_chg_<w>m',
      'ATM+k',
      'and binds tighter',
      '/rule add',
      '/rule test',
    ]) {
      expect(help.text).toContain(part);
    }
  });
});
