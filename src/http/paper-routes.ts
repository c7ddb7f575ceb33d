import { z } from 'zod';
import { UserError } from '../errors.ts';
import { StoreWriteError } from '../store/write-gate.ts';
import type { TradingDesk } from '../paper/types.ts';
import { parseStatsDays, statsJson, type BookStatsReport } from '../paper/book-stats.ts';
import type { ApiRoute } from './api-server.ts';

const API_OWNER = 'api';
const SIDES: Record<string, 'BUY' | 'SELL'> = { B: 'BUY', BUY: 'BUY', S: 'SELL', SELL: 'SELL' };

const text = z.string().trim().min(1);
const orderBody = z.object({
  exchange: text,
  symbol: text.optional(),
  strike: z.coerce.number().positive().optional(),
  type: text.optional(),
  side: text,
  qty: z.unknown().optional(),
  tp: z.unknown().optional(),
  sl: z.unknown().optional(),
  owner: text.optional(),
});
const exitBody = z.union([
  z.object({ position_id: text, owner: text.optional() }),
  z.object({ exchange: text, all: z.literal(true), owner: text.optional() }),
]);

const ORDER_SHAPE =
  'expected {"exchange":"NSE","symbol":"NIFTY26D0125600CE","side":"B","qty":75} ' +
  'or {"exchange":"NSE","strike":25600,"type":"CE","side":"S","qty":75}, optional "tp", "sl" (points) and "owner"';
const EXIT_SHAPE = 'expected {"position_id":"NSE_P0001"} or {"exchange":"NSE","all":true}, optional "owner"';

/** A number from JSON, or a string holding one. */
function numeric(value: unknown, name: string, example: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) {
    throw new UserError(`${name} ${JSON.stringify(value)} is not a number; e.g. "${name}": ${example}`);
  }
  return number;
}

function refusal(error: unknown): { status: number; body: unknown } {
  // The database could not store it: the server's fault, not the request's.
  if (error instanceof StoreWriteError)
    return { status: 503, body: { success: false, message: error.message } };
  if (error instanceof UserError) return { status: 400, body: { success: false, message: error.message } };
  throw error;
}

const exact = (path: string) => (candidate: string) => (candidate === path ? [] : null);

/** The closed-trade statistics of one book (every book without `owner`) over the last `days` IST days. */
export type BookStatsSource = (request: { owner?: string; days: number }) => BookStatsReport;

/** `GET /api/stats?owner=&days=`: 400 with what is accepted for a bad `days`. */
function statsRoute(stats: BookStatsSource): ApiRoute {
  return {
    method: 'GET',
    match: exact('/api/stats'),
    handle: ({ query }) => {
      try {
        const days = parseStatsDays(query.get('days'));
        const owner = query.get('owner')?.trim() || undefined;
        return { status: 200, body: statsJson(stats(owner === undefined ? { days } : { owner, days })) };
      } catch (error) {
        return refusal(error);
      }
    },
  };
}

/** The seed's paper-trading routes: place_order, positions, exit; and the book's statistics when given. */
export function paperRoutes(desk: TradingDesk, stats?: BookStatsSource): ApiRoute[] {
  return [
    ...(stats ? [statsRoute(stats)] : []),
    {
      method: 'POST',
      match: exact('/api/place_order'),
      handle: ({ body, pageOwner }) => {
        const parsed = orderBody.safeParse(body);
        if (!parsed.success)
          return { status: 400, body: { success: false, message: `bad order: ${ORDER_SHAPE}` } };
        const order = parsed.data;
        const side = SIDES[order.side.toUpperCase()];
        if (!side) {
          return {
            status: 400,
            body: { success: false, message: `side "${order.side}" is not B/BUY or S/SELL` },
          };
        }
        try {
          const position = desk.placeOrder({
            owner: pageOwner ?? order.owner ?? API_OWNER,
            chain: order.exchange,
            symbol: order.symbol,
            strike: order.strike,
            type: order.type,
            side,
            qty: numeric(order.qty, 'qty', '75'),
            tp: numeric(order.tp, 'tp', '25'),
            sl: numeric(order.sl, 'sl', '25'),
          });
          const message = `${position.id}: ${side} ${position.qty} ${position.symbol} at ${position.entry_price}`;
          return { status: 200, body: { success: true, message, position_id: position.id, position } };
        } catch (error) {
          return refusal(error);
        }
      },
    },
    {
      method: 'GET',
      match: (path) =>
        path === '/api/positions' ? [] : (path.match(/^\/api\/positions\/([^/]+)$/)?.slice(1) ?? null),
      handle: ({ params, query }) => {
        try {
          const filter = {
            owner: query.get('owner') ?? undefined,
            chain: params[0] && decodeURIComponent(params[0]),
          };
          return { status: 200, body: desk.summary(filter) };
        } catch (error) {
          return refusal(error);
        }
      },
    },
    {
      method: 'POST',
      match: exact('/api/exit'),
      handle: ({ body, pageOwner }) => {
        const parsed = exitBody.safeParse(body);
        if (!parsed.success)
          return { status: 400, body: { success: false, message: `bad exit: ${EXIT_SHAPE}` } };
        const request = parsed.data;
        const owner = pageOwner ?? request.owner ?? API_OWNER;
        try {
          const closed = desk.exit(
            'position_id' in request
              ? { owner, positionId: request.position_id.toUpperCase() }
              : { owner, chain: request.exchange, all: true },
          );
          return {
            status: 200,
            body: { success: true, message: `closed ${closed.length} position(s)`, positions: closed },
          };
        } catch (error) {
          return refusal(error);
        }
      },
    },
  ];
}
