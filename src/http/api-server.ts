import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findChain } from '../chain-specs.ts';
import type { ChainSpec, ChainStatus } from '../tracker/types.ts';
import type { ChainJson } from './chain-json.ts';
import { fromOwnOrigin, requestAuthorization } from './desk-auth.ts';
import { deskAuthRoutes, deskFileRoute } from './desk-page-routes.ts';
import { deskRoutes, type DeskSource } from './desk-routes.ts';
import { eventStream } from './event-stream.ts';
import { BadRequest, exact, readJsonBody, sendJson, under, type Route } from './http-exchange.ts';
import type { MetricsRegistry } from './metrics.ts';
import { sessionRoute, type SessionSwitch } from './session-route.ts';

export type { SessionSwitch } from './session-route.ts';

const DEGRADED_STATUSES = new Set(['Stale', 'Disconnected']);

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
    const auth = requestAuthorization(req, token);
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
