import { describe, expect, it } from 'vitest';
import {
  ConditionError,
  conditionText,
  parseCondition,
  usesIv,
  type ConditionLimits,
} from '../../src/rules/rule-condition.ts';
import { evaluateCondition } from '../../src/rules/rule-evaluate.ts';
import { FRESH_STATE, stepRule, type RuleState } from '../../src/rules/rule-gate.ts';
import type { ChainSnapshot, OptionRow } from '../../src/tracker/types.ts';
import { chainSnapshot, optionRow } from '../support/chain-builders.ts';

const LIMITS: ConditionLimits = { windows: ['5', '10', '15', '30'], strikesEachSide: 5 };

/** OI up 1, 2 and 3 % over 5, 10 and 15 minutes, no 30-minute base, IV 14.5. */
function row(strike: number, type: 'CE' | 'PE', fields: Partial<OptionRow> = {}): OptionRow {
  return optionRow(strike, type, {
    oiChangePct: { '5': 1, '10': 2, '15': 3, '30': null },
    iv: 14.5,
    ...fields,
  });
}

function snapshot(overrides: Partial<ChainSnapshot> = {}): ChainSnapshot {
  const strikes = [25_500, 25_550, 25_600, 25_650, 25_700];
  return chainSnapshot({
    pcr: 0.74,
    pcrAll: 0.9,
    maxPain: 25_550,
    calls: strikes.map((strike) =>
      row(
        strike,
        'CE',
        strike === 25_650 ? { oiChangePct: { '5': 4, '10': 9, '15': 23.4, '30': null } } : {},
      ),
    ),
    puts: strikes.map((strike) => row(strike, 'PE', { ltp: strike === 25_600 ? 75 : 100 })),
    ...overrides,
  });
}

const errorOf = (text: string, limits = LIMITS): ConditionError => {
  try {
    parseCondition(text, limits);
  } catch (error) {
    if (error instanceof ConditionError) return error;
    throw error;
  }
  throw new Error(`"${text}" parsed`);
};

describe('the rule condition language', () => {
  it('parses the issue example and writes it back canonically', () => {
    const condition = parseCondition('OI_CHG_15M( atm + 1 ce )>20 AND pcr<0.8', LIMITS);
    expect(conditionText(condition)).toBe('oi_chg_15m(ATM+1 CE) > 20 and pcr < 0.8');
    expect(usesIv(condition)).toBe(false);
    expect(usesIv(parseCondition('iv(25600 PE) > 3 or pcr < 1', LIMITS))).toBe(true);
  });

  it('binds and tighter than or, and keeps parentheses where they matter', () => {
    const loose = parseCondition('pcr < 1 or price > 2 and atm >= 3', LIMITS);
    expect(loose.kind).toBe('or');
    const grouped = parseCondition('(pcr < 1 or price > 2) and atm >= 3', LIMITS);
    expect(grouped.kind).toBe('and');
    expect(conditionText(grouped)).toBe('(pcr < 1 or price > 2) and atm >= 3');
    expect(parseCondition(conditionText(grouped), LIMITS)).toEqual(grouped);
    const right = parseCondition('pcr < 1 or (price > 2 or atm >= 3)', LIMITS);
    expect(parseCondition(conditionText(right), LIMITS)).toEqual(right);
  });

  it.each([
    ['foo > 1', 'unknown metric', 'foo'],
    ['oi_chg_7m(ATM CE) > 1', 'unknown window 7m', 'oi_chg_7m'],
    ['oi_chg_5m(ATM+6 CE) > 1', 'outside the tracked window', '6'],
    ['oi(ATM XE) > 1', 'expected CE or PE', 'XE'],
    ['pcr > 1.2.3', 'bad number', '1.2.3'],
    ['pcr > abc', 'expected a number', 'abc'],
    ['pcr = 1', 'unexpected character', '='],
    ['pcr > 1 and', 'expected a metric', ''],
    ['(pcr > 1', 'expected ")"', ''],
    ['pcr > 1)', 'a ")" without its "("', ')'],
    ['oi > 5', 'oi needs an option in parentheses', '>'],
    ['pcr(ATM CE) > 1', 'pcr takes no option', '('],
    ['ltp(26500 CE) > 1', 'strike outside the tracked window', '26500'],
  ])('refuses %s in one line pointing at the token, with an example', (text, problem, token) => {
    const error = errorOf(text, { ...LIMITS, strikes: [25_500, 25_550, 25_600] });
    expect(error.message).toContain(problem);
    expect(error.token).toBe(token);
    expect(error.message).toContain('Example: oi_chg_15m(ATM+1 CE) > 20 and pcr < 0.8');
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('evaluates on unrounded values, ATM±k as strikes of the cycle, and a null metric as false', () => {
    const snap = snapshot();
    const hit = evaluateCondition(parseCondition('oi_chg_15m(ATM+1 CE) > 23.39 and pcr < 0.8', LIMITS), snap);
    expect(hit.holds).toBe(true);
    expect(hit.readings).toEqual([
      { metric: 'oi_chg_15m(ATM+1 CE)', value: 23.4, option: { strike: 25_650, type: 'CE' } },
      { metric: 'pcr', value: 0.74 },
    ]);
    expect(evaluateCondition(parseCondition('oi_chg_15m(ATM+1 CE) > 23.4', LIMITS), snap).holds).toBe(false);
    expect(evaluateCondition(parseCondition('ltp(ATM PE) <= 75 and atm >= 25600', LIMITS), snap).holds).toBe(
      true,
    );
    expect(evaluateCondition(parseCondition('oi_chg_30m(ATM CE) < 1000', LIMITS), snap).holds).toBe(false);
    expect(
      evaluateCondition(parseCondition('oi_chg_30m(ATM CE) < 1 or pcr_all > 0.8', LIMITS), snap).holds,
    ).toBe(true);
    expect(evaluateCondition(parseCondition('ltp(ATM+5 CE) > 0', LIMITS), snap).holds).toBe(false);
    expect(
      evaluateCondition(parseCondition('max_pain < 25600', LIMITS), snapshot({ maxPain: null })).holds,
    ).toBe(false);
  });
});

describe('the rule gate: edge-triggered with a cooldown', () => {
  const run = (holds: boolean[], cooldownMs: number, state: RuleState = FRESH_STATE) => {
    const fired: number[] = [];
    holds.forEach((value, minute) => {
      const step = stepRule(state, value, minute * 60_000, cooldownMs);
      state = step.state;
      if (step.fire) fired.push(minute);
    });
    return fired;
  };

  it('fires on the first cycle that holds, re-arms after a false one', () => {
    expect(run([false, true, true, false, true, true], 0)).toEqual([1, 4]);
  });

  it('fires at once when added while its condition holds', () => {
    expect(run([true, true], 0)).toEqual([0]);
  });

  it('inside the cooldown neither fires nor disarms; fires on the first cycle after it that still holds', () => {
    // fired at 0; false at 1 re-arms; holds at 2..6 inside a 5-minute cooldown: fires at 5 (not at 2);
    // false at 7 re-arms; holds from 8 on, inside the cooldown of the firing at 5 until 10.
    expect(run([true, false, true, true, true, true, true, false, true, true, true], 5 * 60_000)).toEqual([
      0, 5, 10,
    ]);
  });
});
