/**
 * The condition language of alert rules: comparisons of chain and option metrics joined by `and`, `or`
 * and parentheses (`and` binds tighter), parsed into a tree that `evaluateCondition` reads and
 * `conditionText` writes back in one canonical spelling.
 *
 *   oi_chg_15m(ATM+1 CE) > 20 and pcr < 0.8
 *   (ltp(25600 PE) >= 120 or iv(ATM CE) > 18) and price < 25550
 */

export const CHAIN_METRICS = ['price', 'pcr', 'pcr_all', 'max_pain', 'atm'] as const;
export type ChainMetricName = (typeof CHAIN_METRICS)[number];
export const OPTION_FUNCTIONS = ['oi', 'ltp', 'iv'] as const;
export type Comparator = '>' | '>=' | '<' | '<=';

/** `ATM`, `ATM+k`, `ATM-k` (k strikes from the cycle's ATM) or a strike, then the side. */
export type Selector =
  { kind: 'atm'; offset: number; type: 'CE' | 'PE' } | { kind: 'strike'; strike: number; type: 'CE' | 'PE' };

export type Metric =
  | { kind: 'chain'; name: ChainMetricName }
  | { kind: 'option'; fn: 'oi' | 'ltp' | 'iv'; selector: Selector }
  | { kind: 'option'; fn: 'oi_chg'; window: string; selector: Selector };

export type Condition =
  | { kind: 'compare'; metric: Metric; op: Comparator; value: number }
  | { kind: 'and' | 'or'; left: Condition; right: Condition };

/** What a condition may name: the configured windows and how far the tracked window reaches. */
export interface ConditionLimits {
  /** OI_CHANGE_WINDOWS as strings ('5', '10', …). */
  windows: readonly string[];
  /** STRIKES_EACH_SIDE: ATM±k reaches at most this far. */
  strikesEachSide: number;
  /** The strikes of the chain's current window, when known: a strike selector must be one of them. */
  strikes?: readonly number[];
}

export const CONDITION_EXAMPLE = 'oi_chg_15m(ATM+1 CE) > 20 and pcr < 0.8';
const MAX_LENGTH = 500;
const MAX_COMPARISONS = 20;
const MAX_DEPTH = 10;
const MAX_NUMBER = 1e15;

/** A condition that does not parse: one line pointing at the offending token, with a correct example. */
export class ConditionError extends Error {
  override name = 'ConditionError';
  constructor(
    readonly problem: string,
    /** 0-based character of the offending token. */
    readonly at: number,
    readonly token: string,
  ) {
    const where = token === '' ? 'at the end' : `at "${token}" (character ${at + 1})`;
    super(`${problem} ${where}. Example: ${CONDITION_EXAMPLE}`);
  }
}

interface Token {
  kind: 'word' | 'number' | 'op' | '(' | ')' | '+' | '-' | 'end';
  text: string;
  at: number;
}

const TOKEN =
  /\s*(?:(?<word>[A-Za-z_][A-Za-z0-9_]*)|(?<number>\d+(?:\.\d+)?)|(?<op>>=|<=|>|<)|(?<punct>[()+-]))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    const start = at + (text.slice(at).length - text.slice(at).trimStart().length);
    if (!match) throw new ConditionError('unexpected character', start, text.slice(start, start + 1));
    const groups = match.groups!;
    at = TOKEN.lastIndex;
    if (groups.number !== undefined && /^[A-Za-z0-9_.]/.test(text.slice(at))) {
      const bad = text.slice(start).match(/^[A-Za-z0-9_.]+/)![0];
      throw new ConditionError('bad number', start, bad);
    }
    if (groups.word !== undefined) tokens.push({ kind: 'word', text: groups.word, at: start });
    else if (groups.number !== undefined) tokens.push({ kind: 'number', text: groups.number, at: start });
    else if (groups.op !== undefined) tokens.push({ kind: 'op', text: groups.op, at: start });
    else tokens.push({ kind: groups.punct as Token['kind'], text: groups.punct!, at: start });
  }
  tokens.push({ kind: 'end', text: '', at: text.length });
  return tokens;
}

class Parser {
  private index = 0;
  private comparisons = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly limits: ConditionLimits,
  ) {}

  parse(): Condition {
    const condition = this.or(0);
    const next = this.peek();
    if (next.kind === ')') throw this.error('a ")" without its "("', next);
    if (next.kind !== 'end') throw this.error('expected "and", "or" or the end', next);
    return condition;
  }

  private or(depth: number): Condition {
    let left = this.and(depth);
    while (this.isWord('or')) {
      this.index++;
      left = { kind: 'or', left, right: this.and(depth) };
    }
    return left;
  }

  private and(depth: number): Condition {
    let left = this.primary(depth);
    while (this.isWord('and')) {
      this.index++;
      left = { kind: 'and', left, right: this.primary(depth) };
    }
    return left;
  }

  private primary(depth: number): Condition {
    const token = this.peek();
    if (token.kind === '(') {
      if (depth >= MAX_DEPTH) throw this.error(`more than ${MAX_DEPTH} nested parentheses`, token);
      this.index++;
      const inner = this.or(depth + 1);
      this.expect(')', 'expected ")"');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const start = this.peek();
    if (++this.comparisons > MAX_COMPARISONS)
      throw this.error(`more than ${MAX_COMPARISONS} comparisons`, start);
    const metric = this.metric();
    const opToken = this.peek();
    if (opToken.kind !== 'op') throw this.error('expected a comparison (>, >=, < or <=)', opToken);
    this.index++;
    return { kind: 'compare', metric, op: opToken.text as Comparator, value: this.number() };
  }

  private number(): number {
    let sign = 1;
    if (this.peek().kind === '-') {
      this.index++;
      sign = -1;
    }
    const token = this.peek();
    if (token.kind !== 'number') throw this.error('expected a number', token);
    this.index++;
    const value = sign * Number(token.text) + 0; // + 0: no -0
    if (!(Math.abs(value) < MAX_NUMBER)) throw this.error('bad number', token);
    return value;
  }

  private metric(): Metric {
    const token = this.peek();
    if (token.kind !== 'word') throw this.error('expected a metric (e.g. pcr, oi_chg_15m(ATM CE))', token);
    const name = token.text.toLowerCase();
    this.index++;
    if ((CHAIN_METRICS as readonly string[]).includes(name)) {
      if (this.peek().kind === '(') throw this.error(`${name} takes no option`, this.peek());
      return { kind: 'chain', name: name as ChainMetricName };
    }
    const window = /^oi_chg_(\d+)m$/.exec(name)?.[1];
    if (window !== undefined && !this.limits.windows.includes(String(Number(window)))) {
      throw this.error(
        `unknown window ${window}m (OI_CHANGE_WINDOWS: ${this.limits.windows.join(', ')})`,
        token,
      );
    }
    if (window === undefined && !(OPTION_FUNCTIONS as readonly string[]).includes(name)) {
      throw this.error(
        `unknown metric (chain: ${CHAIN_METRICS.join(', ')}; option: oi, ltp, iv, ` +
          `${this.limits.windows.map((w) => `oi_chg_${w}m`).join(', ')})`,
        token,
      );
    }
    this.expect('(', `${name} needs an option in parentheses, e.g. ${name}(ATM CE)`);
    const selector = this.selector();
    this.expect(')', 'expected ")" after the option');
    return window === undefined
      ? { kind: 'option', fn: name as 'oi' | 'ltp' | 'iv', selector }
      : { kind: 'option', fn: 'oi_chg', window: String(Number(window)), selector };
  }

  private selector(): Selector {
    const token = this.peek();
    if (token.kind === 'word' && token.text.toUpperCase() === 'ATM') {
      this.index++;
      let offset = 0;
      const sign = this.peek();
      if (sign.kind === '+' || sign.kind === '-') {
        this.index++;
        const step = this.peek();
        if (step.kind !== 'number' || !/^\d+$/.test(step.text))
          throw this.error('expected a whole number of strikes', step);
        this.index++;
        offset = (sign.kind === '-' ? -1 : 1) * Number(step.text);
        if (Math.abs(offset) > this.limits.strikesEachSide) {
          throw this.error(`outside the tracked window (ATM±${this.limits.strikesEachSide})`, step);
        }
      }
      return { kind: 'atm', offset, type: this.side() };
    }
    if (token.kind === 'number') {
      this.index++;
      const strike = Number(token.text);
      const strikes = this.limits.strikes;
      if (strikes && strikes.length > 0 && !strikes.includes(strike)) {
        throw this.error(
          `strike outside the tracked window (${Math.min(...strikes)}–${Math.max(...strikes)})`,
          token,
        );
      }
      return { kind: 'strike', strike, type: this.side() };
    }
    throw this.error('expected ATM, ATM+k, ATM-k or a strike', token);
  }

  private side(): 'CE' | 'PE' {
    const token = this.peek();
    const side = token.kind === 'word' ? token.text.toUpperCase() : '';
    if (side !== 'CE' && side !== 'PE') throw this.error('expected CE or PE', token);
    this.index++;
    return side;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toLowerCase() === word;
  }

  private expect(kind: Token['kind'], problem: string): void {
    const token = this.peek();
    if (token.kind !== kind) throw this.error(problem, token);
    this.index++;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private error(problem: string, token: Token): ConditionError {
    return new ConditionError(problem, token.at, token.text);
  }
}

/** Parses a condition; throws `ConditionError` (one line, pointing at the offending token). */
export function parseCondition(text: string, limits: ConditionLimits): Condition {
  if (text.trim() === '') throw new ConditionError('a condition is needed', 0, '');
  if (text.length > MAX_LENGTH)
    throw new ConditionError(
      `longer than ${MAX_LENGTH} characters`,
      MAX_LENGTH,
      text.slice(MAX_LENGTH, MAX_LENGTH + 10),
    );
  return new Parser(tokenize(text), limits).parse();
}

export function selectorText(selector: Selector): string {
  if (selector.kind === 'strike') return `${selector.strike} ${selector.type}`;
  const offset =
    selector.offset === 0 ? '' : selector.offset > 0 ? `+${selector.offset}` : `${selector.offset}`;
  return `ATM${offset} ${selector.type}`;
}

export function metricText(metric: Metric): string {
  if (metric.kind === 'chain') return metric.name;
  const name = metric.fn === 'oi_chg' ? `oi_chg_${metric.window}m` : metric.fn;
  return `${name}(${selectorText(metric.selector)})`;
}

/** A number as the grammar reads it (no exponent). */
export function numberText(value: number): string {
  const text = String(value);
  return text.includes('e') ? value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** The condition in its one canonical spelling (what is stored and shown); parses back to the same tree. */
export function conditionText(condition: Condition): string {
  if (condition.kind === 'compare')
    return `${metricText(condition.metric)} ${condition.op} ${numberText(condition.value)}`;
  const { left, right, kind } = condition;
  // `and` binds tighter, and both are read left to right: parentheses where the tree differs from that.
  const leftText = kind === 'and' && left.kind === 'or' ? `(${conditionText(left)})` : conditionText(left);
  const rightText =
    right.kind !== 'compare' && (kind === 'and' || right.kind === 'or')
      ? `(${conditionText(right)})`
      : conditionText(right);
  return `${leftText} ${kind} ${rightText}`;
}

/** Every comparison of the condition, left to right. */
export function comparisons(condition: Condition): Extract<Condition, { kind: 'compare' }>[] {
  return condition.kind === 'compare'
    ? [condition]
    : [...comparisons(condition.left), ...comparisons(condition.right)];
}

/** The OI windows (minutes) the condition reads (the replay computes only those). */
export const windowsUsed = (condition: Condition): number[] => [
  ...new Set(
    comparisons(condition).flatMap((c) =>
      c.metric.kind === 'option' && c.metric.fn === 'oi_chg' ? [Number(c.metric.window)] : [],
    ),
  ),
];

/** Whether the condition reads an option's IV (the replay computes IV only then). */
export const usesIv = (condition: Condition): boolean =>
  comparisons(condition).some((c) => c.metric.kind === 'option' && c.metric.fn === 'iv');
