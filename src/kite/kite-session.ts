import { EventEmitter } from 'node:events';
import { KiteConnect } from 'kiteconnect';
import { SessionExpiredError, UserError } from '../errors.ts';
import { istDateOf, istWallClock } from '../util/ist.ts';
import type { KiteRestClient, RestCredentials } from './rest-client.ts';
import type { SessionPort, StoredSession } from './session-port.ts';
import type { TickerClient, TickerCredentials } from './ticker-client.ts';

export type SessionState = 'valid' | 'expired';

export interface KiteSessionEvents {
  expired: [reason: string];
  renewed: [kind: 'access_token' | 'enctoken', userId: string];
}

export interface KiteSessionOptions {
  rest: KiteRestClient;
  ticker: TickerClient;
  store: SessionPort;
  /** KITE_API_KEY (the simulator's key in sim mode); /login and /token need it. */
  apiKey?: string;
  /** KITE_API_SECRET; /token needs it. */
  apiSecret?: string;
  now?: () => number;
}

const TOKEN = /^[A-Za-z0-9]{6,64}$/;
const ENCTOKEN = /^[A-Za-z0-9+/=_-]{8,512}$/;

/** Kite access tokens stop working at 06:00 IST the day after they were made. */
export function sessionStillValid(savedAt: number, now: number): boolean {
  const sixToday = istWallClock(istDateOf(now), '06:00');
  const lastCutoff = now >= sixToday ? sixToday : sixToday - 86_400_000;
  return savedAt >= lastCutoff;
}

/** The Kite session in use: its state, the login link, and switching to a new one from chat. */
export class KiteSession extends EventEmitter<KiteSessionEvents> {
  private current: SessionState = 'valid';
  private readonly now: () => number;

  constructor(private readonly options: KiteSessionOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  get state(): SessionState {
    return this.current;
  }

  /** A session set from chat earlier that is still usable for `apiKey`, to prefer over the configured one. */
  static storedCredentials(
    store: SessionPort,
    apiKey: string | undefined,
    now: number,
  ): TickerCredentials | null {
    const stored = store.load();
    if (!stored || !sessionStillValid(stored.savedAt, now)) return null;
    if (stored.kind === 'enctoken')
      return { kind: 'enctoken', enctoken: stored.enctoken, userId: stored.userId };
    return stored.apiKey === apiKey
      ? { kind: 'access_token', apiKey, accessToken: stored.accessToken }
      : null;
  }

  loginUrl(): string {
    const apiKey = this.requireSetting(this.options.apiKey, 'KITE_API_KEY');
    return new KiteConnect({ api_key: apiKey }).getLoginURL();
  }

  /** Marks the session expired (a 403 TokenException from REST or a refused ticker handshake); once per expiry. */
  markExpired(reason: string): void {
    if (this.current === 'expired') return;
    this.current = 'expired';
    this.emit('expired', reason);
  }

  /** Exchanges a login's request token for an access token, stores it and restarts market data with it. */
  async exchange(requestToken: string): Promise<string> {
    const apiKey = this.requireSetting(this.options.apiKey, 'KITE_API_KEY');
    const apiSecret = this.requireSetting(this.options.apiSecret, 'KITE_API_SECRET');
    if (!TOKEN.test(requestToken)) {
      throw new UserError(
        'That is not a request token: expected 6 to 64 letters and digits, the request_token=… part of the URL Kite redirected to after /login.',
      );
    }
    let accessToken: string;
    try {
      // On a client of its own: a refused token must not mark the session in use as expired.
      const probe = this.options.rest.withCredentials({ kind: 'access_token', apiKey, accessToken: '' });
      accessToken = await probe.createSession(requestToken, apiSecret);
    } catch (error) {
      if (error instanceof SessionExpiredError) {
        throw new UserError(
          'Kite refused that request token (used already, or too old). Send /login and try again.',
        );
      }
      throw new UserError(
        `Kite could not be reached to finish the login; nothing changed. (${(error as Error).message})`,
      );
    }
    const credentials = { kind: 'access_token', apiKey, accessToken } as const;
    const { user_id } = await this.verify(credentials);
    this.save({ ...credentials, savedAt: this.now() });
    this.apply(credentials);
    this.emit('renewed', 'access_token', user_id);
    return user_id;
  }

  /** Uses a Kite web session (the enctoken cookie), after checking Kite accepts it. */
  async useEnctoken(enctoken: string): Promise<string> {
    if (!ENCTOKEN.test(enctoken)) {
      throw new UserError(
        'That is not an enctoken: expected 8 to 512 characters of letters, digits and + / = _ -, the value of the enctoken cookie on kite.zerodha.com.',
      );
    }
    const credentials = { kind: 'enctoken', enctoken, userId: '' } as const;
    const { user_id } = await this.verify(credentials);
    const withUser = { ...credentials, userId: user_id };
    this.save({ ...withUser, savedAt: this.now() });
    this.apply(withUser);
    this.emit('renewed', 'enctoken', user_id);
    return user_id;
  }

  /** Asks Kite whether the session in use still works (the 08:45 reminder checks this). */
  async check(): Promise<boolean> {
    try {
      await this.options.rest.profile();
      this.current = 'valid';
      return true;
    } catch (error) {
      if (error instanceof SessionExpiredError) this.markExpired(error.message);
      return false;
    }
  }

  /** Asks Kite for the profile with the candidate credentials, on a client of its own. */
  private async verify(credentials: RestCredentials): Promise<{ user_id: string }> {
    try {
      return await this.options.rest.withCredentials(credentials).profile();
    } catch (error) {
      if (error instanceof SessionExpiredError)
        throw new UserError('Kite refused that session; nothing changed.');
      throw new UserError(
        `Kite could not be reached to check the session; nothing changed. (${(error as Error).message})`,
      );
    }
  }

  private apply(credentials: TickerCredentials): void {
    this.options.rest.setCredentials(credentials);
    this.options.ticker.setCredentials(credentials);
    this.current = 'valid';
  }

  private save(session: StoredSession): void {
    this.options.store.save(session);
  }

  private requireSetting(value: string | undefined, name: string): string {
    if (!value)
      throw new UserError(
        `${name} is not set, so a Kite login from chat is not possible. Set it in .env and restart.`,
      );
    return value;
  }
}
