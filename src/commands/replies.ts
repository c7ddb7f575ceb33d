import type { PositionJson } from '../paper/position.ts';

export interface StatusReport {
  version: string;
  uptimeS: number;
  marketData: string;
  /** "simulated session of <date>, now at <time>" when the simulator plays a session. */
  playedSession?: string;
  tickerConnections: number;
  /** The Kite session: `valid` or `expired` (then market data has stopped). */
  session?: string;
  chains: { id: string; status: string; dataAgeS: number | null; notes: string[] }[];
}

const money = (value: number): string => `${value < 0 ? '-' : ''}₹${Math.abs(value).toFixed(2)}`;

export function formatPositions(positions: readonly PositionJson[]): string {
  if (positions.length === 0) return 'No open positions.';
  const lines = positions.map(
    (p) =>
      `${p.id} ${p.side} ${p.qty} ${p.symbol} @ ${p.entry_price.toFixed(2)} → ${p.current_price.toFixed(2)}` +
      ` MTM ${money(p.mtm)} (target ${p.target.toFixed(2)}, stop ${p.stop.toFixed(2)})`,
  );
  const total = positions.reduce((sum, p) => sum + p.mtm, 0);
  return `${lines.join('\n')}\nTotal MTM ${money(Math.round(total * 100) / 100)}`;
}

export function formatPnl(
  byChain: Record<string, { realized_today: number; mtm: number; realized_all_time: number }>,
  daily: readonly { day: string; chain: string; realized_pnl: number }[],
): string {
  const chains = Object.entries(byChain);
  if (chains.length === 0) return 'No paper trades yet.';
  const today = chains.map(
    ([chain, p]) =>
      `${chain}: realized ${money(p.realized_today)}, MTM ${money(p.mtm)} (all-time ${money(p.realized_all_time)})`,
  );
  const days = daily.map((row) => `${row.day} ${row.chain} ${money(row.realized_pnl)}`);
  return `Today\n${today.join('\n')}${days.length > 0 ? `\n\nLast 7 days\n${days.join('\n')}` : ''}`;
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : `${m}m ${Math.floor(seconds % 60)}s`;
}

export function formatStatus(report: StatusReport): string {
  const chains = report.chains.map((chain) => {
    const age = chain.dataAgeS === null ? 'no ticks yet' : `data ${chain.dataAgeS.toFixed(1)} s old`;
    return `${chain.id}: ${chain.status}, ${age}${chain.notes.length > 0 ? ` — ${chain.notes.join('; ')}` : ''}`;
  });
  return [
    ...chains,
    `Feed: ${report.marketData}${report.playedSession ? ` (${report.playedSession})` : ''}, ` +
      `${report.tickerConnections} ticker connection(s)` +
      (report.session ? `, Kite session ${report.session}` : ''),
    `Up ${duration(report.uptimeS)} · oi-tracker ${report.version}`,
  ].join('\n');
}
