import type { IncomingMessage } from 'node:http';

/** The one set of credentials the simulator accepts, over REST and on the ticker socket. */
export class SimCredentials {
  constructor(
    readonly apiKey: string,
    readonly accessToken: string,
    readonly apiSecret = 'sim_api_secret',
    readonly userId = 'SIM001',
  ) {}

  /** `token api_key:access_token` (Kite Connect) or `enctoken <token>` (web session). */
  acceptsAuthorization(header: string | undefined): boolean {
    return header === `token ${this.apiKey}:${this.accessToken}` || header === `enctoken ${this.accessToken}`;
  }

  /** The ticker's query: `api_key` + `access_token`, or `api_key=kitefront` + `user_id` + `enctoken`. */
  acceptsTickerRequest(request: IncomingMessage): boolean {
    const query = new URL(request.url ?? '/', 'ws://sim').searchParams;
    if (query.get('api_key') === 'kitefront') {
      return query.get('enctoken') === this.accessToken && Boolean(query.get('user_id'));
    }
    return query.get('api_key') === this.apiKey && query.get('access_token') === this.accessToken;
  }
}
