import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RuleBook } from '../../src/rules/rule-book.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { alertRule, chainSnapshot } from '../support/chain-builders.ts';

const AT = Date.parse('2026-11-25T10:00:00+05:30');

function snapshot(second: number, price: number, status: ChainSnapshot['status'] = 'Live'): ChainSnapshot {
  return chainSnapshot({ underlyingPrice: price, status, lastUpdate: AT + second * 1000 });
}

function book(condition: string, cooldownMinutes: number | null = 0) {
  const rule = alertRule({ name: 'r', condition, cooldownMinutes });
  const saved: unknown[] = [];
  const rules = new RuleBook({
    store: {
      all: () => [rule],
      saveState: (_chat, _name, state) => {
        saved.push(state);
        rule.state = state;
      },
    },
    limits: { windows: ['5'], strikesEachSide: 5 },
    defaultCooldownMinutes: 15,
    logger: pino({ level: 'silent' }),
  });
  const fired = (s: ChainSnapshot) => rules.onSnapshot(s).length;
  return { rule, saved, fired };
}

describe('the live rule book', () => {
  it('evaluates Live cycles of its chain only, and saves the state only when it changes', () => {
    const { fired, saved } = book('price > 100');
    expect(fired(snapshot(0, 200, 'Stale'))).toBe(0);
    expect(fired({ ...snapshot(1, 200), chainId: 'BSE' })).toBe(0);
    expect(fired(snapshot(2, 200))).toBe(1);
    expect(fired(snapshot(3, 200))).toBe(0);
    expect(saved).toHaveLength(1);
    expect(fired(snapshot(4, 50))).toBe(0);
    expect(fired(snapshot(5, 200))).toBe(1);
    expect(saved).toHaveLength(3);
  });

  it('a second cycle in the same second replaces the first, as in the store: stepped from the state before it', () => {
    const { fired, rule } = book('price > 100');
    expect(fired(snapshot(0, 200))).toBe(1);
    // The stored cycle of second 0 is this one: false, so the rule is armed after second 0.
    expect(fired(snapshot(0, 50))).toBe(0);
    expect(rule.state.armed).toBe(true);
    expect(fired(snapshot(1, 200))).toBe(1);
    // Both cycles of a second hold: one alert for the instant.
    expect(fired(snapshot(2, 50))).toBe(0);
    expect(fired(snapshot(3, 200))).toBe(1);
    expect(fired(snapshot(3, 300))).toBe(0);
    expect(rule.state).toEqual({ armed: false, lastFired: AT + 3000 });
  });
});
