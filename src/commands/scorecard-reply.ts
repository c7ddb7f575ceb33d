/** /scorecard as text: per built-in window and per rule, the moves after the alerts at each horizon. */
import type { MoveStats, Scorecard, ScorecardSource } from '../alerts/scorecard.ts';

const signed = (value: number | null, digits = 2) =>
  value === null ? 'N/A' : `${value >= 0 ? '+' : '-'}${Math.abs(value).toFixed(digits)}`;
const pair = (stats: MoveStats, digits = 2) =>
  `${signed(stats.median, digits)} / ${signed(stats.mean, digits)}`;

function sourceLines(source: ScorecardSource): string[] {
  const title = source.kind === 'window' ? `OI jump ${source.name}` : `rule ${source.name}`;
  return [
    `${title} · ${source.count} alert${source.count === 1 ? '' : 's'}`,
    ...Object.entries(source.horizons).map(
      ([horizon, stats]) =>
        `  ${horizon.padStart(2)}m (${stats.scored}): underlying ${pair(stats.underlying_move)} pts, ` +
        `${pair(stats.underlying_move_pct, 3)}% · premium ${pair(stats.premium_move)}`,
    ),
  ];
}

export function scorecardText(card: Scorecard): string {
  const span = `the last ${card.days} day${card.days === 1 ? '' : 's'}`;
  if (card.sources.length === 0) return `No OI-jump or rule alerts in ${span} to score yet.`;
  return [
    `Scorecard of ${span}: moves after each alert, median / mean (alerts scored)`,
    ...card.sources.flatMap(sourceLines),
  ].join('\n');
}
