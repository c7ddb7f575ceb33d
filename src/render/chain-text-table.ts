import type { ChainSnapshot, OptionRow } from '../tracker/types.ts';
import { changeOf, strikeRows } from './chain-rows.ts';
import { formatChange, formatIstTime, formatLevel, formatOi, formatPrice } from './oi-format.ts';

/** Telegram's limit for one text message. */
export const TEXT_LIMIT = 4096;

const WIDTHS = { oi: 7, change: 7, ltp: 8, strike: 7 } as const;
const pad = (text: string, width: number) => text.padStart(width);

function sideCells(row: OptionRow | undefined, key: string): { oi: string; change: string; ltp: string } {
  if (!row) return { oi: pad('', WIDTHS.oi), change: pad('', WIDTHS.change + 1), ltp: pad('', WIDTHS.ltp) };
  const breach = row.breaches.length > 0 ? '!' : ' ';
  return {
    oi: pad(formatOi(row.oi), WIDTHS.oi),
    change: pad(formatChange(changeOf(row, key)), WIDTHS.change) + breach,
    ltp: pad(formatPrice(row.ltp), WIDTHS.ltp),
  };
}

/** The one-line header: chain, underlying and price, ATM, PCR, max pain, IST time, status. */
export function textTableTitle(snapshot: ChainSnapshot): string {
  return (
    `${snapshot.chainId} ${snapshot.underlying} ${formatPrice(snapshot.underlyingPrice)} · ` +
    `ATM ${formatLevel(snapshot.atmStrike)} · PCR ${formatPrice(snapshot.pcr)} · ` +
    `MaxPain ${formatLevel(snapshot.maxPain)} · ${formatIstTime(snapshot.lastUpdate)} IST · ${snapshot.status}`
  );
}

/**
 * The chain as a monospace table, for front-ends without images and as alt text: a one-line header,
 * the column labels, then per strike the call's OI, OI %change over the shortest window and LTP,
 * the strike, and the put's, then a legend line. `*` marks the ATM strike, `!` an option with a breach, `N/A` an unknown value.
 */
export function chainTextTable(snapshot: ChainSnapshot, windows: readonly number[]): string {
  const key = String(windows.length === 0 ? 5 : Math.min(...windows));
  const labels =
    `${pad('CE OI', WIDTHS.oi)} ${pad(`${key}M%`, WIDTHS.change)}  ${pad('LTP', WIDTHS.ltp)} | ` +
    `${pad('STRIKE', WIDTHS.strike)} | ` +
    `${pad('LTP', WIDTHS.ltp)} ${pad(`${key}M%`, WIDTHS.change)}  ${pad('PE OI', WIDTHS.oi)}`;
  const lines = strikeRows(snapshot).map((row) => {
    const call = sideCells(row.call, key);
    const put = sideCells(row.put, key);
    const strike = pad(`${row.atm ? '*' : ''}${row.strike}`, WIDTHS.strike);
    return `${call.oi} ${call.change} ${call.ltp} | ${strike} | ${put.ltp} ${put.change} ${put.oi}`;
  });
  const legend = `* ATM · ! OI breach in any window · OI in lakhs (L) / thousands (K) · ${key}M% = OI %change`;
  const table = [textTableTitle(snapshot), labels, ...lines, legend].join('\n');
  return table.length <= TEXT_LIMIT ? table : `${table.slice(0, TEXT_LIMIT - 2)}\n…`;
}
