import type { RestCredentials } from './rest-client.ts';
import type { TickerCredentials } from './ticker-client.ts';

/** Where market data comes from and with which credentials: Kite itself or the in-process simulator. */
export interface MarketEndpoint {
  apiRoot: string;
  wsRoot: string;
  rest: RestCredentials;
  ticker: TickerCredentials;
  /** What /login and /token use: the app's API key and secret. */
  login: { apiKey?: string; apiSecret?: string };
}

/** Where Kite is and how to sign in to it; the config's `kite` section is one. */
export interface KiteSettings {
  apiRoot: string;
  wsRoot: string;
  auth: TickerCredentials | null;
  apiKey?: string;
  apiSecret?: string;
}

export function kiteEndpoint(config: { kite: KiteSettings }): MarketEndpoint {
  const auth = config.kite.auth;
  if (!auth) throw new Error('kiteEndpoint: no Kite credentials in the config');
  if (auth.kind === 'enctoken') {
    return {
      apiRoot: config.kite.apiRoot,
      wsRoot: config.kite.wsRoot,
      rest: { kind: 'enctoken', enctoken: auth.enctoken },
      ticker: { kind: 'enctoken', enctoken: auth.enctoken, userId: auth.userId },
      login: { apiKey: config.kite.apiKey, apiSecret: config.kite.apiSecret },
    };
  }
  const credentials = { kind: 'access_token', apiKey: auth.apiKey, accessToken: auth.accessToken } as const;
  return {
    apiRoot: config.kite.apiRoot,
    wsRoot: config.kite.wsRoot,
    rest: credentials,
    ticker: credentials,
    login: { apiKey: auth.apiKey, apiSecret: config.kite.apiSecret },
  };
}
