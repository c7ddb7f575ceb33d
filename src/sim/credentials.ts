import type { IncomingMessage } from 'node:http';

/** Which of Kite's front doors a request came through: Kite Connect (API key) or the web app (enctoken). */
export type SessionDoor = 'api' | 'web';

/** The account the simulator's web login (`/api/login`, `/api/twofa`) accepts. */
export const SIM_USER_ID = 'SIM001';
export const SIM_PASSWORD = 'sim_password';
export const SIM_TWOFA_CODE = '123456';

/**
 * The one session the simulator accepts, over REST and on the ticker socket. Its token serves as
 * the access token of an API-key session and as the enctoken of a web session; as on Kite, each is
 * accepted only at its own door (an enctoken at `/oms` and the web ticker, an access token at the
 * Kite Connect roots).
 */
export class SimCredentials {
  private generation = 1;

  constructor(
    readonly apiKey: string,
    private token: string,
    readonly apiSecret = 'sim_api_secret',
    readonly userId = SIM_USER_ID,
    readonly password = SIM_PASSWORD,
    readonly twofaCode = SIM_TWOFA_CODE,
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

  /** `token api_key:access_token` at Kite Connect, `enctoken <token>` at the web app's `/oms`. */
  acceptsAuthorization(header: string | undefined, door: SessionDoor): boolean {
    return door === 'web'
      ? header === `enctoken ${this.accessToken}`
      : header === `token ${this.apiKey}:${this.accessToken}`;
  }

  /** The ticker's query: `api_key` + `access_token` at Kite Connect, `api_key=kitefront` + `user_id` + `enctoken` on the web. */
  acceptsTickerRequest(request: IncomingMessage, door: SessionDoor): boolean {
    const query = new URL(request.url ?? '/', 'ws://sim').searchParams;
    if (door === 'web') {
      return (
        query.get('api_key') === 'kitefront' &&
        query.get('enctoken') === this.accessToken &&
        Boolean(query.get('user_id'))
      );
    }
    return query.get('api_key') === this.apiKey && query.get('access_token') === this.accessToken;
  }
}
