import type { TickerCredentials } from './ticker-client.ts';

/**
 * Where each kind of Kite session is served: an API-key session at Kite Connect (`apiRoot`, `wsRoot`),
 * a web session (enctoken) at Kite's web app (REST under `<webRoot>/oms`, ticks from `webWsRoot`).
 */
export interface KiteRoots {
  apiRoot: string;
  wsRoot: string;
  webRoot: string;
  webWsRoot: string;
}

/** Where market data comes from and with which credentials: Kite itself or the in-process simulator. */
export interface MarketEndpoint {
  roots: KiteRoots;
  /** The session configured (or the simulator's); null when the settings name none. */
  credentials: TickerCredentials | null;
  /** What /login and /token use: the app's API key and secret. */
  login: { apiKey?: string; apiSecret?: string };
}

/** Where Kite is and how to sign in to it; the config's `kite` section is one. */
export interface KiteSettings extends KiteRoots {
  auth: TickerCredentials | null;
  apiKey?: string;
  apiSecret?: string;
}

export function kiteEndpoint(config: { kite: KiteSettings }): MarketEndpoint {
  const { apiRoot, wsRoot, webRoot, webWsRoot, auth } = config.kite;
  const credentials: TickerCredentials | null =
    auth?.kind === 'access_token'
      ? { kind: 'access_token', apiKey: auth.apiKey, accessToken: auth.accessToken }
      : auth;
  return {
    roots: { apiRoot, wsRoot, webRoot, webWsRoot },
    credentials,
    login: { apiKey: config.kite.apiKey, apiSecret: config.kite.apiSecret },
  };
}
