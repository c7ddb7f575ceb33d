import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { CommandCore } from '../../src/commands/command-core.ts';
import { HistoryError } from '../../src/history/instant.ts';
import { RuleBook } from '../../src/rules/rule-book.ts';
import {
  ConditionError,
  conditionText,
  parseCondition,
  type ConditionLimits,
} from '../../src/rules/rule-condition.ts';
import { RuleDesk } from '../../src/rules/rule-desk.ts';
import { evaluateCondition } from '../../src/rules/rule-evaluate.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import type { ChainSnapshot, OptionRow } from '../../src/tracker/types.ts';
import { chainSnapshot, optionRow } from '../support/chain-builders.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';

const LIMITS: ConditionLimits = { windows: ['5', '10', '15', '30'], strikesEachSide: 5 };

/** Words and symbols of the language (and near misses), to make inputs that get far into the parser. */
const TOKENS = [
  'price',
  'pcr',
  'pcr_all',
  'max_pain',
  'atm',
  'oi',
  'ltp',
  'iv',
  'oi_chg_5m',
  'oi_chg_15m',
  'oi_chg_7m',
  'ATM',
  'ATM+1',
  'ATM-2',
  'ATM+9',
  '25600',
  '25650.5',
  'CE',
  'PE',
  'XE',
  '(',
  ')',
  '+',
  '-',
  '>',
  '>=',
  '<',
  '<=',
  '=',
  '!',
  'and',
  'or',
  'AND',
  'not',
  '0.8',
  '-3',
  '1e9',
  '20',
  '1.2.3',
  '',
  ' ',
  '\n',
  'é',
  '😀',
];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((words) => words.join(' '));
const anyText = fc.oneof(
  tokenSoup,
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
);

/** A well-formed condition, written with random spacing and case. */
const selector = fc.oneof(
  fc
    .tuple(fc.integer({ min: -5, max: 5 }), fc.constantFrom('CE', 'pe'))
    .map(([k, side]) => `${k === 0 ? 'atm' : `ATM${k > 0 ? '+' : '-'} ${Math.abs(k)}`} ${side}`),
  fc
    .tuple(fc.integer({ min: 20_000, max: 30_000 }), fc.constantFrom('CE', 'PE'))
    .map(([s, side]) => `${s}${' '}${side}`),
);
const metric = fc.oneof(
  fc.constantFrom('price', 'PCR', 'pcr_all', 'max_pain', 'atm'),
  fc
    .tuple(fc.constantFrom('oi', 'ltp', 'iv', 'oi_chg_5m', 'OI_CHG_30M'), selector)
    .map(([fn, sel]) => `${fn}(${sel})`),
);
const comparison = fc
  .tuple(metric, fc.constantFrom('>', '>=', '<', '<='), fc.double({ min: -1e6, max: 1e6, noNaN: true }))
  .map(([m, op, value]) => `${m}${op}${value.toFixed(3)}`);
const wellFormed: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison,
    fc
      .tuple(tie('expr'), fc.constantFrom(' and ', ' OR ', ' or '), tie('expr'))
      .map(([a, op, b]) => `${a}${op}${b}`),
    tie('expr').map((inner) => `( ${inner} )`),
  ),
})).expr;

function snapshot(): ChainSnapshot {
  const rows = (type: 'CE' | 'PE'): OptionRow[] =>
    [25_550, 25_600, 25_650].map((strike) =>
      optionRow(strike, type, { oi: 1000, oiChangePct: { '5': 3, '10': null, '15': 9, '30': -2 } }),
    );
  return chainSnapshot({
    underlyingPrice: 25_610,
    pcr: 0.9,
    maxPain: 25_600,
    calls: rows('CE'),
    puts: rows('PE'),
  });
}

describe('the rule grammar under fast-check', () => {
  it('never crashes: any input parses or is refused with a ConditionError; what parses round-trips and evaluates', () => {
    const snap = snapshot();
    fc.assert(
      fc.property(fc.oneof(anyText, wellFormed), (text) => {
        let parsed;
        try {
          parsed = parseCondition(text, LIMITS);
        } catch (error) {
          expect(error).toBeInstanceOf(ConditionError);
          expect((error as Error).message).not.toContain('\n');
          return;
        }
        const canonical = conditionText(parsed);
        expect(parseCondition(canonical, LIMITS)).toEqual(parsed);
        expect(typeof evaluateCondition(parsed, snap).holds).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });

  it('parses every well-formed condition', () => {
    fc.assert(
      fc.property(wellFormed, (text) => {
        expect(() => parseCondition(text, LIMITS)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  const store = OiStore.open(path.join(mkdtempSync(path.join(tmpdir(), 'oi-rule-prop-')), 'oi.db'));
  afterAll(() => store.close());

  it('/rule add never saves a rule the live evaluation cannot read', async () => {
    let now = Date.parse('2026-11-25T10:00:00+05:30');
    const desk = new RuleDesk({
      store: store.ruleStore(),
      past: () => ({
        storedDay: () => {
          throw new HistoryError('nothing stored', 404);
        },
      }),
      chains: fakeCommandContext().chains,
      limits: () => LIMITS,
      defaultCooldownMinutes: 15,
      maxRulesPerChat: 1000,
      retentionDays: 3,
      now: () => now,
    });
    const core = new CommandCore(fakeCommandContext({ access: 'telegram:1001=trader', rules: desk }));
    let saved = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(anyText, wellFormed),
        fc.constantFrom('NSE', 'bse', 'XYZ'),
        async (text, chain) => {
          now += 1;
          const name = `r${now}`;
          const reply = await core.handle(`/rule add ${name} ${chain} ${text}`, { owner: 'telegram:1001' });
          const rule = store.ruleStore().get('telegram:1001', name);
          expect(reply.error === true).toBe(rule === null);
          if (rule) saved++;
        },
      ),
      { numRuns: 400 },
    );
    expect(saved).toBeGreaterThan(0);
    const book = new RuleBook({
      store: store.ruleStore(),
      limits: LIMITS,
      defaultCooldownMinutes: 15,
      logger: pino({ level: 'silent' }),
    });
    for (const rule of store.ruleStore().all()) {
      expect(() => parseCondition(rule.condition, LIMITS)).not.toThrow();
    }
    expect(() => book.onSnapshot(snapshot())).not.toThrow();
  });
});
