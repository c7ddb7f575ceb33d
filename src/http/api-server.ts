import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { findChain } from '../chain-specs.ts';
import type { ChainSpec, ChainStatus } from '../tracker/types.ts';
import type { ChainJson } from './chain-json.ts';
import type { MetricsRegistry } from './metrics.ts';

/** What the API serves, supplied by the daemon. */
export interface ApiSource {
  chains(): readonly ChainSpec[];
  /** The chain's latest data, or null before its first cycle. */
  chainJson(chainId: string): ChainJson | null;
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
  handle(request: { params: string[]; query: URLSearchParams; body: unknown }): {
    status: number;
    body: unknown;
  };
}

export interface ApiServerOptions {
  host: string;
  port: number;
  token?: string;
  source: ApiSource;
  metrics: MetricsRegistry;
  routes?: readonly ApiRoute[];
}

const MAX_BODY_BYTES = 64 * 1024;

class BadRequest extends Error {}

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

export interface ApiServer {
  readonly url: string;
  close(): Promise<void>;
}

const DEGRADED_STATUSES = new Set(['Stale', 'Disconnected']);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(req.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The local JSON API: chain data, server-sent events, health and Prometheus metrics. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { source } = options;
  const streams = new Set<ServerResponse>();

  function allChains(res: ServerResponse): void {
    const body: Record<string, ChainJson | null> = {};
    for (const spec of source.chains()) body[spec.id] = source.chainJson(spec.id);
    sendJson(res, 200, body);
  }

  function oneChain(res: ServerResponse, name: string): void {
    const spec = findChain(source.chains(), decodeURIComponent(name));
    if (!spec) {
      const known = source.chains().map((chain) => chain.id);
      return sendJson(res, 404, { error: `unknown chain "${name}"; tracked chains: ${known.join(', ')}` });
    }
    const json = source.chainJson(spec.id);
    if (!json) return sendJson(res, 503, { error: `chain ${spec.id} has no data yet (starting)` });
    sendJson(res, 200, json);
  }

  function health(res: ServerResponse): void {
    const report = source.health();
    const degraded =
      !report.database.ok ||
      Object.values(report.chains).some((chain) => DEGRADED_STATUSES.has(chain.status));
    sendJson(res, degraded ? 503 : 200, { status: degraded ? 'degraded' : 'ok', ...report });
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  const unsubscribe = source.onEvent((event, data) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });
  const keepAlive = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, 15_000);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://api');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz' && req.method === 'GET') return health(res);
    if (!authorized(req, options.token)) {
      return sendJson(res, 401, {
        error: 'missing or wrong bearer token: send "Authorization: Bearer <HTTP_TOKEN>"',
      });
    }
    for (const extra of options.routes ?? []) {
      const params = extra.match(path);
      if (!params) continue;
      if (req.method !== extra.method) return sendJson(res, 405, { error: `${path} takes ${extra.method}` });
      try {
        const body = req.method === 'POST' ? await readJsonBody(req) : undefined;
        const answer = extra.handle({ params, query: url.searchParams, body });
        return sendJson(res, answer.status, answer.body);
      } catch (error) {
        if (error instanceof BadRequest)
          return sendJson(res, 400, { success: false, message: error.message });
        throw error;
      }
    }
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'only GET is supported here' });
    if (path === '/api/data') return allChains(res);
    if (path.startsWith('/api/data/')) return oneChain(res, path.slice('/api/data/'.length));
    if (path === '/api/events') return events(req, res);
    if (path === '/metrics') {
      const text = await options.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': options.metrics.registry.contentType });
      res.end(text);
      return;
    }
    sendJson(res, 404, {
      error: `no route ${path}; try /api/data, /api/data/<chain>, /api/events, /healthz, /metrics`,
    });
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        clearInterval(keepAlive);
        for (const stream of streams) stream.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
