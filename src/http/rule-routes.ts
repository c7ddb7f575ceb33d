/** Alert rules over HTTP: GET /api/rules/test?chain=&condition=&days= replays a condition on the stored days. */
import { RuleError, type RuleDesk } from '../rules/rule-desk.ts';
import type { ReplaySummary } from '../rules/rule-replay.ts';
import type { Scorecard } from '../alerts/scorecard.ts';
import { formatIstIso } from '../util/ist.ts';
import type { ApiAnswer, ApiRoute } from './api-server.ts';

/** The replay as the API answers it: IST ISO firing instants, snake_case fields. */
export function replayJson(summary: ReplaySummary) {
  return {
    chain: summary.chain,
    condition: summary.condition,
    days: summary.days,
    firings: summary.firings.map(formatIstIso),
    fired_days: summary.firedDays,
    median_move_15m: summary.medianMove15m === null ? null : Math.round(summary.medianMove15m * 100) / 100,
  };
}

/** The answer of `build`, or a rule's refusal as 400/404 with its one line. */
export async function ruleAnswer(build: () => unknown): Promise<ApiAnswer> {
  try {
    return { status: 200, body: await build() };
  } catch (error) {
    if (error instanceof RuleError) return { status: error.status, body: { error: error.message } };
    throw error;
  }
}

export function ruleRoutes(desk: Pick<RuleDesk, 'test' | 'days'>): ApiRoute[] {
  return [
    {
      method: 'GET',
      match: (path) => (path === '/api/rules/test' ? [] : null),
      handle: ({ query }) =>
        ruleAnswer(async () => {
          const chain = query.get('chain')?.trim() ?? '';
          const condition = query.get('condition')?.trim() ?? '';
          if (chain === '') throw new RuleError('"chain" is missing; e.g. chain=NSE');
          if (condition === '') throw new RuleError('"condition" is missing; e.g. condition=pcr < 0.8');
          return replayJson(await desk.test(chain, condition, desk.days(query.get('days') ?? undefined)));
        }),
    },
  ];
}

/** GET /api/scorecard?days= (default 30): per rule and per built-in window, the moves after the alerts. */
export function scorecardRoutes(read: (days: number) => Scorecard): ApiRoute[] {
  return [
    {
      method: 'GET',
      match: (path) => (path === '/api/scorecard' ? [] : null),
      handle: ({ query }) =>
        ruleAnswer(() => {
          const text = query.get('days') ?? '30';
          const days = /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
          if (!Number.isInteger(days) || days < 1 || days > 3650) {
            throw new RuleError(`days must be a whole number from 1 to 3650, got "${text}"`);
          }
          return read(days);
        }),
    },
  ];
}
