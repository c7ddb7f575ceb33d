import type { IncomingMessage } from 'node:http';

/** The one set of credentials the simulator accepts, over REST and on the ticker socket. */
export class SimCredentials {
  private generation = 1;

  constructor(
    readonly apiKey: string,
    private token: string,
    readonly apiSecret = 'sim_api_secret',
    readonly userId = 'SIM001',
  ) {}

  /** The access token (or enctoken) accepted now; a new login hands it out. */
  get accessToken(): string {
    return this.token;
  }

  /** Ends the session as Kite does at 06:00 IST: the current token is refused from now on. */
  expire(): void {
    this.generation += 1;
    this.token = `${this.token.replace(/_g\d+$/, '')}_g${this.generation}`;
  }

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
