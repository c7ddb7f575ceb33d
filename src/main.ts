import { loadConfig, type Config } from './config.ts';
import { ConfigError } from './errors.ts';
import { logFeedActivity } from './feed-log.ts';
import { InstrumentCatalogue } from './kite/instrument-catalogue.ts';
import { kiteEndpoint, type MarketEndpoint } from './kite/market-feed.ts';
import { KiteRestClient } from './kite/rest-client.ts';
import { TickerClient } from './kite/ticker-client.ts';
import { createLogger, type Logger } from './log.ts';
import { startSimServer } from './sim/server.ts';

/** The indices tracked until chains become configurable, with their option series. */
const INDICES = [
  { index: 'NIFTY 50', exchange: 'NSE', options: { name: 'NIFTY', exchange: 'NFO' } },
  { index: 'SENSEX', exchange: 'BSE', options: { name: 'SENSEX', exchange: 'BFO' } },
];

type Stop = () => Promise<void> | void;

async function marketEndpoint(config: Config, logger: Logger, stops: Stop[]): Promise<MarketEndpoint> {
  if (config.marketData === 'kite') return kiteEndpoint(config);
  const sim = await startSimServer({
    seed: config.sim.seed,
    speed: config.sim.speed,
    apiKey: config.sim.apiKey,
    accessToken: config.sim.accessToken,
  });
  stops.push(() => sim.close());
  logger.info({ apiRoot: sim.apiRoot, seed: config.sim.seed, speed: config.sim.speed }, 'simulator started');
  const credentials = {
    kind: 'access_token',
    apiKey: sim.credentials.apiKey,
    accessToken: sim.credentials.accessToken,
  } as const;
  return { apiRoot: sim.apiRoot, wsRoot: sim.wsRoot, rest: credentials, ticker: credentials };
}

/** Index tokens, plus the at-the-money call and put of each nearest expiry. */
async function tokensToWatch(rest: KiteRestClient, catalogue: InstrumentCatalogue): Promise<number[]> {
  const tokens: number[] = [];
  const indexKeys = INDICES.map(({ index, exchange }) => `${exchange}:${index}`);
  const prices = await rest.ltp(indexKeys);
  for (const [i, { index, options }] of INDICES.entries()) {
    const indexToken = catalogue.index(index)?.instrumentToken;
    if (indexToken !== undefined) tokens.push(indexToken);
    const expiry = catalogue.nearestExpiry(options, Date.now());
    const chain = expiry ? catalogue.chain(options, expiry) : undefined;
    const price = prices.get(indexKeys[i]!);
    if (!chain || price === undefined) continue;
    const atm = Math.round(price / chain.strikeStep) * chain.strikeStep;
    for (const type of ['CE', 'PE'] as const) {
      const option = catalogue.option(options, chain.expiry, atm, type);
      if (option) tokens.push(option.instrumentToken);
    }
  }
  return tokens;
}

async function run(config: Config, logger: Logger): Promise<Stop[]> {
  const stops: Stop[] = [];
  const endpoint = await marketEndpoint(config, logger, stops);
  const rest = new KiteRestClient({ apiRoot: endpoint.apiRoot, credentials: endpoint.rest });
  const instruments = (
    await Promise.all(['NSE', 'BSE', 'NFO', 'BFO'].map((exchange) => rest.instruments(exchange)))
  ).flat();
  const catalogue = new InstrumentCatalogue(instruments);
  logger.info({ instruments: catalogue.size }, 'instruments loaded');

  const ticker = new TickerClient({ wsRoot: endpoint.wsRoot, credentials: endpoint.ticker });
  ticker.on('connected', (shard) => logger.info({ shard }, 'ticker connected'));
  ticker.on('disconnected', (shard, reason) => logger.warn({ shard, reason }, 'ticker disconnected'));
  ticker.on('error', (error) => logger.debug({ err: error.message }, 'ticker error'));
  ticker.subscribe(await tokensToWatch(rest, catalogue), 'full');
  ticker.start();
  stops.push(() => ticker.stop());
  stops.push(logFeedActivity(ticker, catalogue, logger));
  return stops;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  logger.info({ marketData: config.marketData }, 'oi-tracker starting');
  const stops = await run(config, logger);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const forced = setTimeout(() => process.exit(1), 5000);
    for (const stop of stops.reverse()) await stop();
    clearTimeout(forced);
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`oi-tracker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
