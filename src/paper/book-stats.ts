/**
 * Statistics of a paper book's closed trades, as pure functions of the trades (in paise, exact).
 *
 * A trade is a win when its realized P&L is above zero and a loss when below; a break-even trade
 * (exactly zero) is neither, but it is a trade: it counts in `trades`, so it lowers the win rate and
 * the expectancy (it did not pay). Hence win rate = wins / trades, expectancy = net / trades,
 * average win = gross profit / wins, average loss = gross loss / losses (negative), profit factor
 * = gross profit / |gross loss| (null with no losses). The equity curve is the running sum of
 * realized P&L in exit order (exit time, then id), starting from 0; its maximum drawdown is the
 * largest fall from a running peak (the start, 0, counts as a peak), as a positive amount.
 */
import { UserError } from '../errors.ts';
import type { ClosedTradeRecord } from '../store/paper-store.ts';
import { DAY_MS, formatIstIso, istDateOf, istMidnight } from '../util/ist.ts';

export type ClosedTrade = Pick<
  ClosedTradeRecord,
  'id' | 'chainId' | 'exitTime' | 'exitReason' | 'realizedPaise'
>;

/** The exit reasons as statistics group them: the stored reasons without their points. */
export const REASON_GROUPS = ['Target Hit', 'Stop Loss', 'Manual Exit', 'Square-off'] as const;

export const DEFAULT_STATS_DAYS = 30;
export const MAX_STATS_DAYS = 3650;

export interface TradeFigures {
  trades: number;
  wins: number;
  losses: number;
  breakEven: number;
  /** Percent of trades that won; null without trades. */
  winRate: number | null;
  averageWinPaise: number | null;
  /** Negative. */
  averageLossPaise: number | null;
  /** Gross profit / |gross loss|; null with no losses. */
  profitFactor: number | null;
  /** Net P&L per trade; null without trades. */
  expectancyPaise: number | null;
  netPaise: number;
  best: ClosedTrade | null;
  worst: ClosedTrade | null;
  /** Largest fall of the running P&L from its peak (0 included), positive paise. */
  maxDrawdownPaise: number;
  /** The trade at the bottom of that fall; null when the running P&L never fell. */
  drawdownTroughId: string | null;
}

export interface EquityPoint {
  time: number;
  id: string;
  /** Running realized P&L after this trade, paise. */
  equityPaise: number;
}

export interface BookStats extends TradeFigures {
  byChain: Record<string, TradeFigures>;
  /** Keyed by `REASON_GROUPS` (in that order, only groups with trades); an unknown reason keeps its own name. */
  byReason: Record<string, TradeFigures>;
  curve: EquityPoint[];
}

/** 'Target Hit (+25)' → 'Target Hit', 'Stop Loss (-12.5)' → 'Stop Loss'; other reasons lose a trailing `(…)`. */
export function reasonGroup(reason: string): string {
  const known = REASON_GROUPS.find((group) => reason === group || reason.startsWith(`${group} (`));
  return known ?? (reason.replace(/\s*\([^)]*\)\s*$/, '').trim() || 'Unknown');
}

/** Trades in the order the equity curve takes them: exit time, then id. */
export function inExitOrder(trades: readonly ClosedTrade[]): ClosedTrade[] {
  return [...trades].sort((a, b) => a.exitTime - b.exitTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The figures of trades already in exit order. */
export function tradeFigures(trades: readonly ClosedTrade[]): TradeFigures {
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let equity = 0;
  let peak = 0;
  let maxDrawdown = 0;
  let trough: string | null = null;
  let best: ClosedTrade | null = null;
  let worst: ClosedTrade | null = null;
  for (const trade of trades) {
    const pnl = trade.realizedPaise;
    if (pnl > 0) {
      wins += 1;
      grossProfit += pnl;
    } else if (pnl < 0) {
      losses += 1;
      grossLoss += pnl;
    }
    if (best === null || pnl > best.realizedPaise) best = trade;
    if (worst === null || pnl < worst.realizedPaise) worst = trade;
    equity += pnl;
    peak = Math.max(peak, equity);
    if (peak - equity > maxDrawdown) {
      maxDrawdown = peak - equity;
      trough = trade.id;
    }
  }
  const count = trades.length;
  return {
    trades: count,
    wins,
    losses,
    breakEven: count - wins - losses,
    winRate: count === 0 ? null : (100 * wins) / count,
    averageWinPaise: wins === 0 ? null : grossProfit / wins,
    averageLossPaise: losses === 0 ? null : grossLoss / losses,
    profitFactor: losses === 0 ? null : grossProfit / -grossLoss,
    expectancyPaise: count === 0 ? null : equity / count,
    netPaise: equity,
    best,
    worst,
    maxDrawdownPaise: maxDrawdown,
    drawdownTroughId: trough,
  };
}

function groupBy(
  trades: readonly ClosedTrade[],
  key: (trade: ClosedTrade) => string,
): Map<string, ClosedTrade[]> {
  const groups = new Map<string, ClosedTrade[]>();
  for (const trade of trades) {
    const name = key(trade);
    const group = groups.get(name);
    if (group) group.push(trade);
    else groups.set(name, [trade]);
  }
  return groups;
}

/** The book's figures, the same split by chain (alphabetical) and by exit-reason group, and the equity curve. */
export function bookStats(trades: readonly ClosedTrade[]): BookStats {
  const ordered = inExitOrder(trades);
  const byChain: Record<string, TradeFigures> = {};
  const chains = groupBy(ordered, (trade) => trade.chainId);
  for (const chain of [...chains.keys()].sort()) byChain[chain] = tradeFigures(chains.get(chain)!);
  const byReason: Record<string, TradeFigures> = {};
  const reasons = groupBy(ordered, (trade) => reasonGroup(trade.exitReason));
  const known: readonly string[] = REASON_GROUPS;
  const names = [...REASON_GROUPS, ...[...reasons.keys()].filter((name) => !known.includes(name)).sort()];
  for (const name of names) {
    const group = reasons.get(name);
    if (group) byReason[name] = tradeFigures(group);
  }
  let equity = 0;
  const curve = ordered.map((trade) => ({
    time: trade.exitTime,
    id: trade.id,
    equityPaise: (equity += trade.realizedPaise),
  }));
  return { ...tradeFigures(ordered), byChain, byReason, curve };
}

/** `days` as typed (`/stats 7`, `?days=7`): a whole number from 1 to 3650; absent means 30. */
export function parseStatsDays(text: string | null | undefined): number {
  if (text === null || text === undefined || text.trim() === '') return DEFAULT_STATS_DAYS;
  const days = /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(days >= 1 && days <= MAX_STATS_DAYS)) {
    throw new UserError(
      `days "${text}" is not accepted: give a whole number of days from 1 to ${MAX_STATS_DAYS} ` +
        `(the last n IST calendar days, today included), e.g. 7; the default is ${DEFAULT_STATS_DAYS}`,
    );
  }
  return days;
}

/** Exit times of the last `days` IST calendar days, today included: [from midnight, tomorrow's midnight). */
export function statsWindow(
  days: number,
  now: number,
): { sinceMs: number; untilMs: number; from: string; to: string } {
  const today = istMidnight(now);
  const sinceMs = today - (days - 1) * DAY_MS;
  return { sinceMs, untilMs: today + DAY_MS, from: istDateOf(sinceMs), to: istDateOf(now) };
}

/** One book's statistics over a window, as the command and the API show them. */
export interface BookStatsReport {
  /** The book, or null for every book together. */
  owner: string | null;
  days: number;
  /** First and last IST day of the window, 'YYYY-MM-DD'. */
  from: string;
  to: string;
  stats: BookStats;
}

/** The book's closed trades of the last `days` IST days, read from the store and summed up. */
export function readBookStats(
  store: { closedTrades(sinceMs: number, untilMs: number, owner?: string): ClosedTrade[] },
  request: { owner?: string; days: number; now: number },
): BookStatsReport {
  const window = statsWindow(request.days, request.now);
  const trades = store.closedTrades(window.sinceMs, window.untilMs, request.owner);
  return {
    owner: request.owner ?? null,
    days: request.days,
    from: window.from,
    to: window.to,
    stats: bookStats(trades),
  };
}

const rupees = (paise: number | null): number | null => (paise === null ? null : Math.round(paise) / 100);
const round2 = (value: number | null): number | null =>
  value === null ? null : Math.round(value * 100) / 100;

/** The figures under the API's names (rupees, percent, 2 decimals). */
export function figuresJson(figures: TradeFigures): Record<string, unknown> {
  return {
    trades: figures.trades,
    wins: figures.wins,
    losses: figures.losses,
    break_even: figures.breakEven,
    win_rate: round2(figures.winRate),
    average_win: rupees(figures.averageWinPaise),
    average_loss: rupees(figures.averageLossPaise),
    profit_factor: round2(figures.profitFactor),
    expectancy: rupees(figures.expectancyPaise),
    net: figures.trades === 0 ? null : rupees(figures.netPaise),
    best: figures.best && rupees(figures.best.realizedPaise),
    best_id: figures.best?.id ?? null,
    worst: figures.worst && rupees(figures.worst.realizedPaise),
    worst_id: figures.worst?.id ?? null,
    max_drawdown: figures.trades === 0 ? null : rupees(figures.maxDrawdownPaise),
  };
}

const mapValues = (record: Record<string, TradeFigures>) =>
  Object.fromEntries(Object.entries(record).map(([name, figures]) => [name, figuresJson(figures)]));

/** `GET /api/stats`: the figures, by_chain, by_reason and the equity curve; a message when nothing closed. */
export function statsJson(report: BookStatsReport): Record<string, unknown> {
  const { stats } = report;
  return {
    owner: report.owner,
    days: report.days,
    from: report.from,
    to: report.to,
    ...(stats.trades === 0
      ? {
          message: noTradesLine(
            report,
            report.owner === null ? 'No book has' : `The book ${report.owner} has`,
          ),
        }
      : {}),
    ...figuresJson(stats),
    by_chain: mapValues(stats.byChain),
    by_reason: mapValues(stats.byReason),
    equity_curve: stats.curve.map((point) => ({
      time: formatIstIso(point.time),
      id: point.id,
      equity: rupees(point.equityPaise),
    })),
  };
}

/** The friendly line for a window without closed trades: `<subject> no closed trades in the last 30 days …`. */
export function noTradesLine(report: Pick<BookStatsReport, 'days' | 'from'>, subject: string): string {
  const span = report.days === 1 ? 'today' : `in the last ${report.days} days (since ${report.from} IST)`;
  return `${subject} no closed trades ${span}, so there is nothing to measure yet. A trade counts once it is closed.`;
}
