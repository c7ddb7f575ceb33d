import type { PositionClosedEvent } from '../paper/types.ts';
import { formatOi, formatPct, formatPrice } from '../render/oi-format.ts';
import type { ChainSnapshot, OptionRow } from '../tracker/types.ts';
import { formatIstIso } from '../util/ist.ts';
import type { Alert } from './alert.ts';

/** What an alert is before the engine routes it. */
export type AlertDraft = Omit<Alert, 'id' | 'recipients' | 'broadcast'>;

/** The line every alert ends with, so nobody mistakes old data for new. */
export function dataLine(dataTime: number, now: number): string {
  const data = formatIstIso(dataTime);
  const sameDay = data.slice(0, 10) === formatIstIso(now).slice(0, 10);
  return `Data as of ${sameDay ? data.slice(11, 19) : `${data.slice(0, 10)} ${data.slice(11, 19)}`} IST`;
}

export interface BreachLine {
  row: OptionRow;
  window: string;
  threshold: number;
}

const signedRupees = (value: number) => `${value >= 0 ? '+' : '-'}₹${Math.abs(value).toFixed(2)}`;

export function breachDraft(
  snapshot: ChainSnapshot,
  breaches: readonly BreachLine[],
  now: number,
): AlertDraft {
  const strikes = new Set(breaches.map((breach) => breach.row.strike));
  const lines = breaches.map(
    ({ row, window, threshold }) =>
      `${row.strike} ${row.type} ${formatPct(row.oiChangePct[window])} in ${window}m ` +
      `(threshold ${threshold}%) · OI ${formatOi(row.oi)} · LTP ${formatPrice(row.ltp)}`,
  );
  return {
    kind: 'oi_breach',
    title: `${snapshot.chainId}: OI jump at ${strikes.size} strike${strikes.size === 1 ? '' : 's'}`,
    text: [
      ...lines,
      `${snapshot.underlying} ${formatPrice(snapshot.underlyingPrice)} · ATM ${snapshot.atmStrike ?? 'N/A'} · expiry ${snapshot.expiry ?? 'N/A'}`,
      dataLine(snapshot.lastUpdate, now),
    ].join('\n'),
    priority: 'default',
    dataTime: snapshot.lastUpdate,
    tags: [snapshot.chainId.toLowerCase(), 'oi'],
  };
}

export function autoExitDraft(event: PositionClosedEvent, now: number): AlertDraft {
  const p = event.position;
  const exitTime = p.exit_time ? Date.parse(p.exit_time) : now;
  return {
    kind: 'auto_exit',
    title: `${event.exchange}: ${p.symbol} ${event.exit_reason}`,
    text: [
      `${p.id} ${p.side} ${p.qty} ${p.symbol} closed at ${event.exit_price.toFixed(2)}` +
        (event.level === null ? '' : ` (level ${event.level.toFixed(2)})`) +
        ` · entry ${p.entry_price.toFixed(2)}`,
      `P&L ${signedRupees(event.realized_pnl)} · realized today on ${event.exchange} ${signedRupees(event.closed_pnl)}`,
      dataLine(exitTime, now),
    ].join('\n'),
    priority: 'high',
    dataTime: exitTime,
    tags: [event.exchange.toLowerCase(), 'paper', 'exit'],
  };
}

export function squareOffDraft(
  owner: string,
  events: readonly PositionClosedEvent[],
  now: number,
): AlertDraft {
  const total = events.reduce((sum, event) => sum + event.realized_pnl, 0);
  const lines = events.map(
    (event) =>
      `${event.position_id} ${event.position.symbol} at ${event.exit_price.toFixed(2)}: ${signedRupees(event.realized_pnl)}`,
  );
  return {
    kind: 'square_off',
    title: `Square-off: ${events.length} position${events.length === 1 ? '' : 's'} closed (${owner})`,
    text: [...lines, `Total ${signedRupees(total)}`, dataLine(now, now)].join('\n'),
    priority: 'high',
    dataTime: now,
    tags: ['paper', 'square-off'],
  };
}

export function feedDownDraft(downSince: number, now: number): AlertDraft {
  return {
    kind: 'feed_down',
    title: 'Market data disconnected',
    text: [
      `No connection to the Kite ticker for ${Math.round((now - downSince) / 1000)} s; chains show Disconnected.`,
      'The tracker reconnects by itself and resubscribes; this alert repeats when it is back.',
      dataLine(downSince, now),
    ].join('\n'),
    priority: 'default',
    dataTime: downSince,
    tags: ['feed', 'warning'],
  };
}

export function feedRecoveredDraft(downSince: number, now: number): AlertDraft {
  return {
    kind: 'feed_recovered',
    title: 'Market data is back',
    text: [
      `The Kite ticker reconnected after ${Math.round((now - downSince) / 1000)} s.`,
      dataLine(now, now),
    ].join('\n'),
    priority: 'default',
    dataTime: now,
    tags: ['feed'],
  };
}

export function sessionExpiredDraft(reason: string, now: number): AlertDraft {
  return {
    kind: 'session_expired',
    title: 'Kite session expired',
    text: [
      `Kite refused the session (${reason}). Market data has stopped; the daemon stays up.`,
      'An admin can send /login, then /token <request_token> (or /enctoken <value>).',
      dataLine(now, now),
    ].join('\n'),
    priority: 'high',
    dataTime: now,
    tags: ['kite', 'session', 'warning'],
  };
}

export function sessionRenewedDraft(kind: string, userId: string, now: number): AlertDraft {
  return {
    kind: 'session_renewed',
    title: 'Kite session renewed',
    text: [
      `A new ${kind === 'enctoken' ? 'web session' : 'Kite Connect session'} for ${userId} is in use; market data restarts.`,
      dataLine(now, now),
    ].join('\n'),
    priority: 'default',
    dataTime: now,
    tags: ['kite', 'session'],
  };
}

export function sessionReminderDraft(now: number): AlertDraft {
  return {
    kind: 'session_reminder',
    title: 'No Kite session for today',
    text: [
      'The market opens at 09:15 IST and Kite does not accept the current session.',
      'Send /login, open the link, then send /token <request_token> from the address Kite redirects to.',
      dataLine(now, now),
    ].join('\n'),
    priority: 'high',
    dataTime: now,
    tags: ['kite', 'session', 'reminder'],
  };
}

export interface SummaryInput {
  /** Per owner and chain: realized today and MTM of what is still open. */
  books: { owner: string; chain: string; realized: number; mtm: number }[];
  /** The largest OI changes since the day's first observation. */
  movers: { chain: string; strike: number; type: string; changePct: number; oi: number }[];
}

export function dailySummaryDraft(input: SummaryInput, now: number): AlertDraft {
  const books =
    input.books.length === 0
      ? ['No paper trades today.']
      : input.books.map(
          (book) =>
            `${book.owner} ${book.chain}: realized ${signedRupees(book.realized)}` +
            (book.mtm === 0 ? '' : ` · open MTM ${signedRupees(book.mtm)}`),
        );
  const movers =
    input.movers.length === 0
      ? ['No OI data today.']
      : input.movers.map(
          (mover) =>
            `${mover.chain} ${mover.strike} ${mover.type} ${formatPct(mover.changePct)} (OI ${formatOi(mover.oi)})`,
        );
  return {
    kind: 'daily_summary',
    title: `End of day ${formatIstIso(now).slice(0, 10)}`,
    text: ['Paper P&L:', ...books, '', 'Biggest OI movers of the day:', ...movers, dataLine(now, now)].join(
      '\n',
    ),
    priority: 'default',
    dataTime: now,
    tags: ['summary'],
  };
}
