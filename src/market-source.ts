import type { Config } from './config.ts';
import { InstrumentCatalogue } from './kite/instrument-catalogue.ts';
import { kiteEndpoint, type MarketEndpoint } from './kite/market-feed.ts';
import type { KiteRestClient } from './kite/rest-client.ts';
import type { Logger } from './log.ts';
import { startSimServer, type SimServer } from './sim/server.ts';

type Stop = () => Promise<void> | void;

/** Where market data comes from: Kite itself, or the simulator started here in sim mode (stopped through `stops`). */
export async function marketEndpoint(
  config: Config,
  logger: Logger,
  stops: Stop[],
): Promise<MarketEndpoint & { sim?: SimServer }> {
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
  return {
    apiRoot: sim.apiRoot,
    wsRoot: sim.wsRoot,
    rest: credentials,
    ticker: credentials,
    login: { apiKey: sim.credentials.apiKey, apiSecret: sim.credentials.apiSecret },
    sim,
  };
}

/** Every instrument of the exchanges the configured chains use. */
export async function loadCatalogue(rest: KiteRestClient, config: Config): Promise<InstrumentCatalogue> {
  const exchanges = new Set(config.chains.flatMap((spec) => [spec.indexExchange, spec.optionsExchange]));
  const lists = await Promise.all([...exchanges].map((exchange) => rest.instruments(exchange)));
  return new InstrumentCatalogue(lists.flat());
}
