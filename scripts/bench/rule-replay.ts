/**
 * rule_replay_30d_ms: ms to replay one alert rule over 30 days of stored cycles (every cycle of both
 * sessions' days recomputed by PastChains.day and fed to the live evaluator and gate), as /rule test
 * and GET /api/rules/test do; median of 5. Baseline: the same rule over the last day only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import { PastChains } from '../../src/history/past-chains.ts';
import { RuleDesk } from '../../src/rules/rule-desk.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import { DAY_MS, istWallClock } from '../../src/util/ist.ts';
import { tradingDays } from './db-bytes-30-days.ts';
import { writeTradingDays } from './recovery-load-day.ts';
import { p50Ms, type BenchResult } from './result.ts';

const BAR_MS = 1000;
const DAYS = tradingDays('2026-10-19', 30);
const LAST_DAY = DAYS.at(-1)!;
/** Calendar days from the first stored trading day to the last, so the replay covers all 30. */
const SPAN_DAYS =
  Math.round((istWallClock(LAST_DAY, '12:00') - istWallClock(DAYS[0]!, '12:00')) / DAY_MS) + 1;
export const BENCH_CONDITION = 'oi_chg_15m(ATM+1 CE) > 5 and pcr < 1.2';

function thirtyDays(path: string): void {
  writeTradingDays(path, DAYS);
}

export async function ruleReplay(condition = BENCH_CONDITION): Promise<Record<string, BenchResult>> {
  const dir = mkdtempSync(join(tmpdir(), 'oi-bench-rules-'));
  const path = join(dir, 'oi-tracker.db');
  try {
    thirtyDays(path);
    const store = OiStore.open(path);
    const desk = new RuleDesk({
      store: store.ruleStore(),
      past: (recompute) => new PastChains(store.cycles(), recompute),
      chains: parseChainSpecs(DEFAULT_CHAINS)!,
      limits: () => ({ windows: ['5', '10', '15', '30'], strikesEachSide: 5 }),
      defaultCooldownMinutes: 15,
      maxRulesPerChat: 20,
      retentionDays: SPAN_DAYS,
      now: () => istWallClock(LAST_DAY, '16:00'),
    });
    let firings = 0;
    const thirty = async () => (firings = (await desk.test('NSE', condition, SPAN_DAYS)).firings.length);
    const oneDay = () => desk.test('NSE', condition, 1);
    const thirtyMs = await p50Ms(thirty, 5, 1);
    const dayMs = await p50Ms(oneDay, 5, 1);
    store.close();
    if (firings === 0)
      throw new Error(`rule_replay_30d_ms: "${condition}" never fired; pick a rule that does`);
    return {
      rule_replay_30d_ms: {
        value: Math.round(thirtyMs),
        unit: 'ms',
        baseline: Math.round(dayMs * 10) / 10,
        ratio: Math.round((dayMs / thirtyMs) * 1000) / 1000,
        bar: `≤ ${BAR_MS} ms`,
        pass: thirtyMs <= BAR_MS,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
