import type { Config } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { MetricsRegistry } from '../http/metrics.ts';
import { logFeedAndSession } from '../feed-reports.ts';
import { InstrumentCatalogue } from '../kite/instrument-catalogue.ts';
import { KiteSession } from '../kite/kite-session.ts';
import { kiteEndpoint, type MarketEndpoint } from '../kite/market-feed.ts';
import { KiteRestClient } from '../kite/rest-client.ts';
import { TickerClient, type TickerCredentials } from '../kite/ticker-client.ts';
import type { Logger } from '../log.ts';
import { startSimServer, type SimServer } from '../sim/server.ts';
import type { OiStore } from '../store/oi-store.ts';
import { wallClock, type Clock } from '../util/clock.ts';
import type { AppContext } from './context.ts';
import { PlayedSessionClock } from './session-clock.ts';

export type { SimServer } from '../sim/server.ts';

const NO_SESSION =
  'MARKET_DATA=kite needs a Kite session: run `npm run login` (Zerodha user id, password and 2FA code), ' +
  'or set KITE_API_KEY with KITE_ACCESS_TOKEN, or KITE_ENCTOKEN with KITE_USER_ID';

export interface MarketData {
  readonly rest: KiteRestClient;
  /** Every instrument of the exchanges the configured chains use. */
  readonly catalogue: InstrumentCatalogue;
  /** Not yet connected: the trackers start it once they have subscribed. */
  readonly ticker: TickerClient;
  readonly session: KiteSession;
  /** The in-process simulator when MARKET_DATA=sim. */
  readonly sim?: SimServer;
  /** Whether any ticker connection is up. */
  feedUp(): boolean;
  /**
   * Played milliseconds between two ticks of one option: the simulator ticks every real second, so at
   * SIM_SPEED 40 a price is up to 40 played seconds old. 0 for Kite, whose ticks come as prices change.
   */
  readonly playedTickIntervalMs: number;
  /** Downloads the instrument list again into `catalogue` (the daily 08:30 job); the trackers' next cycles use it. */
  reloadInstruments(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The simulator runs on the daemon's clock; only on the default wall clock with SIM_SPEED other than 1
 * does it keep a faster clock of its own (the daemon then reads the wall clock, as it always has).
 */
function simClock(config: Config, clock: Clock): Clock | undefined {
  return clock === wallClock && config.sim.speed !== 1 ? undefined : clock;
}

/** Where market data comes from: Kite itself, or the simulator started here in sim mode. */
async function marketEndpoint(
  config: Config,
  logger: Logger,
  clock: Clock,
): Promise<MarketEndpoint & { sim?: SimServer; playedTickIntervalMs: number }> {
  if (config.marketData === 'kite') return { ...kiteEndpoint(config), playedTickIntervalMs: 0 };
  const shared = simClock(config, clock);
  const sim = await startSimServer({
    seed: config.sim.seed,
    speed: config.sim.speed,
    apiKey: config.sim.apiKey,
    accessToken: config.sim.accessToken,
    ...(shared ? { clock: shared } : {}),
  });
  logger.info({ apiRoot: sim.apiRoot, seed: config.sim.seed, speed: config.sim.speed }, 'simulator started');
  return {
    roots: { apiRoot: sim.apiRoot, wsRoot: sim.wsRoot, webRoot: sim.webRoot, webWsRoot: sim.webWsRoot },
    credentials: {
      kind: 'access_token',
      apiKey: sim.credentials.apiKey,
      accessToken: sim.credentials.accessToken,
    },
    login: { apiKey: sim.credentials.apiKey, apiSecret: sim.credentials.apiSecret },
    sim,
    // A played session's clock runs `speed` times real time; any other clock the daemon reads (the
    // wall clock, or one a test injected) sees a real second between ticks.
    playedTickIntervalMs: sim.tickIntervalMs * (shared instanceof PlayedSessionClock ? shared.speed : 1),
  };
}

/** The session to start with: one stored by `npm run login` or from chat that is still valid, else the configured one. */
function startingSession(
  config: Config,
  endpoint: MarketEndpoint,
  store: OiStore,
  app: AppContext,
): TickerCredentials {
  const stored =
    config.marketData === 'kite'
      ? KiteSession.storedCredentials(store.sessionStore(), endpoint.login.apiKey, app.clock.now())
      : null;
  if (stored)
    app.logger.info({ kind: stored.kind }, 'using the Kite session set from chat or by npm run login');
  const credentials = stored ?? endpoint.credentials;
  if (!credentials) throw new ConfigError(NO_SESSION);
  return credentials;
}

async function downloadInstruments(rest: KiteRestClient, config: Config) {
  const exchanges = new Set(config.chains.flatMap((spec) => [spec.indexExchange, spec.optionsExchange]));
  const lists = await Promise.all([...exchanges].map((exchange) => rest.instruments(exchange)));
  return lists.flat();
}

/** The session, REST client, instrument catalogue and ticker, on Kite or the simulator. */
export async function startMarketData(
  app: AppContext,
  store: OiStore,
  metrics: MetricsRegistry,
): Promise<MarketData> {
  const { config, logger, clock } = app;
  const endpoint = await marketEndpoint(config, logger, clock);
  try {
    const credentials = startingSession(config, endpoint, store, app);
    // The session needs the REST client and the REST client reports expiry to the session.
    const sessionRef: { current?: KiteSession } = {};
    const { roots } = endpoint;
    const rest = new KiteRestClient({
      apiRoot: roots.apiRoot,
      webRoot: roots.webRoot,
      credentials,
      onSessionExpired: (message) => sessionRef.current?.markExpired(message),
    });
    const catalogue = new InstrumentCatalogue(await downloadInstruments(rest, config));
    logger.info({ instruments: catalogue.size }, 'instruments loaded');
    const ticker = new TickerClient({ wsRoot: roots.wsRoot, webWsRoot: roots.webWsRoot, credentials });
    const session = new KiteSession({
      rest,
      ticker,
      store: store.sessionStore(),
      ...endpoint.login,
      now: () => clock.now(),
    });
    sessionRef.current = session;
    logFeedAndSession({ ticker, session, logger });
    ticker.on('ticks', (ticks) => metrics.ticks.inc(ticks.length));
    return {
      rest,
      catalogue,
      ticker,
      session,
      ...(endpoint.sim ? { sim: endpoint.sim } : {}),
      feedUp: () => ticker.connectedCount > 0,
      playedTickIntervalMs: endpoint.playedTickIntervalMs,
      reloadInstruments: async () => {
        catalogue.replace(await downloadInstruments(rest, config));
        logger.info({ instruments: catalogue.size }, 'instruments reloaded');
      },
      stop: async () => {
        ticker.stop();
        await endpoint.sim?.close();
      },
    };
  } catch (error) {
    await endpoint.sim?.close();
    throw error;
  }
}
