/**
 * Replays take many turns of the event loop: the desk runs them one at a time, checks a new rule's
 * name and the chat's limit again once its replay is done, and stops a replay before the store closes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PastDay } from '../../src/history/past-chains.ts';
import { RuleDesk, RuleError } from '../../src/rules/rule-desk.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import type { StoredCycle } from '../../src/store/types.ts';
import { chainSnapshot } from '../support/chain-builders.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';

const NOW = Date.parse('2026-11-25T16:00:00+05:30');
const CHAT = 'telegram:1001';

/** One Live cycle at 10:00 IST of the day `date`. */
function storedDay(date: string): PastDay {
  const snapshot = chainSnapshot({ lastUpdate: Date.parse(`${date}T10:00:00+05:30`) });
  const cycle = { time: snapshot.lastUpdate, underlyingPrice: snapshot.underlyingPrice } as StoredCycle;
  return { cycles: [cycle], snapshot: () => snapshot };
}

const store = OiStore.open(path.join(mkdtempSync(path.join(tmpdir(), 'oi-rule-desk-')), 'oi.db'));
afterAll(() => store.close());

function desk(onDay: (date: string) => void = () => {}, maxRulesPerChat = 20): RuleDesk {
  return new RuleDesk({
    store: store.ruleStore(),
    past: () => ({
      storedDay: (_chain: string, date: string) => {
        onDay(date);
        return storedDay(date);
      },
    }),
    chains: fakeCommandContext().chains,
    limits: () => ({ windows: ['5', '15'], strikesEachSide: 5 }),
    defaultCooldownMinutes: 15,
    maxRulesPerChat,
    retentionDays: 10,
    now: () => NOW,
  });
}

describe('the rule desk while replays run', () => {
  it('runs replays one after another, each reading its days in order', async () => {
    const reads: string[] = [];
    const rules = desk((date) => reads.push(date));
    const [first, second] = await Promise.all([
      rules.test('NSE', 'price > 0', 3),
      rules.test('NSE', 'price < 0', 2),
    ]);
    expect(first.firings).toHaveLength(1);
    expect(second.firings).toEqual([]);
    expect(reads).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-24', '2026-11-25']);
  });

  it('saves one of two rules added under one name at once, and refuses the other in one line', async () => {
    const rules = desk();
    const rule = {
      chat: CHAT,
      name: 'twice',
      chain: 'NSE',
      condition: 'pcr < 2',
      cooldownMinutes: null,
      broadcast: false,
    };
    const results = await Promise.allSettled([rules.add(rule), rules.add(rule)]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    const refusal = (results[1] as PromiseRejectedResult).reason as Error;
    expect(refusal).toBeInstanceOf(RuleError);
    expect(refusal.message).toBe(
      'this chat already has a rule named "twice"; pick another name or /rule del twice',
    );
    expect(
      store
        .ruleStore()
        .ofChat(CHAT)
        .filter((saved) => saved.name === 'twice'),
    ).toHaveLength(1);
  });

  it('keeps MAX_RULES_PER_CHAT when rules are added while a replay runs', async () => {
    const chat = 'telegram:2002';
    const rules = desk(() => {}, 1);
    const rule = (name: string) => ({
      chat,
      name,
      chain: 'NSE',
      condition: 'pcr < 2',
      cooldownMinutes: null,
      broadcast: false,
    });
    const results = await Promise.allSettled([rules.add(rule('a')), rules.add(rule('b'))]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect(((results[1] as PromiseRejectedResult).reason as Error).message).toMatch(
      /^this chat already has 1 rules \(MAX_RULES_PER_CHAT\)/,
    );
    expect(
      store
        .ruleStore()
        .ofChat(chat)
        .map((saved) => saved.name),
    ).toEqual(['a']);
  });

  it('on stop, ends the replay under way at its next day and says so, so the store can close', async () => {
    const reads: string[] = [];
    let stopped: Promise<void> | undefined;
    const rules = desk((date) => {
      reads.push(date);
      if (reads.length === 2) stopped = rules.stop();
    });
    await expect(rules.test('NSE', 'price > 0', 10)).rejects.toMatchObject({
      status: 503,
      message: 'the daemon is stopping; try the rule again once it is back',
    });
    await stopped;
    expect(reads).toEqual(['2026-11-16', '2026-11-17']);
    await expect(rules.test('NSE', 'price > 0', 1)).rejects.toMatchObject({ status: 503 });
  });
});
