import { HistoryError } from '../history/instant.ts';
import type { ChainHistory } from '../history/chain-history.ts';
import { renderIvChart, type AtmIvPoint } from '../render/iv-chart.ts';
import { formatIstHourMinute, formatIstTime } from '../render/oi-format.ts';
import type { ChainSnapshot } from '../tracker/types.ts';
import { istDateOf } from '../util/ist.ts';
import type { Reply } from './reply.ts';

/** The ATM row's call and put IV of a snapshot. */
export function atmIvOf(snapshot: ChainSnapshot): AtmIvPoint {
  const atm = snapshot.atmStrike;
  const ivAt = (rows: ChainSnapshot['calls']) =>
    atm === null ? null : (rows.find((row) => row.strike === atm)?.iv ?? null);
  return { time: snapshot.lastUpdate, atm, callIv: ivAt(snapshot.calls), putIv: ivAt(snapshot.puts) };
}

/** One ATM IV figure: the mean of the call's and the put's, or whichever is known. */
export function atmIvValue(point: AtmIvPoint): number | null {
  const known = [point.callIv, point.putIv].filter((iv): iv is number => iv !== null);
  return known.length === 0 ? null : known.reduce((sum, iv) => sum + iv, 0) / known.length;
}

/**
 * The ATM IV at every stored cycle of the snapshot's IST day (each recomputed as published), ending
 * with the snapshot itself when it is newer than the last stored cycle; none without a store.
 */
export function atmIvThroughDay(
  history: Pick<ChainHistory, 'past'> | undefined,
  chainId: string,
  snapshot: ChainSnapshot,
): { date: string; points: AtmIvPoint[] } {
  const date = istDateOf(snapshot.lastUpdate);
  let points: AtmIvPoint[] = [];
  try {
    // The cycles of this snapshot's expiry (the nearest's, or the next's for `/iv NSE next`).
    const expiry = snapshot.expiry === null ? undefined : { date: snapshot.expiry };
    const day = history?.past.storedDay(chainId, date, expiry);
    points = day ? day.cycles.map((_, index) => atmIvOf(day.snapshot(index))) : [];
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error; // no stored cycles that day yet
  }
  points = points.filter((point) => point.time <= snapshot.lastUpdate);
  const last = points.at(-1);
  if (snapshot.status !== 'History' && (!last || last.time < snapshot.lastUpdate))
    points.push(atmIvOf(snapshot));
  return { date, points };
}

const pct = (iv: number | null) => (iv === null ? 'N/A' : `${iv.toFixed(2)}%`);

/** `ATM IV now 12.40% …, at the open 13.10% …, change -0.70 pts`. */
export function ivText(chainId: string, snapshot: ChainSnapshot, points: readonly AtmIvPoint[]): string {
  const now = atmIvOf(snapshot);
  const nowIv = atmIvValue(now);
  const open = points.find((point) => atmIvValue(point) !== null);
  const openIv = open ? atmIvValue(open) : null;
  const sides = `call ${pct(now.callIv)}, put ${pct(now.putIv)}`;
  const parts = [
    `${chainId} ATM IV now ${pct(nowIv)} at ${now.atm ?? 'N/A'} (${sides}, ${formatIstTime(now.time)} IST)`,
    open
      ? `at the open ${pct(openIv)} at ${open.atm ?? 'N/A'} (${formatIstHourMinute(open.time)} IST)`
      : 'no ATM IV stored today yet',
  ];
  if (nowIv !== null && openIv !== null) {
    const change = nowIv - openIv;
    parts.push(`change ${change >= 0 ? '+' : ''}${change.toFixed(2)} pts`);
  }
  parts.push(`expiry ${snapshot.expiry ?? 'N/A'} · ${snapshot.status}`);
  return parts.join(' · ');
}

/** /iv: the smile and the day as one PNG, and the ATM IV now, at the open and its change as text. */
export async function ivReply(
  chainId: string,
  snapshot: ChainSnapshot,
  history: Pick<ChainHistory, 'past'> | undefined,
): Promise<Reply> {
  const day = atmIvThroughDay(history, chainId, snapshot);
  return {
    text: ivText(chainId, snapshot, day.points),
    image: {
      png: await renderIvChart(snapshot, day),
      alt: `${chainId} IV smile by strike (calls and puts, ATM marked) and ATM IV through ${day.date}`,
      filename: `iv-${chainId}.png`,
    },
  };
}
