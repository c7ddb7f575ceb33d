import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InstrumentCatalogue } from '../kite/instrument-catalogue.ts';
import { SimClock } from './clock.ts';
import { SimCredentials } from './credentials.ts';
import { FaultInjector } from './fault-injection.ts';
import { SimMarket } from './market-model.ts';
import { RestApi, type RequestLogEntry } from './rest-api.ts';
import { TickerServer, WEB_TICKER_PATH } from './ticker-server.ts';
import { SimWebLogin } from './web-login.ts';

export interface SimServerOptions {
  seed: number;
  /** Simulated seconds per real second. */
  speed?: number;
  /** The simulated instant the clock starts at (epoch ms); default: now. */
  startAt?: number;
  /** The caller's clock (e.g. shared with a daemon, jumping nights); overrides `speed` and `startAt`. */
  clock?: { now(): number };
  port?: number;
  host?: string;
  apiKey?: string;
  accessToken?: string;
  apiSecret?: string;
  tickIntervalMs?: number;
  heartbeatMs?: number;
}

export interface SimServer {
  readonly port: number;
  readonly apiRoot: string;
  readonly wsRoot: string;
  /** Kite's web app on the simulator: `/api/login`, `/api/twofa`, and REST for web sessions under `/oms`. */
  readonly webRoot: string;
  /** The web ticker, for web sessions (enctoken). */
  readonly webWsRoot: string;
  readonly credentials: SimCredentials;
  readonly market: SimMarket;
  readonly ticker: TickerServer;
  readonly requestLog: RequestLogEntry[];
  /** Real milliseconds between two ticks of an instrument. */
  readonly tickIntervalMs: number;
  /** REST failures for tests to arm: `faults.failRoute('quote', { status: 429, times: 5 })`, `faults.historicalDown`. */
  readonly faults: FaultInjector;
  now(): number;
  /** Expires the access token (REST answers 403 TokenException, the ticker refuses) and drops live sockets. */
  expireSession(): void;
  close(): Promise<void>;
}

/** Kite Connect v3 on one loopback port: REST and the binary ticker, over a deterministic market. */
export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const clock = options.clock ?? new SimClock(options.speed ?? 1, Date.now, options.startAt);
  const now = () => clock.now();
  const market = new SimMarket({ seed: options.seed, asOf: now() });
  const catalogue = new InstrumentCatalogue(market.instruments());
  const credentials = new SimCredentials(
    options.apiKey ?? 'sim_api_key',
    options.accessToken ?? 'sim_access_token',
    options.apiSecret,
  );
  const requestLog: SimServer['requestLog'] = [];
  const tickIntervalMs = options.tickIntervalMs ?? 1000;
  const faults = new FaultInjector();
  const webLogin = new SimWebLogin(credentials);
  const rest = new RestApi({ market, catalogue, now, credentials, log: requestLog, faults, webLogin });
  const ticker = new TickerServer({
    market,
    credentials,
    now,
    tickIntervalMs,
    heartbeatMs: options.heartbeatMs ?? 1000,
  });

  const server: Server = createServer((req, res) => {
    rest.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'error',
          message: String(error),
          data: null,
          error_type: 'GeneralException',
        }),
      );
    });
  });
  server.on('upgrade', (request, socket, head) => ticker.handleUpgrade(request, socket, head));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    apiRoot: `http://${host}:${port}`,
    wsRoot: `ws://${host}:${port}`,
    webRoot: `http://${host}:${port}`,
    webWsRoot: `ws://${host}:${port}${WEB_TICKER_PATH}`,
    credentials,
    market,
    ticker,
    requestLog,
    tickIntervalMs,
    faults,
    now,
    expireSession: () => {
      credentials.expire();
      ticker.dropConnections();
    },
    close: () =>
      new Promise<void>((resolve) => {
        ticker.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
