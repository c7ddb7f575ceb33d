/**
 * Checks an order before anything is recorded: one `UserError` with one clear line per mistake,
 * saying what was wrong and what is accepted. Everything comes out in integer paise.
 */
import { UserError } from '../errors.ts';
import { toPaise } from './position.ts';
import type { LatestPrice, PaperBookOptions, PlaceOrder } from './types.ts';

export const DEFAULT_MAX_QTY_LOTS = 50;
export const DEFAULT_AUTO_EXIT_POINTS = 25;

export interface OrderLimits {
  maxQtyLots: number;
  autoExitPoints: number;
  maxPriceAgeMs: number;
}

export interface ValidOrder {
  qty: number;
  entryPaise: number;
  /** Target and stop distances, paise of points. */
  targetPaise: number;
  stopPaise: number;
}

/** The book's limits with defaults applied; a wrong value is a programming or config error. */
export function resolveLimits(options: PaperBookOptions): OrderLimits {
  const limits = {
    maxQtyLots: options.maxQtyLots ?? DEFAULT_MAX_QTY_LOTS,
    autoExitPoints: options.autoExitPoints ?? DEFAULT_AUTO_EXIT_POINTS,
    maxPriceAgeMs: options.maxPriceAgeMs,
  };
  if (!Number.isInteger(limits.maxQtyLots) || limits.maxQtyLots < 1) {
    throw new RangeError(`PaperBook: maxQtyLots must be a whole number ≥ 1, got ${limits.maxQtyLots}`);
  }
  if (!(toPaise(limits.autoExitPoints) >= 1) || !Number.isFinite(limits.autoExitPoints)) {
    throw new RangeError(`PaperBook: autoExitPoints must be ≥ 0.01 points, got ${limits.autoExitPoints}`);
  }
  if (!(limits.maxPriceAgeMs > 0)) {
    throw new RangeError(`PaperBook: maxPriceAgeMs must be a positive number, got ${limits.maxPriceAgeMs}`);
  }
  return limits;
}

/** A price an order or exit may fill at: positive, finite and at most `maxAgeMs` old. */
export function isFresh(price: LatestPrice | null, now: number, maxAgeMs: number): price is LatestPrice {
  return price !== null && Number.isFinite(price.ltp) && price.ltp > 0 && now - price.at <= maxAgeMs;
}

export function validateOrder(order: PlaceOrder, limits: OrderLimits, now: number): ValidOrder {
  const { symbol, lotSize: lot } = order.instrument;
  if (!Number.isInteger(lot) || lot < 1) {
    throw new UserError(`the lot size of ${symbol} is not known yet; try again shortly`);
  }
  const qty = order.qty ?? lot;
  if (!Number.isInteger(qty) || qty <= 0 || qty % lot !== 0) {
    throw new UserError(
      `quantity ${String(qty)} is not a whole number of lots: the lot size of ${symbol} is ${lot}; use ${lot}, ${2 * lot}, …`,
    );
  }
  const maxQty = limits.maxQtyLots * lot;
  if (qty > maxQty) {
    throw new UserError(
      `quantity ${qty} is more than the maximum of ${limits.maxQtyLots} lots (${maxQty} units, lot size ${lot})`,
    );
  }
  const targetPaise = pointsInPaise(order.tp, limits.autoExitPoints, 'tp');
  const stopPaise = pointsInPaise(order.sl, limits.autoExitPoints, 'sl');
  if (!order.feedUp || !isFresh(order.price, now, limits.maxPriceAgeMs)) {
    throw new UserError(
      `no fresh price for ${symbol}: the feed has not ticked it recently; try again shortly`,
    );
  }
  return { qty, entryPaise: toPaise(order.price.ltp), targetPaise, stopPaise };
}

function pointsInPaise(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return toPaise(fallback);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UserError(`${name}=${String(value)} is not a positive number of points (e.g. ${name}=25)`);
  }
  const paise = toPaise(value);
  if (paise < 1) throw new UserError(`${name}=${value} is less than one paisa; use at least ${name}=0.05`);
  return paise;
}
