import type { PositionRecord } from '../store/paper-store.ts';
import { formatIstIso } from '../util/ist.ts';

/** Rupees → paise, exactly for prices on the 0.05 tick. */
export const toPaise = (rupees: number): number => Math.round(rupees * 100);
export const toRupees = (paise: number): number => paise / 100;

/** An open position with the last price seen for it and its levels worked out once (paise). */
export interface OpenPosition extends PositionRecord {
  lastPaise: number;
  long: boolean;
  targetLevelPaise: number;
  stopLevelPaise: number;
}

/** Builds every open position with the same fields in the same order, so the tick path stays fast. */
export function openPosition(r: PositionRecord, lastPaise: number): OpenPosition {
  return {
    id: r.id,
    chainId: r.chainId,
    owner: r.owner,
    token: r.token,
    symbol: r.symbol,
    strike: r.strike,
    type: r.type,
    side: r.side,
    qty: r.qty,
    entryPaise: r.entryPaise,
    entryTime: r.entryTime,
    targetPaise: r.targetPaise,
    stopPaise: r.stopPaise,
    exitPaise: r.exitPaise,
    exitTime: r.exitTime,
    exitReason: r.exitReason,
    realizedPaise: r.realizedPaise,
    lastPaise,
    long: r.side === 'BUY',
    targetLevelPaise: targetLevel(r),
    stopLevelPaise: stopLevel(r),
  };
}

/** The tick path's check: has `ltpPaise` reached the target or the stop (a tick exactly at a level has)? */
export function reachesLevel(p: OpenPosition, ltpPaise: number): boolean {
  return p.long
    ? ltpPaise >= p.targetLevelPaise || ltpPaise <= p.stopLevelPaise
    : ltpPaise <= p.targetLevelPaise || ltpPaise >= p.stopLevelPaise;
}

export interface ExitDecision {
  reason: string;
  /** The level that was crossed, in paise. */
  levelPaise: number;
}

/** Points as the trader set them: 25 → "25", 12.5 → "12.5". */
const points = (paise: number): string => String(paise / 100);

export function targetLevel(p: PositionRecord): number {
  return p.side === 'BUY' ? p.entryPaise + p.targetPaise : p.entryPaise - p.targetPaise;
}

export function stopLevel(p: PositionRecord): number {
  return p.side === 'BUY' ? p.entryPaise - p.stopPaise : p.entryPaise + p.stopPaise;
}

/** MTM in paise at `ltpPaise`: long (ltp − entry) × qty, short (entry − ltp) × qty. */
export function mtmPaise(p: PositionRecord, ltpPaise: number): number {
  return (p.side === 'BUY' ? ltpPaise - p.entryPaise : p.entryPaise - ltpPaise) * p.qty;
}

/** Whether a tick at `ltpPaise` closes the position: a tick exactly at a level does. */
export function exitDecision(p: PositionRecord, ltpPaise: number): ExitDecision | null {
  const target = targetLevel(p);
  const stop = stopLevel(p);
  const long = p.side === 'BUY';
  if (long ? ltpPaise >= target : ltpPaise <= target) {
    return { reason: `Target Hit (+${points(p.targetPaise)})`, levelPaise: target };
  }
  if (long ? ltpPaise <= stop : ltpPaise >= stop) {
    return { reason: `Stop Loss (-${points(p.stopPaise)})`, levelPaise: stop };
  }
  return null;
}

/** The position as the API and the chat show it (the seed's field names). */
export interface PositionJson {
  id: string;
  symbol: string;
  type: 'CE' | 'PE';
  side: 'BUY' | 'SELL';
  entry_price: number;
  qty: number;
  entry_time: string;
  current_price: number;
  mtm: number;
  exchange: string;
  owner: string;
  strike: number;
  target: number;
  stop: number;
  exit_price?: number;
  exit_time?: string;
  exit_reason?: string;
  realized_pnl?: number;
}

export function positionJson(p: PositionRecord, currentPaise: number): PositionJson {
  const closed = p.exitTime !== null && p.exitPaise !== null;
  const price = closed ? p.exitPaise! : currentPaise;
  const json: PositionJson = {
    id: p.id,
    symbol: p.symbol,
    type: p.type,
    side: p.side,
    entry_price: toRupees(p.entryPaise),
    qty: p.qty,
    entry_time: formatIstIso(p.entryTime),
    current_price: toRupees(price),
    mtm: closed ? 0 : toRupees(mtmPaise(p, price)),
    exchange: p.chainId,
    owner: p.owner,
    strike: p.strike,
    target: toRupees(targetLevel(p)),
    stop: toRupees(stopLevel(p)),
  };
  if (closed) {
    json.exit_price = toRupees(p.exitPaise!);
    json.exit_time = formatIstIso(p.exitTime!);
    json.exit_reason = p.exitReason ?? '';
    json.realized_pnl = toRupees(p.realizedPaise ?? 0);
  }
  return json;
}
