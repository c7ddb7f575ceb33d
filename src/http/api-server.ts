import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findChain } from '../chain-specs.ts';
import { UserError } from '../errors.ts';
import type { ChainSpec, ChainStatus } from '../tracker/types.ts';
import type { ChainJson } from './chain-json.ts';
import {
  bearerAuthorized,
  cookieAuthorized,
  fromOwnOrigin,
  signInCookie,
  signOutCookie,
  tokenMatches,
} from './desk-auth.ts';
import { deskRoutes, type DeskSource } from './desk-routes.ts';
import { DESK_SECURITY_HEADERS, deskFile } from './desk-static.ts';
import type { MetricsRegistry } from './metrics.ts';

/** What the API serves, supplied by the daemon. */
export interface ApiSource {
  chains(): readonly ChainSpec[];
  /** The chain's latest data, or null before its first cycle. */
  chainJson(chainId: string): ChainJson | null;
  /**
   * The chain at a past instant (`?at=`, with `?expiry=` one of its tracked expiries), as that cycle
   * published it, or the refusal (400/404).
   */
  pastChainJson?(chainId: string, at: string, expiry?: string): { status: number; body: unknown };
  /** One tracked expiry of the chain (`?expiry=next|YYYY-MM-DD`), or the refusal (400/404/503). */
  expiryChainJson?(chainId: string, expiry: string): { status: number; body: unknown };
  health(): {
    database: { ok: boolean; error?: string };
    chains: Record<string, { status: ChainStatus | 'Starting' }>;
  };
  /** Calls `listener(eventName, data)` for each pushed event; returns an unsubscribe function. */
  onEvent(listener: (event: string, data: unknown) => void): () => void;
}

/** A route beyond the built-in ones (e.g. paper trading); its answer is sent as JSON. */
export interface ApiRoute {
  method: 'GET' | 'POST';
  /** The path's parameters when it matches, else null. */
  match(path: string): string[] | null;
  handle(request: {
    params: string[];
    query: URLSearchParams;
    body: unknown;
    /** Set when the desk page sent the request: the owner (WEB_OWNER) its orders and exits must have. */
    pageOwner?: string;
  }): ApiAnswer | Promise<ApiAnswer>;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** The Kite session in use, as POST /api/session switches it (the same path /enctoken takes). */
export interface SessionSwitch {
  /** Checks the web session with Kite, stores it and switches market data to it; answers Kite's user id. */
  useEnctoken(enctoken: string): Promise<string>;
}

export interface ApiServerOptions {
  host: string;
  port: number;
  token?: string;
  source: ApiSource;
  metrics: MetricsRegistry;
  routes?: readonly ApiRoute[];
  /** The book orders from the desk page go into (WEB_OWNER); default "web". */
  webOwner?: string;
  /** Serves the desk's own routes (/api/pcr/:chain, /api/defaults). */
  desk?: DeskSource;
  /** Serves POST /api/session (only with a token: anyone on the machine could otherwise swap the session). */
  session?: SessionSwitch;
}

export interface ApiServer {
  readonly url: string;
  close(): Promise<void>;
}

/** One request as a route sees it. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  params: string[];
  query: URLSearchParams;
  pageOwner?: string;
}

/** Every route, built-in or added, has this one shape. */
interface Route {
  method: 'GET' | 'POST';
  match(path: string): string[] | null;
  /** Served without the bearer token (the health check, the desk's files and its sign-in). */
  open?: boolean;
  serve(exchange: Exchange): Promise<void> | void;
}

const MAX_BODY_BYTES = 64 * 1024;
const SESSION_BODY =
  'expected a JSON object {"enctoken": "<the enctoken cookie>", "user_id": "<Kite user id>"}';
const USER_ID = /^[A-Za-z0-9]{2,16}$/;
const KEEP_ALIVE_MS = 15_000;
const RECONNECT_MS = 2000;
const DEGRADED_STATUSES = new Set(['Stale', 'Disconnected']);

class BadRequest extends Error {}

/** The enctoken of a POST /api/session body, or BadRequest with what was expected. */
function sessionBody(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest(SESSION_BODY);
  const { enctoken, user_id: userId, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new BadRequest(`unexpected field "${extra[0]}"; ${SESSION_BODY}`);
  if (typeof enctoken !== 'string' || enctoken === '') throw new BadRequest(`no enctoken; ${SESSION_BODY}`);
  if (typeof userId !== 'string' || !USER_ID.test(userId)) {
    throw new BadRequest(
      `user_id must be a Kite user id (letters and digits, e.g. "AB1234"); ${SESSION_BODY}`,
    );
  }
  return enctoken;
}

const exact = (path: string) => (candidate: string) => (candidate === path ? [] : null);
const under = (prefix: string) => (candidate: string) =>
  candidate.startsWith(prefix) ? [candidate.slice(prefix.length)] : null;

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('body is not valid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** How a request proved itself: no token is set, the bearer header, or the desk's sign-in cookie; else null. */
function authorization(req: IncomingMessage, token: string | undefined): 'open' | 'bearer' | 'cookie' | null {
  if (!token) return 'open';
  if (bearerAuthorized(req, token)) return 'bearer';
  return cookieAuthorized(req, token) ? 'cookie' : null;
}

/** An added route: its body read as JSON for POST, its answer sent as JSON. */
function jsonRoute(route: ApiRoute): Route {
  return {
    method: route.method,
    match: (path) => route.match(path),
    serve: async ({ req, res, params, query, pageOwner }) => {
      let body: unknown;
      try {
        body = req.method === 'POST' ? await readJsonBody(req) : undefined;
      } catch (error) {
        if (error instanceof BadRequest)
          return sendJson(res, 400, { success: false, message: error.message });
        throw error;
      }
      const answer = await route.handle({ params, query, body, ...(pageOwner ? { pageOwner } : {}) });
      sendJson(res, answer.status, answer.body);
    },
  };
}

/** /api/data, /api/data/<chain> and /healthz. */
function chainRoutes(source: ApiSource): Route[] {
  const allChains: Route['serve'] = ({ res }) => {
    const body: Record<string, ChainJson | null> = {};
    for (const spec of source.chains()) body[spec.id] = source.chainJson(spec.id);
    sendJson(res, 200, body);
  };
  const oneChain: Route['serve'] = ({ res, params: [name = ''], query }) => {
    const spec = findChain(source.chains(), decodeURIComponent(name));
    if (!spec) {
      const known = source.chains().map((chain) => chain.id);
      return sendJson(res, 404, { error: `unknown chain "${name}"; tracked chains: ${known.join(', ')}` });
    }
    const at = query.get('at');
    const expiry = query.get('expiry') ?? undefined;
    if (at !== null && source.pastChainJson) {
      const past = source.pastChainJson(spec.id, at, expiry);
      return sendJson(res, past.status, past.body);
    }
    if (expiry !== undefined && source.expiryChainJson) {
      const chosen = source.expiryChainJson(spec.id, expiry);
      return sendJson(res, chosen.status, chosen.body);
    }
    const json = source.chainJson(spec.id);
    if (!json) return sendJson(res, 503, { error: `chain ${spec.id} has no data yet (starting)` });
    sendJson(res, 200, json);
  };
  const health: Route['serve'] = ({ res }) => {
    const report = source.health();
    const degraded =
      !report.database.ok ||
      Object.values(report.chains).some((chain) => DEGRADED_STATUSES.has(chain.status));
    sendJson(res, degraded ? 503 : 200, { status: degraded ? 'degraded' : 'ok', ...report });
  };
  return [
    { method: 'GET', match: exact('/api/data'), serve: allChains },
    { method: 'GET', match: under('/api/data/'), serve: oneChain },
    { method: 'GET', match: exact('/healthz'), open: true, serve: health },
  ];
}

/** /api/events: server-sent events of the source, with a keep-alive comment every 15 s. */
function eventStream(source: ApiSource): { route: Route; close(): void } {
  const streams = new Set<ServerResponse>();
  const unsubscribe = source.onEvent((event, data) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });
  const keepAlive = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, KEEP_ALIVE_MS);
  const serve: Route['serve'] = ({ req, res }) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    // A browser's EventSource comes back this long after the stream drops.
    res.write(`retry: ${RECONNECT_MS}\n: connected\n\n`);
    streams.add(res);
    req.on('close', () => streams.delete(res));
  };
  return {
    route: { method: 'GET', match: exact('/api/events'), serve },
    close: () => {
      unsubscribe();
      clearInterval(keepAlive);
      for (const stream of streams) stream.end();
    },
  };
}

/**
 * POST /api/session: a Kite web session from `npm run login`, applied as /enctoken applies one. Refused
 * when the API has no token. The enctoken is never echoed or logged.
 */
function sessionRoute(session: SessionSwitch, token: string | undefined): Route {
  const serve: Route['serve'] = async ({ req, res }) => {
    if (!token) {
      return sendJson(res, 403, {
        success: false,
        message: "POST /api/session needs HTTP_TOKEN: set it in the daemon's settings and restart it",
      });
    }
    let enctoken: string;
    try {
      enctoken = sessionBody(await readJsonBody(req));
    } catch (error) {
      if (error instanceof BadRequest) return sendJson(res, 400, { success: false, message: error.message });
      throw error;
    }
    try {
      const userId = await session.useEnctoken(enctoken);
      sendJson(res, 200, { success: true, user_id: userId });
    } catch (error) {
      if (error instanceof UserError) return sendJson(res, 400, { success: false, message: error.message });
      throw error;
    }
  };
  return { method: 'POST', match: exact('/api/session'), serve };
}

/** `/` (the desk) and `/desk/<file>`, open to anyone: the page holds no data and asks for sign-in itself. */
function deskFileRoute(): Route {
  const serve: Route['serve'] = async ({ res, path }) => {
    const file = await deskFile(path);
    if (!file) return sendJson(res, 404, { error: `no desk file ${path}` });
    res.writeHead(200, {
      ...DESK_SECURITY_HEADERS,
      'Content-Type': file.contentType,
      'Content-Length': file.body.length,
      'Cache-Control': 'no-cache',
    });
    res.end(file.body);
  };
  return {
    method: 'GET',
    match: (path) => (path === '/' || path.startsWith('/desk/') ? [] : null),
    open: true,
    serve,
  };
}

/**
 * The desk's sign-in: GET /api/auth says whether a token is needed and whether this browser has signed in;
 * POST /api/auth {"token": "…"} checks it and sets the cookie; POST /api/auth/sign-out clears it.
 */
function deskAuthRoutes(token: string | undefined): Route[] {
  const state: Route['serve'] = ({ req, res }) =>
    sendJson(res, 200, { token_required: Boolean(token), signed_in: authorization(req, token) !== null });
  const signIn: Route['serve'] = async ({ req, res }) => {
    if (!token)
      return sendJson(res, 200, { success: true, message: 'no token is needed (HTTP_TOKEN is not set)' });
    let given: unknown;
    try {
      given = ((await readJsonBody(req)) as { token?: unknown } | null)?.token;
    } catch (error) {
      if (error instanceof BadRequest) return sendJson(res, 400, { success: false, message: error.message });
      throw error;
    }
    if (typeof given !== 'string' || !tokenMatches(given, token)) {
      return sendJson(res, 401, { success: false, message: 'wrong token: use the value of HTTP_TOKEN' });
    }
    res.setHeader('Set-Cookie', signInCookie(req, token));
    sendJson(res, 200, { success: true, message: 'signed in' });
  };
  const signOut: Route['serve'] = ({ req, res }) => {
    res.setHeader('Set-Cookie', signOutCookie(req));
    sendJson(res, 200, { success: true, message: 'signed out' });
  };
  return [
    { method: 'GET', match: exact('/api/auth'), open: true, serve: state },
    { method: 'POST', match: exact('/api/auth'), open: true, serve: signIn },
    { method: 'POST', match: exact('/api/auth/sign-out'), open: true, serve: signOut },
  ];
}

function metricsRoute(metrics: MetricsRegistry): Route {
  return {
    method: 'GET',
    match: exact('/metrics'),
    serve: async ({ res }) => {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
      res.end(text);
    },
  };
}

/**
 * Why a POST must be refused even with the right token: a web page in the trader's browser can post a
 * form (text/plain) or a cross-origin request to the loopback API. Null when the POST may go on.
 */
function crossSiteRefusal(req: IncomingMessage): string | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    return `a POST needs "Content-Type: application/json"; got ${type === '' ? 'none' : `"${type}"`}`;
  }
  const origin = req.headers.origin;
  if (
    origin !== undefined &&
    origin !== `http://${req.headers.host}` &&
    origin !== `https://${req.headers.host}`
  ) {
    return `a POST from another origin (${origin}) is refused; send it from this page or without an Origin`;
  }
  return null;
}

/**
 * Finds the route for a request: the health check and the desk's files and sign-in answer anyone,
 * everything else needs the bearer token or the desk's cookie; a known path with another method is 405,
 * an unknown one 404 (405 for anything but GET). A request from the desk page (its cookie or its own
 * origin) trades in the book `webOwner`.
 */
function dispatcher(routes: readonly Route[], token: string | undefined, webOwner: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://api');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const matching = routes.filter((route) => route.match(path) !== null);
    const route = matching.find((candidate) => candidate.method === req.method) ?? matching[0];
    const allowed = route?.method === req.method;
    const auth = authorization(req, token);
    if (!(allowed && route?.open) && !auth) {
      return sendJson(res, 401, {
        error:
          'missing or wrong bearer token: send "Authorization: Bearer <HTTP_TOKEN>" or sign in on the desk',
      });
    }
    if (!route) {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'only GET is supported here' });
      return sendJson(res, 404, {
        error: `no route ${path}; try / (the desk), /api/data, /api/data/<chain>, /api/events, /healthz, /metrics`,
      });
    }
    if (!allowed) return sendJson(res, 405, { error: `${path} takes ${route.method}` });
    const refusal = req.method === 'POST' ? crossSiteRefusal(req) : null;
    if (refusal) return sendJson(res, 403, { success: false, error: refusal });
    const pageOwner = auth === 'cookie' || fromOwnOrigin(req) ? webOwner : undefined;
    await route.serve({ req, res, path, params: route.match(path)!, query: url.searchParams, pageOwner });
  };
}

async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { address, port: bound } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${bound}`;
}

/** The local JSON API: chain data, server-sent events, health and Prometheus metrics. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const events = eventStream(options.source);
  const added = options.routes ?? [];
  const getServed = (path: string) =>
    added.some((route) => route.method === 'GET' && route.match(path) !== null);
  const routes = [
    ...[...added, ...(options.desk ? deskRoutes(options.desk, getServed) : [])].map(jsonRoute),
    ...chainRoutes(options.source),
    ...(options.session ? [sessionRoute(options.session, options.token)] : []),
    events.route,
    metricsRoute(options.metrics),
    deskFileRoute(),
    ...deskAuthRoutes(options.token),
  ];
  const dispatch = dispatcher(routes, options.token, options.webOwner ?? 'web');
  const server = createServer((req, res) => {
    dispatch(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.end();
    });
  });
  let url: string;
  try {
    url = await listen(server, options.port, options.host);
  } catch (error) {
    events.close();
    throw error;
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        events.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
