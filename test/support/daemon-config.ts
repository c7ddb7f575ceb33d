import { loadConfig, type Config } from '../../src/config.ts';
import type { SimServer } from '../../src/sim/server.ts';

/** The daemon's settings (env) pointing it at a simulator as at Kite (`MARKET_DATA=kite`), market always open, API on a free port. */
export function simAsKiteEnv(sim: SimServer): Record<string, string> {
  return {
    MARKET_DATA: 'kite',
    KITE_API_ROOT: sim.apiRoot,
    KITE_WS_ROOT: sim.wsRoot,
    KITE_WEB_ROOT: sim.webRoot,
    KITE_WEB_WS_ROOT: sim.webWsRoot,
    KITE_API_KEY: sim.credentials.apiKey,
    KITE_ACCESS_TOKEN: sim.credentials.accessToken,
    MARKET_HOURS: 'always',
    HTTP_PORT: '0',
  };
}

/** The daemon's config pointed at a simulator as at Kite (`MARKET_DATA=kite`), API on a free port. */
export function configAgainstSim(sim: SimServer, settings: Record<string, string>): Config {
  return loadConfig({ ...simAsKiteEnv(sim), ...settings });
}
