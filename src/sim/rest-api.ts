import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatIstDateTime, istWallClock } from '../util/ist.ts';
import { instrumentsCsv } from './instruments.ts';
import type { InstrumentCatalogue } from '../kite/instrument-catalogue.ts';
import type { SimMarket } from './market-model.ts';
import { RequestWindow } from './request-window.ts';
import type { SessionDoor, SimCredentials } from './credentials.ts';
import type { SimWebLogin, WebLoginAnswer } from './web-login.ts';
import type { FaultInjector, InjectedFailure, RouteClass } from './fault-injection.ts';

/** One answered request; `injected` marks a failure a test armed (see FaultInjector), not the API's own. */
export interface RequestLogEntry {
  route: string;
  /** When it arrived: the instant the rate limit counted it at (a slow answer ends later). */
  at: number;
  status: number;
  injected?: true;
}

export interface RestApiContext {
  market: SimMarket;
  catalogue: InstrumentCatalogue;
  now: () => number;
  credentials: SimCredentials;
  /** Requests answered so far, per route class: tests read these to check a client's pacing. */
  log: RequestLogEntry[];
  /** Failures armed by tests; checked after the rate limit, so failed requests count against it. */
  faults?: FaultInjector;
  /** Kite's web login (`/api/login`, `/api/twofa`). */
  webLogin: SimWebLogin;
}

/** Kite's web app serves the same REST routes under this prefix, to web sessions (enctoken) only. */
export const WEB_REST_PREFIX = '/oms';

/** The route as Kite Connect names it, and the door it came through. */
function kiteRoute(pathname: string): { path: string; door: SessionDoor } {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === WEB_REST_PREFIX || path.startsWith(`${WEB_REST_PREFIX}/`)) {
    return { path: path.slice(WEB_REST_PREFIX.length) || '/', door: 'web' };
  }
  return { path, door: 'api' };
}

const MAX_HISTORICAL_DAYS = 5;

class KiteHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  send(res, status, JSON.stringify(payload), 'application/json');
}

function sendInjected(res: ServerResponse, failure: InjectedFailure): void {
  if (failure.errorType === null) {
    send(
      res,
      failure.status,
      `<html><body><h1>${failure.status} ${failure.message}</h1></body></html>`,
      'text/html',
    );
    return;
  }
  sendJson(res, failure.status, {
    status: 'error',
    message: failure.message,
    data: null,
    error_type: failure.errorType,
  });
}

function kiteTimestamp(ms: number): string {
  return formatIstDateTime(ms).replace(' ', 'T') + '+0530';
}

/** Kite's `from`/`to`: IST wall-clock `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD`. */
function parseIstParam(value: string | null, name: string): number {
  const match = value?.match(/^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?$/);
  if (!match) throw new KiteHttpError(400, 'InputException', `invalid ${name}: expected YYYY-MM-DD HH:MM:SS`);
  return istWallClock(match[1]!, match[2] ?? '00:00');
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

export class RestApi {
  private readonly windows: Record<RouteClass, RequestWindow> = {
    historical: new RequestWindow(3),
    quote: new RequestWindow(1),
    other: new RequestWindow(10),
  };

  constructor(private readonly ctx: RestApiContext) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const { path, door } = kiteRoute(url.pathname);
    const route = this.routeClass(path);
    let status = 200;
    let injected: InjectedFailure | null = null;
    const arrivedAt = Date.now();
    try {
      if (!this.windows[route].admit(arrivedAt)) {
        throw new KiteHttpError(429, 'NetworkException', 'Too many requests');
      }
      injected = this.ctx.faults?.check(route, path) ?? null;
      if (injected) return sendInjected(res, injected);
      await this.dispatch(req, res, url, path, door);
    } catch (error) {
      if (!(error instanceof KiteHttpError)) throw error;
      status = error.status;
      sendJson(res, status, {
        status: 'error',
        message: error.message,
        data: null,
        error_type: error.errorType,
      });
    } finally {
      this.ctx.log.push({
        route: `${req.method} ${url.pathname}`,
        at: arrivedAt,
        status: res.statusCode || status,
        ...(injected ? { injected: true as const } : {}),
      });
    }
  }

  private routeClass(path: string): RouteClass {
    if (path.startsWith('/instruments/historical/')) return 'historical';
    if (path.startsWith('/quote')) return 'quote';
    return 'other';
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    path: string,
    door: SessionDoor,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    if (door === 'api' && method === 'POST' && path.startsWith('/api/')) return this.webLogin(req, res, path);
    if (door === 'api' && method === 'POST' && path === '/session/token')
      return this.createSession(res, await readBody(req));
    if (method === 'GET' && path === '/instruments') return this.instruments(res);
    const exchangeMatch = path.match(/^\/instruments\/([A-Z]+)$/);
    if (method === 'GET' && exchangeMatch) return this.instruments(res, exchangeMatch[1]);

    this.authorize(req, door);
    if (method === 'DELETE' && path === '/session/token')
      return sendJson(res, 200, { status: 'success', data: true });
    if (method === 'GET' && path === '/user/profile') return this.profile(res);
    const historical = path.match(/^\/instruments\/historical\/(\d+)\/([a-z0-9]+)$/);
    if (method === 'GET' && historical)
      return this.historical(res, Number(historical[1]), historical[2]!, url);
    if (method === 'GET' && path === '/quote') return this.quote(res, url, 'full');
    if (method === 'GET' && path === '/quote/ohlc') return this.quote(res, url, 'ohlc');
    if (method === 'GET' && path === '/quote/ltp') return this.quote(res, url, 'ltp');
    throw new KiteHttpError(404, 'GeneralException', `Route not found: ${method} ${path}`);
  }

  private async webLogin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const body = await readBody(req);
    let answer: WebLoginAnswer;
    if (path === '/api/login') answer = this.ctx.webLogin.login(body);
    else if (path === '/api/twofa') answer = this.ctx.webLogin.twofa(body, req.headers.cookie);
    else throw new KiteHttpError(404, 'GeneralException', `Route not found: POST ${path}`);
    if (answer.cookies.length > 0) res.setHeader('Set-Cookie', answer.cookies);
    sendJson(res, answer.status, answer.payload);
  }

  private authorize(req: IncomingMessage, door: SessionDoor): void {
    if (!this.ctx.credentials.acceptsAuthorization(req.headers.authorization, door)) {
      throw new KiteHttpError(403, 'TokenException', 'Incorrect `api_key` or `access_token`.');
    }
  }

  private instruments(res: ServerResponse, exchange?: string): void {
    send(res, 200, instrumentsCsv(this.ctx.market.instruments(), exchange), 'text/csv');
  }

  private createSession(res: ServerResponse, body: URLSearchParams): void {
    const { apiKey, apiSecret, accessToken, userId } = this.ctx.credentials;
    const requestToken = body.get('request_token') ?? '';
    const expected = createHash('sha256').update(`${apiKey}${requestToken}${apiSecret}`).digest('hex');
    if (body.get('api_key') !== apiKey || !requestToken || body.get('checksum') !== expected) {
      throw new KiteHttpError(403, 'TokenException', 'Invalid `checksum`.');
    }
    sendJson(res, 200, {
      status: 'success',
      data: {
        user_type: 'individual',
        user_id: userId,
        user_name: 'Simulated Trader',
        user_shortname: 'Sim',
        broker: 'ZERODHA',
        exchanges: ['NSE', 'NFO', 'BSE', 'BFO'],
        api_key: apiKey,
        access_token: accessToken,
        public_token: 'sim_public_token',
        refresh_token: '',
        login_time: formatIstDateTime(this.ctx.now()),
      },
    });
  }

  private profile(res: ServerResponse): void {
    sendJson(res, 200, {
      status: 'success',
      data: {
        user_id: this.ctx.credentials.userId,
        user_type: 'individual',
        user_name: 'Simulated Trader',
        user_shortname: 'Sim',
        broker: 'ZERODHA',
        exchanges: ['NSE', 'NFO', 'BSE', 'BFO'],
        products: ['CNC', 'NRML', 'MIS'],
        order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
        avatar_url: null,
        meta: { demat_consent: 'physical' },
      },
    });
  }

  private historical(res: ServerResponse, token: number, interval: string, url: URL): void {
    if (interval !== 'minute')
      throw new KiteHttpError(400, 'InputException', 'invalid interval: the simulator serves minute candles');
    if (!this.ctx.market.instrument(token)) throw new KiteHttpError(400, 'InputException', 'invalid token');
    const from = parseIstParam(url.searchParams.get('from'), 'from');
    const to = Math.min(parseIstParam(url.searchParams.get('to'), 'to'), this.ctx.now());
    if (to - from > MAX_HISTORICAL_DAYS * 86_400_000) {
      throw new KiteHttpError(
        400,
        'InputException',
        `interval exceeds max limit: ${MAX_HISTORICAL_DAYS} days`,
      );
    }
    const withOi = url.searchParams.get('oi') === '1';
    // A minute is served once it has ended, as Kite does.
    const lastComplete = Math.floor(this.ctx.now() / 60_000) * 60_000 - 60_000;
    const candles = this.ctx.market.candles(token, from, Math.min(to, lastComplete)).map((c) => {
      const row: (string | number)[] = [kiteTimestamp(c.time), c.open, c.high, c.low, c.close, c.volume];
      if (withOi) row.push(c.oi);
      return row;
    });
    sendJson(res, 200, { status: 'success', data: { candles } });
  }

  private quote(res: ServerResponse, url: URL, detail: 'full' | 'ohlc' | 'ltp'): void {
    const keys = url.searchParams.getAll('i');
    if (keys.length === 0)
      throw new KiteHttpError(400, 'InputException', 'No instruments given: use i=EXCHANGE:TRADINGSYMBOL');
    if (keys.length > 500)
      throw new KiteHttpError(400, 'InputException', 'Too many instruments: at most 500 per request');
    const now = this.ctx.now();
    const data: Record<string, unknown> = {};
    for (const key of keys) {
      const instrument = /^\d+$/.test(key)
        ? this.ctx.catalogue.byInstrumentToken(Number(key))
        : this.ctx.catalogue.byTradingsymbol(key);
      if (!instrument) continue;
      const q = this.ctx.market.quote(instrument.instrumentToken, now);
      const base = { instrument_token: instrument.instrumentToken, last_price: q.lastPrice };
      if (detail === 'ltp') data[key] = base;
      else if (detail === 'ohlc') data[key] = { ...base, ohlc: q.ohlc };
      else {
        data[key] = {
          ...base,
          timestamp: formatIstDateTime(now),
          last_trade_time: formatIstDateTime(q.lastTradeTime),
          last_quantity: q.lastQuantity,
          buy_quantity: q.buyQuantity,
          sell_quantity: q.sellQuantity,
          volume: q.volume,
          average_price: q.averagePrice,
          oi: q.oi,
          oi_day_high: q.oiDayHigh,
          oi_day_low: q.oiDayLow,
          net_change: 0,
          lower_circuit_limit: 0.05,
          upper_circuit_limit: Math.round(q.lastPrice * 300) / 100,
          ohlc: q.ohlc,
          depth: q.depth,
        };
      }
    }
    sendJson(res, 200, { status: 'success', data });
  }
}
