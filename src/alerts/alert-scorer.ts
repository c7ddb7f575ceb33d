/**
 * Alerts that grade themselves: each OI-breach line and rule alert is scored 5, 15 and 30 minutes after
 * its data time on the underlying's move (points and %) and, for an option-level alert, the option's
 * premium move, each read at the latest stored cycle at or before that instant on the same day
 * (`PastChains.at`, the one reader of stored cycles); none past the close.
 */
import type { PastChains } from '../history/past-chains.ts';
import { HistoryError } from '../history/instant.ts';
import type { Logger } from '../log.ts';
import type { RuleFiring } from '../rules/rule-book.ts';
import type { AlertSubject, Score, ScoreStore, StoredSubject } from '../store/score-store.ts';
import type { ChainSnapshot, OptionRow } from '../tracker/types.ts';
import { istDateOf, istWallClock } from '../util/ist.ts';
import type { BreachLine } from './alert-messages.ts';

export const SCORE_HORIZONS_MINUTES = [5, 15, 30] as const;
const CLOSE_IST = '15:30';

export interface AlertScorerOptions {
  store: Pick<ScoreStore, 'add' | 'pending' | 'score'>;
  past: Pick<PastChains, 'at'>;
  logger: Logger;
}

const optionOf = (row: OptionRow) => ({ token: row.token, strike: row.strike, type: row.type });

/** What an OI-breach alert is scored on: one subject per breach line, source `window:<minutes>`. */
export function breachSubjects(
  alertId: string,
  snapshot: ChainSnapshot,
  lines: readonly BreachLine[],
): AlertSubject[] {
  return lines.map(({ row, window }) => ({
    alertId,
    source: `window:${window}`,
    chain: snapshot.chainId,
    at: snapshot.lastUpdate,
    option: optionOf(row),
    basePrice: snapshot.underlyingPrice,
    basePremium: row.ltp,
  }));
}

/** What a rule alert is scored on: the rule, and the first option its condition read (if any). */
export function ruleSubjects(alertId: string, firing: RuleFiring): AlertSubject[] {
  const { rule, snapshot, evaluation } = firing;
  const option = evaluation.readings.find((reading) => reading.option)?.option;
  const row = option
    ? (option.type === 'CE' ? snapshot.calls : snapshot.puts).find((r) => r.strike === option.strike)
    : undefined;
  return [
    {
      alertId,
      source: `rule:${rule.chat}/${rule.name}`,
      chain: rule.chain,
      at: snapshot.lastUpdate,
      option: row ? optionOf(row) : null,
      basePrice: snapshot.underlyingPrice,
      basePremium: row?.ltp ?? null,
    },
  ];
}

const move = (base: number | null, later: number | null | undefined) =>
  base === null || later === null || later === undefined ? null : later - base;

export class AlertScorer {
  constructor(private readonly options: AlertScorerOptions) {}

  add(subjects: readonly AlertSubject[]): void {
    try {
      this.options.store.add(subjects);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'alert not recorded for scoring');
    }
  }

  /** Scores every horizon of the chain's subjects that has come by `now` (a stored cycle's time). */
  scoreDue(chain: string, now: number): number {
    const first = SCORE_HORIZONS_MINUTES[0] * 60_000;
    let scored = 0;
    for (const subject of this.options.store.pending(chain, now - first)) {
      const scores = SCORE_HORIZONS_MINUTES.filter(
        (horizon) => !subject.done.includes(horizon) && subject.at + horizon * 60_000 <= now,
      ).map((horizon) => this.scoreAt(subject, horizon));
      if (scores.length === 0) continue;
      const settled = subject.done.length + scores.length === SCORE_HORIZONS_MINUTES.length;
      this.options.store.score(subject.id, scores, settled);
      scored += scores.length;
    }
    return scored;
  }

  private scoreAt(subject: StoredSubject, horizon: number): Score {
    const target = subject.at + horizon * 60_000;
    const none: Score = { horizon, underlyingMove: null, underlyingMovePct: null, premiumMove: null };
    if (target > istWallClock(istDateOf(subject.at), CLOSE_IST)) return none;
    let later;
    try {
      later = this.options.past.at(subject.chain, target, subject.option ? [subject.option.token] : []);
    } catch (error) {
      if (error instanceof HistoryError) return none;
      throw error;
    }
    const price = later.snapshot.underlyingPrice;
    const option = subject.option;
    const rows = option?.type === 'PE' ? later.snapshot.puts : later.snapshot.calls;
    const row = option ? rows.find((r) => r.strike === option.strike) : undefined;
    const premium = option ? (row?.ltp ?? later.history.latest(option.token)?.ltp ?? null) : null;
    const underlyingMove = move(subject.basePrice, price);
    return {
      horizon,
      underlyingMove,
      underlyingMovePct:
        underlyingMove === null || !subject.basePrice ? null : (underlyingMove * 100) / subject.basePrice,
      premiumMove: move(subject.basePremium, premium),
    };
  }
}
