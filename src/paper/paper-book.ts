import { EventEmitter } from 'node:events';
import { UserError } from '../errors.ts';
import type { Tick } from '../kite/types.ts';
import type { NewPosition, OwnerChainFilter, PaperStore, PositionExit } from '../store/paper-store.ts';
import { DAY_MS, istDateOf, istMidnight } from '../util/ist.ts';
import { isFresh, resolveLimits, validateOrder, type OrderLimits } from './order-validation.ts';
import {
  exitDecision,
  mtmPaise,
  openPosition,
  positionJson,
  reachesLevel,
  toPaise,
  toRupees,
  type OpenPosition,
  type PositionJson,
} from './position.ts';
import type {
  ChainBookSummary,
  ChainPnl,
  DailyPnl,
  ExitAll,
  ExitOne,
  PaperBookOptions,
  PlaceOrder,
  PositionClosedEvent,
  PriceOf,
} from './types.ts';

export type * from './types.ts';

/** One position to close, at what price and why. */
interface PendingExit {
  position: OpenPosition;
  reason: string;
  /** The level crossed (paise), or null for manual exits and square-off. */
  levelPaise: number | null;
  exitPaise: number;
}

/**
 * Paper positions per owner and chain: fills at the feed's LTP, MTM and exits on every tick
 * (compared in integer paise), manual exits and square-off. Every fill and exit is committed to the
 * store before it is returned or announced. Knows nothing of chats or HTTP.
 */
export class PaperBook extends EventEmitter<{
  position_opened: [PositionJson];
  position_closed: [PositionClosedEvent];
}> {
  private readonly store: PaperStore;
  private readonly now: () => number;
  private readonly limits: OrderLimits;
  private readonly open = new Map<string, OpenPosition>();
  /** Open positions by instrument token: the tick path touches only the ticked option's positions. */
  private readonly byToken = new Map<number, OpenPosition[]>();

  constructor(options: PaperBookOptions) {
    super();
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.limits = resolveLimits(options);
  }

  /** Restores the open positions from the store (after a restart); marked at entry until they tick. */
  load(): void {
    this.open.clear();
    this.byToken.clear();
    for (const record of this.store.loadOpen()) this.track(openPosition(record, record.entryPaise));
  }

  /** Validates, fills at `order.price.ltp` and stores the position; throws `UserError` recording nothing. */
  placeOrder(order: PlaceOrder): PositionJson {
    const now = this.now();
    const valid = validateOrder(order, this.limits, now);
    const { instrument } = order;
    const record: NewPosition = {
      chainId: order.chainId,
      owner: order.owner,
      token: instrument.token,
      symbol: instrument.symbol,
      strike: instrument.strike,
      type: instrument.type,
      side: order.side,
      qty: valid.qty,
      entryPaise: valid.entryPaise,
      entryTime: now,
      targetPaise: valid.targetPaise,
      stopPaise: valid.stopPaise,
    };
    const id = this.store.openPosition(record);
    const position = openPosition(
      { ...record, id, exitPaise: null, exitTime: null, exitReason: null, realizedPaise: null },
      record.entryPaise,
    );
    this.track(position);
    const json = positionJson(position, position.lastPaise);
    this.emit('position_opened', json);
    return json;
  }

  /**
   * The hot path: marks every open position of each ticked option and closes those whose target or
   * stop the tick reached, at that tick's LTP. Ticks without a trade price (LTP 0) are skipped. A
   * failed close does not stop the other ticks; the first error is thrown at the end.
   */
  onTicks(ticks: readonly Tick[]): void {
    let failure: { error: unknown } | null = null;
    for (const tick of ticks) {
      const positions = this.byToken.get(tick.instrumentToken);
      if (positions === undefined) continue;
      const ltp = tick.lastPrice;
      if (!(ltp > 0 && ltp < Number.POSITIVE_INFINITY)) continue;
      const ltpPaise = toPaise(ltp);
      let exits: PendingExit[] | null = null;
      for (const position of positions) {
        position.lastPaise = ltpPaise;
        if (!reachesLevel(position, ltpPaise)) continue;
        const decision = exitDecision(position, ltpPaise)!;
        (exits ??= []).push({ position, ...decision, exitPaise: ltpPaise });
      }
      if (exits === null) continue;
      try {
        this.close(exits);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  /** Closes one position, or all of an owner's (optionally one chain's), at the current LTP; all or none. */
  exit(request: ExitOne | ExitAll, priceOf: PriceOf): PositionJson[] {
    const chosen = 'positionId' in request ? this.ownPosition(request) : this.ownPositions(request);
    const now = this.now();
    const exits = chosen.map((position): PendingExit => {
      const price = priceOf(position.token);
      if (!isFresh(price, now, this.limits.maxPriceAgeMs)) {
        throw new UserError(`no fresh price for ${position.symbol}: nothing was closed; try again shortly`);
      }
      return { position, reason: 'Manual Exit', levelPaise: null, exitPaise: toPaise(price.ltp) };
    });
    return this.close(exits, now);
  }

  /** Intraday square-off: closes everything open at the last price seen, reason "Square-off". */
  squareOff(at: number = this.now()): PositionJson[] {
    const exits = [...this.open.values()].map((position): PendingExit => ({
      position,
      reason: 'Square-off',
      levelPaise: null,
      exitPaise: position.lastPaise,
    }));
    return exits.length > 0 ? this.close(exits, at) : [];
  }

  /** Open positions, oldest first. */
  openPositions(filter: OwnerChainFilter = {}): PositionJson[] {
    return [...this.open.values()]
      .filter((p) => matches(p, filter))
      .sort((a, b) => a.entryTime - b.entryTime || a.id.localeCompare(b.id))
      .map((p) => positionJson(p, p.lastPaise));
  }

  /** Positions closed today (IST), by exit time. */
  closedToday(filter: OwnerChainFilter = {}): PositionJson[] {
    const today = istMidnight(this.now());
    return this.store.closedBetween(today, today + DAY_MS, filter).map((p) => positionJson(p, p.exitPaise!));
  }

  /** Per chain: open positions, today's closed ones, total MTM and today's realized P&L. */
  summary(chainIds: readonly string[], owner?: string): Record<string, ChainBookSummary> {
    const result: Record<string, ChainBookSummary> = {};
    for (const chainId of chainIds) {
      const filter = owner === undefined ? { chainId } : { owner, chainId };
      const open = this.openPositions(filter);
      const today = istMidnight(this.now());
      result[chainId] = {
        open_positions: open,
        closed_positions_today: this.closedToday(filter),
        total_mtm: toRupees(this.mtmPaiseOf(filter)),
        closed_pnl: toRupees(
          this.store.realizedTotal({ ...filter, sinceMs: today, untilMs: today + DAY_MS }),
        ),
      };
    }
    return result;
  }

  /** An owner's P&L per chain: realized today, MTM of what is open, realized all-time. */
  pnl(owner: string): Record<string, ChainPnl> {
    const today = istDateOf(this.now());
    const paise: Record<string, { today: number; mtm: number; allTime: number }> = {};
    const entry = (chain: string) => (paise[chain] ??= { today: 0, mtm: 0, allTime: 0 });
    for (const row of this.store.realizedByDay({ owner })) {
      const totals = entry(row.chainId);
      totals.allTime += row.paise;
      if (row.day === today) totals.today += row.paise;
    }
    for (const position of this.open.values()) {
      if (position.owner === owner) entry(position.chainId).mtm += mtmPaise(position, position.lastPaise);
    }
    const result: Record<string, ChainPnl> = {};
    for (const [chain, t] of Object.entries(paise)) {
      result[chain] = {
        realized_today: toRupees(t.today),
        mtm: toRupees(t.mtm),
        realized_all_time: toRupees(t.allTime),
      };
    }
    return result;
  }

  /** Realized P&L per IST day and chain over the last `days` days (today included), ascending. */
  dailyRealized(owner: string, days = 7): DailyPnl[] {
    const since = istMidnight(this.now()) - (days - 1) * DAY_MS;
    return this.store
      .realizedByDay({ owner, sinceMs: since })
      .map((row) => ({ day: row.day, chain: row.chainId, realized_pnl: toRupees(row.paise) }));
  }

  /** MTM in paise of the open positions matching `filter`. */
  private mtmPaiseOf(filter: OwnerChainFilter): number {
    let total = 0;
    for (const p of this.open.values()) if (matches(p, filter)) total += mtmPaise(p, p.lastPaise);
    return total;
  }

  private ownPosition(request: ExitOne): OpenPosition[] {
    const position = this.open.get(request.positionId);
    if (position === undefined || position.owner !== request.owner) {
      throw new UserError(`no open position ${request.positionId} in your book; /positions lists yours`);
    }
    return [position];
  }

  private ownPositions(request: ExitAll): OpenPosition[] {
    const chosen = [...this.open.values()].filter((p) =>
      matches(p, { owner: request.owner, chainId: request.chainId }),
    );
    if (chosen.length === 0) throw new UserError('you have no open positions to exit');
    return chosen;
  }

  /**
   * Commits the exits in one transaction, then forgets the positions, then announces them. State is
   * consistent before any listener runs; a throwing listener does not silence the others (the first
   * error is rethrown after every event was emitted).
   */
  private close(exits: readonly PendingExit[], exitTime: number = this.now()): PositionJson[] {
    const records: PositionExit[] = exits.map(({ position, reason, exitPaise }) => ({
      id: position.id,
      exitPaise,
      exitTime,
      exitReason: reason,
      realizedPaise: mtmPaise(position, exitPaise),
    }));
    this.store.closePositions(records);
    for (const { position } of exits) this.untrack(position);

    const dayStart = istMidnight(exitTime);
    const closedPnl = (owner: string, chainId: string): number =>
      this.store.realizedTotal({ owner, chainId, sinceMs: dayStart, untilMs: dayStart + DAY_MS });
    const events = exits.map(({ position, levelPaise }, i): PositionClosedEvent => {
      const exit = records[i]!;
      const json = positionJson({ ...position, ...exit }, exit.exitPaise);
      return {
        exchange: position.chainId,
        position_id: position.id,
        exit_reason: exit.exitReason,
        exit_price: toRupees(exit.exitPaise),
        realized_pnl: toRupees(exit.realizedPaise),
        closed_pnl: toRupees(closedPnl(position.owner, position.chainId)),
        level: levelPaise === null ? null : toRupees(levelPaise),
        position: json,
      };
    });
    let failure: { error: unknown } | null = null;
    for (const event of events) {
      try {
        this.emit('position_closed', event);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
    return events.map((event) => event.position);
  }

  private track(position: OpenPosition): void {
    this.open.set(position.id, position);
    const list = this.byToken.get(position.token);
    if (list) list.push(position);
    else this.byToken.set(position.token, [position]);
  }

  private untrack(position: OpenPosition): void {
    this.open.delete(position.id);
    const list = this.byToken.get(position.token);
    if (!list) return;
    // A fresh array, so a tick loop iterating the old one is undisturbed.
    const rest = list.filter((p) => p !== position);
    if (rest.length > 0) this.byToken.set(position.token, rest);
    else this.byToken.delete(position.token);
  }
}

function matches(p: { owner: string; chainId: string }, filter: OwnerChainFilter): boolean {
  return (
    (filter.owner === undefined || p.owner === filter.owner) &&
    (filter.chainId === undefined || p.chainId === filter.chainId)
  );
}
