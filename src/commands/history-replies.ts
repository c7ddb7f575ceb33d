/** Replies that show the stored history: a past chain, a diff, a heatmap and the straddle chart. */
import type { DiffJson, HeatmapJson, StraddleJson } from '../history/chain-history.ts';
import { renderDiffTable } from '../render/diff-table-png.ts';
import { renderHeatmap } from '../render/heatmap-png.ts';
import { formatOi, formatPrice } from '../render/oi-format.ts';
import { renderStraddleChart } from '../render/straddle-chart.ts';
import type { ChainSnapshot } from '../tracker/types.ts';
import { formatIstIso, istDateOf } from '../util/ist.ts';
import type { Reply, ReplyButton } from './reply.ts';

const STEP_MS = 5 * 60_000;
const hhmm = (iso: string) => iso.slice(11, 16);
const signed = (value: number, digits = 2) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;

/** `◀ 5m` / `5m ▶` through the day of a past chain, and back to live. */
export function historyButtons(
  chainId: string,
  snapshot: ChainSnapshot,
  now: number,
  /** The words that choose the expiry again (` next`, ` exp=2026-12-15`), or ''. */
  expiryWords = '',
): ReplyButton[][] {
  const at = (ms: number) => formatIstIso(ms).slice(0, 16).replace('T', ' ');
  const day = istDateOf(snapshot.lastUpdate);
  const earlier = snapshot.lastUpdate - STEP_MS;
  const later = snapshot.lastUpdate + STEP_MS;
  const chain = `/chain ${chainId}${expiryWords}`;
  const buttons: ReplyButton[] = [];
  if (istDateOf(earlier) === day) buttons.push({ label: '◀ 5m', command: `${chain} ${at(earlier)}` });
  if (later <= now && istDateOf(later) === day)
    buttons.push({ label: '5m ▶', command: `${chain} ${at(later)}` });
  buttons.push({ label: 'Live', command: chain });
  return [buttons];
}

/** "24100 +12.3L (+8.50%)" for the three largest OI additions of one side. */
function largestAdditions(diff: DiffJson, side: 'ce' | 'pe'): string {
  const added = diff.rows
    .filter((row) => (row[side].change ?? 0) > 0)
    .sort((a, b) => b[side].change! - a[side].change!)
    .slice(0, 3)
    .map((row) => {
      const pct = row[side].change_pct;
      return `${row.strike} +${formatOi(row[side].change)}${pct === null ? '' : ` (${signed(pct)}%)`}`;
    });
  return added.length === 0 ? 'none added' : added.join(', ');
}

export function diffReply(diff: DiffJson): Reply {
  const move =
    diff.underlying_price_from === null || diff.underlying_price_to === null
      ? ''
      : ` · price ${formatPrice(diff.underlying_price_from)} → ${formatPrice(diff.underlying_price_to)}`;
  return {
    text:
      `${diff.exchange} OI change ${hhmm(diff.from)} → ${hhmm(diff.to)} IST${move}\n` +
      `Calls added most: ${largestAdditions(diff, 'ce')}\n` +
      `Puts added most: ${largestAdditions(diff, 'pe')}`,
    image: {
      png: renderDiffTable(diff),
      alt: `${diff.exchange} OI change between ${hhmm(diff.from)} and ${hhmm(diff.to)} IST`,
      filename: `diff-${diff.exchange}.png`,
    },
  };
}

export function heatmapReply(heatmap: HeatmapJson): Reply {
  const breaches =
    heatmap.breaches.ce.flat().filter(Boolean).length + heatmap.breaches.pe.flat().filter(Boolean).length;
  return {
    text:
      `${heatmap.exchange} OI heatmap ${heatmap.date}: ${heatmap.strikes.length} strikes × ` +
      `${heatmap.columns.length} columns (${hhmm(heatmap.columns[0]!)}–${hhmm(heatmap.columns.at(-1)!)} IST), ` +
      `% change over ${heatmap.window} min; ${breaches} breach cells outlined`,
    image: {
      png: renderHeatmap(heatmap),
      alt: `${heatmap.exchange} OI heatmap for ${heatmap.date}`,
      filename: `heatmap-${heatmap.exchange}.png`,
    },
  };
}

export async function straddleReply(straddle: StraddleJson): Promise<Reply> {
  const priced = straddle.entries.filter((entry) => entry.straddle !== null);
  if (priced.length === 0) {
    return {
      text: `${straddle.exchange} has no ATM straddle price stored on ${straddle.date}.`,
      error: true,
    };
  }
  const open = priced[0]!;
  const last = priced.at(-1)!;
  const values = priced.map((entry) => entry.straddle!);
  const high = Math.max(...values);
  const low = Math.min(...values);
  const change = last.straddle! - open.straddle!;
  const summary =
    `now ${formatPrice(last.straddle)} at ${hhmm(last.time)} (ATM ${last.atm}) · open ${formatPrice(open.straddle)} ` +
    `at ${hhmm(open.time)} · change ${signed(change)} (${signed((change * 100) / open.straddle!)}%)`;
  const range = `high ${formatPrice(high)} · low ${formatPrice(low)} · average ${formatPrice(last.average)}`;
  return {
    text: `${straddle.exchange} ATM straddle ${straddle.date}: ${summary}; ${range}`,
    image: {
      png: await renderStraddleChart(
        straddle.exchange,
        straddle.date,
        straddle.entries,
        `${summary} · ${range}`,
      ),
      alt: `${straddle.exchange} ATM straddle premium through ${straddle.date}`,
      filename: `straddle-${straddle.exchange}.png`,
    },
  };
}
