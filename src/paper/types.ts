/** Shapes the paper book takes and gives; JSON field names follow the seed's API. */
import type { PaperStore } from '../store/paper-store.ts';
import type { PositionJson } from './position.ts';

export interface PaperBookOptions {
  store: PaperStore;
  /** Epoch ms; defaults to `Date.now`. */
  now?: () => number;
  /** Largest order, in lots (MAX_QTY_LOTS); default 50. */
  maxQtyLots?: number;
  /** Target and stop, in points, of an order that sets none (AUTO_EXIT_POINTS); default 25. */
  autoExitPoints?: number;
  /** An order or manual exit needs a tick younger than this (two refresh intervals). */
  maxPriceAgeMs: number;
}

export interface OrderInstrument {
  token: number;
  symbol: string;
  strike: number;
  type: 'CE' | 'PE';
  lotSize: number;
}

/** A latest price (rupees) and when it arrived (epoch ms). */
export interface LatestPrice {
  ltp: number;
  at: number;
}

export type PriceOf = (token: number) => LatestPrice | null;

export interface PlaceOrder {
  owner: string;
  chainId: string;
  instrument: OrderInstrument;
  side: 'BUY' | 'SELL';
  /** Units; a whole number of lots. Default: one lot. */
  qty?: number;
  /** Target and stop in points; default `autoExitPoints` each. */
  tp?: number;
  sl?: number;
  price: LatestPrice | null;
  feedUp: boolean;
}

export type ExitOne = { owner: string; positionId: string };
export type ExitAll = { owner: string; chainId?: string; all: true };

/** The seed's `position_closed` payload, plus the level that was crossed and the position. */
export interface PositionClosedEvent {
  exchange: string;
  position_id: string;
  exit_reason: string;
  /** The fill: the LTP of the tick that crossed (or the current LTP of a manual exit / square-off). */
  exit_price: number;
  realized_pnl: number;
  /** The owner's realized P&L today on this chain, this exit included. */
  closed_pnl: number;
  /** The target or stop level that was crossed (rupees); null for manual exits and square-off. */
  level: number | null;
  position: PositionJson;
}

export interface ChainBookSummary {
  open_positions: PositionJson[];
  closed_positions_today: PositionJson[];
  total_mtm: number;
  closed_pnl: number;
}

/** An owner's P&L on one chain, rupees. */
export interface ChainPnl {
  realized_today: number;
  mtm: number;
  realized_all_time: number;
}

export interface DailyPnl {
  day: string;
  chain: string;
  realized_pnl: number;
}

export interface OrderRequest {
  owner: string;
  chain: string;
  symbol?: string;
  strike?: number;
  type?: string;
  side: 'BUY' | 'SELL';
  qty?: number;
  tp?: number;
  sl?: number;
}

export type ExitRequest = { owner: string; positionId: string } | { owner: string; chain: string; all: true };

/** Paper trading as the API (and later the chat commands) use it. Refusals throw UserError. */
export interface TradingDesk {
  placeOrder(request: OrderRequest): PositionJson;
  exit(request: ExitRequest): PositionJson[];
  summary(filter: { owner?: string; chain?: string }): Record<string, unknown>;
}
