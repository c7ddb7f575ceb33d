/** The text answers of /rule and /rules. */
import type { ReplaySummary } from '../rules/rule-replay.ts';
import { firstFirings } from '../rules/rule-replay.ts';
import type { AlertRule } from '../rules/rule.ts';
import { formatIstIso } from '../util/ist.ts';

const signed = (value: number) => `${value >= 0 ? '+' : '-'}${Math.abs(value).toFixed(2)}`;
const shortTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/** How the condition did on the stored history: firings, days, the first ten, the median move after. */
export function replayText(summary: ReplaySummary): string {
  const { firings, firedDays, days } = summary;
  const span = `the last ${days} day${days === 1 ? '' : 's'}`;
  if (firings.length === 0) return `On ${span} of stored cycles it would not have fired.`;
  const times = firstFirings(firings).map(shortTime);
  const more = firings.length > times.length ? `, … (${firings.length - times.length} more)` : '';
  return [
    `On ${span} of stored cycles it would have fired ${firings.length} time${firings.length === 1 ? '' : 's'} ` +
      `on ${firedDays} day${firedDays === 1 ? '' : 's'}.`,
    `First: ${times.join(', ')}${more} (IST)`,
    summary.medianMove15m === null
      ? 'Median underlying move 15 min after: N/A'
      : `Median underlying move 15 min after: ${signed(summary.medianMove15m)} points`,
  ].join('\n');
}

export function ruleLine(rule: AlertRule, defaultCooldown: string): string {
  const cooldown = rule.cooldownMinutes === null ? defaultCooldown : `${rule.cooldownMinutes} min`;
  const last =
    rule.state.lastFired === null
      ? 'never fired'
      : `last fired ${shortTime(formatIstIso(rule.state.lastFired))}`;
  return (
    `${rule.enabled ? '●' : '○'} ${rule.name} · ${rule.chain} · ${rule.condition} · cooldown ${cooldown}` +
    `${rule.broadcast ? ' · broadcast' : ''} · ${rule.enabled ? 'on' : 'off'} · ${last}`
  );
}
