/** /stats: a paper book's closed-trade statistics as text, a table by chain and exit reason, and the equity curve. */
import { noTradesLine, type BookStatsReport, type TradeFigures } from '../paper/book-stats.ts';
import { renderEquityCurve } from '../render/equity-curve-png.ts';
import type { Reply } from './reply.ts';

const amount = (paise: number, sign = true): string => {
  const rupees = paise / 100;
  const text = Math.abs(rupees).toLocaleString('en-IN', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return rupees < 0 ? `-${text}` : sign && rupees > 0 ? `+${text}` : text;
};
const maybe = (paise: number | null): string => (paise === null ? 'N/A' : amount(paise));
const pct = (value: number | null): string => (value === null ? 'N/A' : `${value.toFixed(2)}%`);
const factor = (value: number | null): string => (value === null ? 'N/A (no losses)' : value.toFixed(2));

function span(report: BookStatsReport): string {
  return report.days === 1
    ? `today (${report.to} IST)`
    : `last ${report.days} days (${report.from} → ${report.to} IST)`;
}

function summaryLines(report: BookStatsReport): string[] {
  const s = report.stats;
  const breakEven = s.breakEven > 0 ? `, ${s.breakEven} break-even` : '';
  return [
    `Your paper book · ${span(report)}`,
    `${s.trades} closed trade${s.trades === 1 ? '' : 's'}: ${s.wins} won, ${s.losses} lost${breakEven} · win rate ${pct(s.winRate)}`,
    `Net ${amount(s.netPaise)} · expectancy ${maybe(s.expectancyPaise)} a trade · profit factor ${factor(s.profitFactor)}`,
    `Average win ${maybe(s.averageWinPaise)} · average loss ${maybe(s.averageLossPaise)}`,
    `Best ${maybe(s.best?.realizedPaise ?? null)} (${s.best?.id ?? 'N/A'}) · worst ${maybe(s.worst?.realizedPaise ?? null)} (${s.worst?.id ?? 'N/A'})`,
    `Max drawdown ${amount(s.maxDrawdownPaise, false)}`,
  ];
}

const COLUMNS = ['trades', 'won', 'lost', 'win%', 'net', 'avg win', 'avg loss', 'PF', 'expect.', 'max DD'];

function figuresRow(name: string, f: TradeFigures): string[] {
  return [
    name,
    String(f.trades),
    String(f.wins),
    String(f.losses),
    f.winRate === null ? 'N/A' : f.winRate.toFixed(1),
    amount(f.netPaise),
    maybe(f.averageWinPaise),
    maybe(f.averageLossPaise),
    f.profitFactor === null ? '-' : f.profitFactor.toFixed(2),
    maybe(f.expectancyPaise),
    amount(f.maxDrawdownPaise, false),
  ];
}

/** The split by chain and by exit reason as a monospace table. */
export function statsTable(report: BookStatsReport): string {
  const rows: string[][] = [
    ['by chain', ...COLUMNS],
    ...Object.entries(report.stats.byChain).map(([name, f]) => figuresRow(name, f)),
    ['by exit reason', ...COLUMNS.map(() => '')],
    ...Object.entries(report.stats.byReason).map(([name, f]) => figuresRow(name, f)),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    )
    .join('\n')
    .replace(/ +$/gm, '');
}

/** The reply: the friendly line without closed trades; else the summary, the table and the equity-curve PNG. */
export async function statsReply(report: BookStatsReport): Promise<Reply> {
  const { stats } = report;
  if (stats.trades === 0) return { text: noTradesLine(report, 'Your book has') };
  const png = await renderEquityCurve({
    title: `Paper book · ${report.days === 1 ? report.to : `${report.from} → ${report.to}`}`,
    points: stats.curve.map((point, i) => ({
      time: point.time,
      id: point.id,
      equity: point.equityPaise / 100,
      pnl: (point.equityPaise - (i === 0 ? 0 : stats.curve[i - 1]!.equityPaise)) / 100,
    })),
    maxDrawdown: stats.maxDrawdownPaise / 100,
    troughIndex:
      stats.drawdownTroughId === null
        ? null
        : stats.curve.findIndex((point) => point.id === stats.drawdownTroughId),
  });
  return {
    text: summaryLines(report).join('\n'),
    table: statsTable(report),
    image: { png, alt: `equity curve of your paper book, ${span(report)}`, filename: 'stats-equity.png' },
  };
}
