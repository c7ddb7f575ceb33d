/**
 * Restart recovery: after a short outage on a trading day, the tracker resumes from what the store
 * already holds for today instead of starting from an empty history.
 */
import { MINUTE_MS, istDateOf, istMidnight } from '../util/ist.ts';
import type { ChainStore } from './ports.ts';
import type { OiPoint } from './types.ts';

/**
 * True only when the last snapshot is from the same IST calendar day as `nowMs` and less than
 * `gapMinutes` old. A snapshot from yesterday never counts, however recent (23:50 vs 00:05 IST).
 */
export function shouldRecover(lastUpdateMs: number | null, nowMs: number, gapMinutes: number): boolean {
  if (lastUpdateMs === null) return false;
  if (istDateOf(lastUpdateMs) !== istDateOf(nowMs)) return false;
  return nowMs - lastUpdateMs < gapMinutes * MINUTE_MS;
}

export interface RecoveredChain {
  /** Epoch ms of the chain's last saved cycle. */
  lastUpdate: number;
  /** Today's observations (since 00:00 IST) by token, ascending time. */
  observations: Map<number, OiPoint[]>;
}

/** The part of the store recovery reads; the store's `OiStore` is one. */
export type RecoverySource = Pick<ChainStore, 'lastUpdate' | 'loadObservations'>;

/**
 * Today's saved history of the chain when `shouldRecover` says to resume from it, otherwise null
 * (start fresh).
 */
export function recoverChain(
  store: RecoverySource,
  chainId: string,
  nowMs: number,
  gapMinutes: number,
): RecoveredChain | null {
  const lastUpdate = store.lastUpdate(chainId);
  if (lastUpdate === null || !shouldRecover(lastUpdate, nowMs, gapMinutes)) return null;
  return { lastUpdate, observations: store.loadObservations(chainId, istMidnight(nowMs)) };
}
