/**
 * A condition read on one published snapshot: the live cycle and the replay of stored cycles both call
 * `evaluateCondition`, so a rule fires in the replay exactly where it would have fired live.
 */
import type { ChainSnapshot, OptionRow } from '../tracker/types.ts';
import { comparisons, metricText, type Condition, type Metric, type Selector } from './rule-condition.ts';

/** One comparison's metric as the cycle had it (null: the cycle did not have it, so it was false). */
export interface Reading {
  /** `oi_chg_15m(ATM+1 CE)`, `pcr`, … */
  metric: string;
  value: number | null;
  /** The option an option metric read (ATM+1 resolved to a strike). */
  option?: { strike: number; type: 'CE' | 'PE' };
}

export interface Evaluation {
  holds: boolean;
  readings: Reading[];
}

/** The rows of one snapshot by side and strike, with its strikes in order, built once per snapshot. */
class OptionIndex {
  private strikes: number[] | undefined;

  constructor(private readonly snapshot: ChainSnapshot) {}

  find(selector: Selector): OptionRow | undefined {
    let strike: number | undefined;
    if (selector.kind === 'strike') strike = selector.strike;
    else {
      const atm = this.snapshot.atmStrike;
      const strikes = this.shownStrikes();
      const index = atm === null ? -1 : strikes.indexOf(atm);
      strike = index < 0 ? undefined : strikes[index + selector.offset];
    }
    if (strike === undefined) return undefined;
    const rows = selector.type === 'CE' ? this.snapshot.calls : this.snapshot.puts;
    return rows.find((row) => row.strike === strike);
  }

  /** Every strike with a call or a put row, ascending (worked out on first use: most rules read one option). */
  private shownStrikes(): number[] {
    if (!this.strikes) {
      const strikes = new Set<number>();
      for (const row of this.snapshot.calls) strikes.add(row.strike);
      for (const row of this.snapshot.puts) strikes.add(row.strike);
      this.strikes = [...strikes].sort((a, b) => a - b);
    }
    return this.strikes;
  }
}

const finite = (value: number | null | undefined): number | null =>
  value === null || value === undefined || !Number.isFinite(value) ? null : value;

function chainValue(
  snapshot: ChainSnapshot,
  name: Extract<Metric, { kind: 'chain' }>['name'],
): number | null {
  switch (name) {
    case 'price':
      return finite(snapshot.underlyingPrice);
    case 'pcr':
      return finite(snapshot.pcr);
    case 'pcr_all':
      return finite(snapshot.pcrAll);
    case 'max_pain':
      return finite(snapshot.maxPain);
    case 'atm':
      return finite(snapshot.atmStrike);
  }
}

function read(metric: Metric, snapshot: ChainSnapshot, index: OptionIndex): Reading {
  const text = metricText(metric);
  if (metric.kind === 'chain') return { metric: text, value: chainValue(snapshot, metric.name) };
  const row = index.find(metric.selector);
  if (!row) return { metric: text, value: null };
  const option = { strike: row.strike, type: row.type };
  const value =
    metric.fn === 'oi_chg'
      ? row.oiChangePct[metric.window]
      : metric.fn === 'oi'
        ? row.oi
        : metric.fn === 'ltp'
          ? row.ltp
          : row.iv;
  return { metric: text, value: finite(value), option };
}

function holds(condition: Condition, values: Iterator<number | null>): boolean {
  if (condition.kind === 'compare') {
    const value = values.next().value as number | null;
    if (value === null) return false;
    switch (condition.op) {
      case '>':
        return value > condition.value;
      case '>=':
        return value >= condition.value;
      case '<':
        return value < condition.value;
      case '<=':
        return value <= condition.value;
    }
  }
  // Both sides are read, in order, so the readings line up with the comparisons.
  const left = holds(condition.left, values);
  const right = holds(condition.right, values);
  return condition.kind === 'and' ? left && right : left || right;
}

/** Whether the condition holds on the snapshot, with the value of each comparison's metric. */
export function evaluateCondition(condition: Condition, snapshot: ChainSnapshot): Evaluation {
  const index = new OptionIndex(snapshot);
  const readings = comparisons(condition).map((comparison) => read(comparison.metric, snapshot, index));
  return { holds: holds(condition, readings.map((reading) => reading.value).values()), readings };
}
