/** Hand-built chain data for tests: plain defaults, the values a test is about passed as overrides. */
import type { OptionType } from '../../src/kite/types.ts';
import { FRESH_STATE } from '../../src/rules/rule-gate.ts';
import type { AlertRule } from '../../src/rules/rule.ts';
import type { ChainSnapshot, OptionRow } from '../../src/tracker/types.ts';

/** A NIFTY 1 Dec 2026 ATM option at 100 with 10 lakh OI and no OI changes, breaches, IV or Greeks. */
export function optionRow(strike: number, type: OptionType, fields: Partial<OptionRow> = {}): OptionRow {
  return {
    strike,
    type,
    symbol: `NIFTY26D01${strike}${type}`,
    token: strike * 10 + (type === 'CE' ? 1 : 2),
    ltp: 100,
    oi: 1_000_000,
    oiChangePct: {},
    breaches: [],
    moneyness: 'ATM',
    buildup: null,
    iv: null,
    delta: null,
    gamma: null,
    theta: null,
    vega: null,
    ...fields,
  };
}

/** A Live NSE chain at 10:00 IST on 25 Nov 2026, NIFTY at 25612.4, ATM 25600, PCR 1, no rows. */
export function chainSnapshot(fields: Partial<ChainSnapshot> = {}): ChainSnapshot {
  return {
    chainId: 'NSE',
    underlying: 'NIFTY 50',
    underlyingPrice: 25_612.4,
    atmStrike: 25_600,
    expiry: '2026-12-01',
    pcr: 1,
    pcrAll: null,
    maxPain: null,
    support: null,
    resistance: null,
    status: 'Live',
    notes: [],
    lastUpdate: Date.parse('2026-11-25T10:00:00+05:30'),
    calls: [],
    puts: [],
    ...fields,
  };
}

/** An enabled, never-fired rule of telegram:1001 on NSE, not broadcast; give it at least a condition. */
export function alertRule(fields: Partial<AlertRule> & Pick<AlertRule, 'condition'>): AlertRule {
  return {
    chat: 'telegram:1001',
    name: 'rule',
    chain: 'NSE',
    cooldownMinutes: null,
    broadcast: false,
    enabled: true,
    createdAt: 0,
    state: FRESH_STATE,
    ...fields,
  };
}
