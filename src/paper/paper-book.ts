import { EventEmitter } from 'node:events';
import { UserError } from '../errors.ts';
import type { Tick } from '../kite/types.ts';
import type { OwnerChainFilter, PaperStore, PositionExit, PositionRecord } from '../store/paper-store.ts';
import { DAY_MS, istDateOf, istMidnight } from '../util/ist.ts';
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

export interface PaperBookOptions {
  store: PaperStore;
  now?: () => number;
  maxQtyLots: number;
  autoExitPoints: number;
  /** An order needs a tick younger than this (two refresh intervals). */
  maxPriceAgeMs: number;
}

export interface OrderInstrument {
  token: number;
  symbol: string;
  strike: number;
  type: 'CE' | 'PE';
  lotSize: number;
}

export interface PlaceOrder {
  owner: string;
  chainId: string;
  instrument: OrderInstrument;
  side: 'BUY' | 'SELL';
  qty?: number;
  tp?: number;
  sl?: number;
  price: { ltp: number; at: number } | null;
  feedUp: boolean;
}

export type PriceOf = (token: number) => { ltp: number; at: number } | null;

/** The seed's `position_closed` payload, plus the position and the level that was crossed. */
export interface PositionClosedEvent {
  exchange: string;
  position_id: string;
  exit_reason: string;
  exit_price: number;
  realized_pnl: number;
  closed_pnl: number;
  level: number | null;
  position: PositionJson;
}

export interface ChainBookSummary {
  open_positions: PositionJson[];
  closed_positions_today: PositionJson[];
  total_mtm: number;
  closed_pnl: number;
}

function positiveNumber(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new UserError(`${name}=${String(value)} is not a positive number of points (e.g. ${name}=25)`);
  }
  return value;
}

/**
 * Paper positions per owner and chain: fills at the feed's LTP, MTM and exits on every tick
 * (compared in paise), manual exits and square-off. Every fill and exit is committed to the store
 * before it is returned or announced.
 */
export class PaperBook extends EventEmitter<{
  position_opened: [PositionJson];
  position_closed: [PositionClosedEvent];
}> {
  private readonly open = new Map<string, OpenPosition>();
  private readonly byToken = new Map<number, OpenPosition[]>();
  private readonly now: () => number;

  constructor(private readonly options: PaperBookOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  /** Restores the open positions after a restart. */
  load(): void {
    for (const record of this.options.store.loadOpen()) this.track(openPosition(record, record.entryPaise));
  }

  placeOrder(order: PlaceOrder): PositionJson {
    const { instrument } = order;
    const lot = instrument.lotSize;
    const qty = order.qty ?? lot;
    const maxQty = this.options.maxQtyLots * lot;
    if (!Number.isInteger(qty) || qty <= 0 || qty % lot !== 0) {
      throw new UserError(
        `quantity ${String(qty)} is not a whole number of lots: the lot size of ${instrument.symbol} is ${lot}; use ${lot}, ${2 * lot}, …`,
      );
    }
    if (qty > maxQty) {
      throw new UserError(
        `quantity ${qty} is more than the maximum of ${this.options.maxQtyLots} lots (${maxQty} units, lot size ${lot})`,
      );
    }
    const tp = positiveNumber(order.tp, this.options.autoExitPoints, 'tp');
    const sl = positiveNumber(order.sl, this.options.autoExitPoints, 'sl');
    const now = this.now();
    if (!order.feedUp || !order.price || now - order.price.at > this.options.maxPriceAgeMs) {
      throw new UserError(
        `no fresh price for ${instrument.symbol}: the feed has not ticked it recently; try again shortly`,
      );
    }
    const record: Omit<PositionRecord, 'id'> = {
      chainId: order.chainId,
      owner: order.owner,
      token: instrument.token,
      symbol: instrument.symbol,
      strike: instrument.strike,
      type: instrument.type,
      side: order.side,
      qty,
      entryPaise: toPaise(order.price.ltp),
      entryTime: now,
      targetPaise: toPaise(tp),
      stopPaise: toPaise(sl),
      exitPaise: null,
      exitTime: null,
      exitReason: null,
      realizedPaise: null,
    };
    const id = this.options.store.openPosition(record);
    const position = openPosition({ ...record, id }, record.entryPaise);
    this.track(position);
    const json = positionJson(position, position.lastPaise);
    this.emit('position_opened', json);
    return json;
  }

  /** The hot path: MTM and auto-exit on every tick of an option with open positions. */
  onTicks(ticks: readonly Tick[]): void {
    for (const tick of ticks) {
      const positions = this.byToken.get(tick.instrumentToken);
      if (!positions) continue;
      const ltpPaise = toPaise(tick.lastPrice);
      let exits: { position: OpenPosition; reason: string; levelPaise: number }[] | null = null;
      for (const position of positions) {
        position.lastPaise = ltpPaise;
        if (!reachesLevel(position, ltpPaise)) continue;
        (exits ??= []).push({ position, ...exitDecision(position, ltpPaise)! });
      }
      if (exits) this.close(exits.map((exit) => ({ ...exit, exitPaise: ltpPaise })));
    }
  }

  /** Closes one position, or all of an owner's (optionally in one chain), at the current LTP. */
  exit(
    request: { owner: string; positionId: string } | { owner: string; chainId?: string; all: true },
    priceOf: PriceOf,
  ): PositionJson[] {
    const chosen =
      'positionId' in request
        ? [this.open.get(request.positionId)].filter((p) => p !== undefined && p.owner === request.owner)
        : [...this.open.values()].filter(
            (p) =>
              p.owner === request.owner && (request.chainId === undefined || p.chainId === request.chainId),
          );
    if (chosen.length === 0) {
      throw new UserError(
        'positionId' in request
          ? `no open position ${request.positionId} in your book; /positions lists yours`
          : 'you have no open positions to exit',
      );
    }
    const exits = chosen.map((position) => {
      const price = priceOf(position!.token);
      if (!price || this.now() - price.at > this.options.maxPriceAgeMs) {
        throw new UserError(`no fresh price for ${position!.symbol}: nothing was closed; try again shortly`);
      }
      return { position: position!, reason: 'Manual Exit', levelPaise: null, exitPaise: toPaise(price.ltp) };
    });
    return this.close(exits);
  }

  /** Intraday square-off: closes everything open at the last price seen. */
  squareOff(): PositionJson[] {
    const exits = [...this.open.values()].map((position) => ({
      position,
      reason: 'Square-off',
      levelPaise: null,
      exitPaise: position.lastPaise,
    }));
    return exits.length > 0 ? this.close(exits) : [];
  }

  openPositions(filter: OwnerChainFilter = {}): PositionJson[] {
    return [...this.open.values()]
      .filter((p) => matches(p, filter))
      .sort((a, b) => a.entryTime - b.entryTime || a.id.localeCompare(b.id))
      .map((p) => positionJson(p, p.lastPaise));
  }

  closedToday(filter: OwnerChainFilter = {}): PositionJson[] {
    const today = istMidnight(this.now());
    return this.options.store
      .closedBetween(today, today + DAY_MS, filter)
      .map((p) => positionJson(p, p.exitPaise!));
  }

  /** Per chain: open positions, today's closed ones, total MTM and today's realized P&L. */
  summary(chainIds: readonly string[], owner?: string): Record<string, ChainBookSummary> {
    const result: Record<string, ChainBookSummary> = {};
    for (const chainId of chainIds) {
      const open = this.openPositions({ owner, chainId });
      const closed = this.closedToday({ owner, chainId });
      result[chainId] = {
        open_positions: open,
        closed_positions_today: closed,
        total_mtm: round2(open.reduce((sum, p) => sum + p.mtm, 0)),
        closed_pnl: round2(closed.reduce((sum, p) => sum + (p.realized_pnl ?? 0), 0)),
      };
    }
    return result;
  }

  /** An owner's P&L per chain: realized today, MTM of what is open, realized all-time. */
  pnl(owner: string): Record<string, { realized_today: number; mtm: number; realized_all_time: number }> {
    const today = istDateOf(this.now());
    const result: Record<string, { realized_today: number; mtm: number; realized_all_time: number }> = {};
    const entry = (chain: string) => (result[chain] ??= { realized_today: 0, mtm: 0, realized_all_time: 0 });
    for (const row of this.options.store.realizedByDay(0, { owner })) {
      const totals = entry(row.chainId);
      totals.realized_all_time = round2(totals.realized_all_time + toRupees(row.paise));
      if (row.day === today) totals.realized_today = round2(totals.realized_today + toRupees(row.paise));
    }
    for (const position of this.openPositions({ owner })) {
      const totals = entry(position.exchange);
      totals.mtm = round2(totals.mtm + position.mtm);
    }
    return result;
  }

  /** Realized P&L per IST day and chain over the last `days` days (today included). */
  dailyRealized(owner: string, days = 7): { day: string; chain: string; realized_pnl: number }[] {
    const since = istMidnight(this.now()) - (days - 1) * DAY_MS;
    return this.options.store
      .realizedByDay(since, { owner })
      .map((row) => ({ day: row.day, chain: row.chainId, realized_pnl: toRupees(row.paise) }));
  }

  private close(
    exits: { position: OpenPosition; reason: string; levelPaise: number | null; exitPaise: number }[],
  ): PositionJson[] {
    const exitTime = this.now();
    const records: PositionExit[] = exits.map(({ position, reason, exitPaise }) => ({
      id: position.id,
      exitPaise,
      exitTime,
      exitReason: reason,
      realizedPaise: mtmPaise(position, exitPaise),
    }));
    this.options.store.closePositions(records);
    const closedJson: PositionJson[] = [];
    exits.forEach(({ position, levelPaise }, i) => {
      const exit = records[i]!;
      this.untrack(position);
      const json = positionJson({ ...position, ...exit }, exit.exitPaise);
      closedJson.push(json);
      const today = istDateOf(exitTime);
      const closedPnl = this.options.store
        .realizedByDay(istMidnight(exitTime), { owner: position.owner, chainId: position.chainId })
        .filter((row) => row.day === today)
        .reduce((sum, row) => sum + row.paise, 0);
      this.emit('position_closed', {
        exchange: position.chainId,
        position_id: position.id,
        exit_reason: exit.exitReason,
        exit_price: toRupees(exit.exitPaise),
        realized_pnl: toRupees(exit.realizedPaise),
        closed_pnl: toRupees(closedPnl),
        level: levelPaise === null ? null : toRupees(levelPaise),
        position: json,
      });
    });
    return closedJson;
  }

  private track(position: OpenPosition): void {
    this.open.set(position.id, position);
    const list = this.byToken.get(position.token) ?? [];
    list.push(position);
    this.byToken.set(position.token, list);
  }

  private untrack(position: OpenPosition): void {
    this.open.delete(position.id);
    const rest = (this.byToken.get(position.token) ?? []).filter((p) => p !== position);
    if (rest.length > 0) this.byToken.set(position.token, rest);
    else this.byToken.delete(position.token);
  }
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

function matches(p: PositionRecord, filter: OwnerChainFilter): boolean {
  return (
    (filter.owner === undefined || p.owner === filter.owner) &&
    (filter.chainId === undefined || p.chainId === filter.chainId)
  );
}
