import { formatPrice } from '../render/oi-format.ts';
import type { RuleFiring } from '../rules/rule-book.ts';
import { conditionText } from '../rules/rule-condition.ts';
import type { Reading } from '../rules/rule-evaluate.ts';
import { dataLine, type AlertDraft } from './alert-messages.ts';

/** A metric's value as the alert shows it: up to 2 decimals, the option an ATM selector meant. */
export function readingLine(reading: Reading): string {
  const value = reading.value === null ? 'N/A' : String(Math.round(reading.value * 100) / 100);
  const option = reading.option ? ` (${reading.option.strike} ${reading.option.type})` : '';
  return `${reading.metric} = ${value}${option}`;
}

/** "NSE: rule callwall" with the condition, the values that made it true and the data's time. */
export function ruleDraft(firing: RuleFiring, now: number): AlertDraft {
  const { rule, snapshot, evaluation, condition } = firing;
  const seen = new Set<string>();
  const readings = evaluation.readings.filter(
    (reading) => !seen.has(reading.metric) && seen.add(reading.metric),
  );
  return {
    kind: 'rule',
    title: `${rule.chain}: rule ${rule.name}`,
    text: [
      `Rule ${rule.name}: ${conditionText(condition)}`,
      ...readings.map(readingLine),
      `${snapshot.underlying} ${formatPrice(snapshot.underlyingPrice)} · ATM ${snapshot.atmStrike ?? 'N/A'} · expiry ${snapshot.expiry ?? 'N/A'}`,
      dataLine(snapshot.lastUpdate, now),
    ].join('\n'),
    priority: 'default',
    dataTime: snapshot.lastUpdate,
    tags: [rule.chain.toLowerCase(), 'rule'],
  };
}
