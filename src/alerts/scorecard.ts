/** The scorecard: per rule and per built-in window, how the market moved after the alerts. */
import type { ScoredSubject } from '../store/score-store.ts';
import { DAY_MS, istMidnight } from '../util/ist.ts';
import { SCORE_HORIZONS_MINUTES } from './alert-scorer.ts';

export interface MoveStats {
  median: number | null;
  mean: number | null;
}

export interface HorizonStats {
  /** Alerts with a score at this horizon (none past the close). */
  scored: number;
  underlying_move: MoveStats;
  underlying_move_pct: MoveStats;
  /** Option-level alerts only. */
  premium_move: MoveStats;
}

export interface ScorecardSource {
  /** `window:5` or `rule:<chat>/<name>`. */
  source: string;
  kind: 'window' | 'rule';
  /** `5m` for a window, the rule's name for a rule. */
  name: string;
  count: number;
  horizons: Record<string, HorizonStats>;
}

export interface Scorecard {
  days: number;
  sources: ScorecardSource[];
}

const round = (value: number | null, digits: number) =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

function stats(values: readonly number[], digits: number): MoveStats {
  if (values.length === 0) return { median: null, mean: null };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return { median: round(median, digits), mean: round(mean, digits) };
}

/** The first instant of the last `days` IST calendar days (today included). */
export const scorecardSince = (now: number, days: number): number => istMidnight(now) - (days - 1) * DAY_MS;

function sourceName(source: string): { kind: 'window' | 'rule'; name: string } {
  if (source.startsWith('window:')) return { kind: 'window', name: `${source.slice('window:'.length)}m` };
  return { kind: 'rule', name: source.slice(source.lastIndexOf('/') + 1) };
}

/** Windows first (by minutes), then rules (by name). */
function order(a: ScorecardSource, b: ScorecardSource): number {
  if (a.kind !== b.kind) return a.kind === 'window' ? -1 : 1;
  if (a.kind === 'window') return parseInt(a.name, 10) - parseInt(b.name, 10);
  return a.source.localeCompare(b.source);
}

export function buildScorecard(subjects: readonly ScoredSubject[], days: number): Scorecard {
  const bySource = new Map<string, ScoredSubject[]>();
  for (const subject of subjects)
    bySource.set(subject.source, [...(bySource.get(subject.source) ?? []), subject]);
  const sources = [...bySource].map(([source, list]): ScorecardSource => {
    const horizons: Record<string, HorizonStats> = {};
    for (const horizon of SCORE_HORIZONS_MINUTES) {
      const scores = list.flatMap((s) => s.scores.filter((score) => score.horizon === horizon));
      const values = (pick: (score: (typeof scores)[number]) => number | null) =>
        scores.flatMap((score) => pick(score) ?? []);
      horizons[String(horizon)] = {
        scored: values((score) => score.underlyingMove).length,
        underlying_move: stats(
          values((score) => score.underlyingMove),
          2,
        ),
        underlying_move_pct: stats(
          values((score) => score.underlyingMovePct),
          4,
        ),
        premium_move: stats(
          values((score) => score.premiumMove),
          2,
        ),
      };
    }
    return { source, ...sourceName(source), count: list.length, horizons };
  });
  return { days, sources: sources.sort(order) };
}

/** The scorecard of the alerts of the last `days` IST calendar days (today included). */
export function readScorecard(
  store: { since(since: number): ScoredSubject[] },
  now: number,
  days: number,
): Scorecard {
  return buildScorecard(store.since(scorecardSince(now, days)), days);
}
