import { KiteConnect } from 'kiteconnect';
import { FeedError, SessionExpiredError } from '../errors.ts';
import { backoffDelay, sleep, type BackoffOptions } from '../util/backoff.ts';
import { RateLimiter } from '../util/rate-limiter.ts';
import { formatIstDateTime } from '../util/ist.ts';
import type { Candle, Instrument } from './types.ts';

export type RestCredentials =
  { kind: 'access_token'; apiKey: string; accessToken: string } | { kind: 'enctoken'; enctoken: string };

export interface KiteRestClientOptions {
  /** Kite Connect's REST root (KITE_API_ROOT): where API-key sessions are sent. */
  apiRoot: string;
  /** Kite's web app (KITE_WEB_ROOT): web sessions (enctoken) are sent to `<webRoot>/oms`. */
  webRoot: string;
  credentials: RestCredentials;
  /** Called on every 403 TokenException (the session expired or was revoked). */
  onSessionExpired?: (message: string) => void;
  timeoutMs?: number;
  /** Retries after the first attempt for 429, 5xx and network errors. */
  retries?: number;
  backoff?: BackoffOptions;
  /** Requests per second per endpoint class (Kite: historical 3, quote 1, others 10). */
  limits?: { historical: number; quote: number; other: number };
}

export interface Quote {
  instrumentToken: number;
  lastPrice: number;
  oi: number;
  volume: number;
  ohlc: { open: number; high: number; low: number; close: number };
}

type EndpointClass = 'historical' | 'quote' | 'other';

/** Kite's error envelope as the `kiteconnect` client rejects with it. */
interface KiteError {
  error_type?: string;
  message?: string;
}

const RETRYABLE_ERRORS = new Set(['NetworkException', 'DataException', 'GeneralException']);
/** Kite counts a second on its side; a little slack keeps network jitter from landing two windows in one. */
const WINDOW_MS = 1100;
const QUOTE_BATCH = 500;

/** Where a session's REST requests go: Kite Connect for an API key, Kite's web app (`/oms`) for an enctoken. */
export function restRoot(
  options: Pick<KiteRestClientOptions, 'apiRoot' | 'webRoot'>,
  kind: RestCredentials['kind'],
): string {
  return kind === 'enctoken' ? `${options.webRoot}/oms` : options.apiRoot;
}

function toInstrument(row: Record<string, unknown>): Instrument {
  const expiry = row.expiry instanceof Date ? row.expiry.toISOString().slice(0, 10) : '';
  return {
    instrumentToken: Number(row.instrument_token),
    exchangeToken: Number(row.exchange_token),
    tradingsymbol: String(row.tradingsymbol),
    name: String(row.name ?? ''),
    lastPrice: Number(row.last_price) || 0,
    expiry,
    strike: Number(row.strike) || 0,
    tickSize: Number(row.tick_size) || 0,
    lotSize: Number(row.lot_size) || 0,
    instrumentType: String(row.instrument_type ?? ''),
    segment: String(row.segment ?? ''),
    exchange: String(row.exchange ?? ''),
  };
}

/**
 * Kite Connect's REST API through the official `kiteconnect` client: one rate limiter per
 * endpoint class, retries with backoff on 429/5xx/network errors, and a typed
 * SessionExpiredError for 403 TokenException.
 */
export class KiteRestClient {
  readonly kite: InstanceType<typeof KiteConnect>;
  private readonly limiters: Record<EndpointClass, RateLimiter>;
  private readonly retries: number;
  private readonly backoff: BackoffOptions;
  private enctoken: string | null = null;
  private currentCredentials!: RestCredentials;
  private readonly onSessionExpired: ((message: string) => void) | undefined;

  constructor(private readonly options: KiteRestClientOptions) {
    const { credentials } = options;
    this.kite = new KiteConnect({
      api_key: credentials.kind === 'access_token' ? credentials.apiKey : 'kitefront',
      access_token: credentials.kind === 'access_token' ? credentials.accessToken : undefined,
      root: options.apiRoot,
      timeout: options.timeoutMs ?? 10_000,
    });
    this.onSessionExpired = options.onSessionExpired;
    this.routeBySession();
    this.setCredentials(credentials);
    const limits = options.limits ?? { historical: 3, quote: 1, other: 10 };
    this.limiters = {
      historical: new RateLimiter(limits.historical, WINDOW_MS),
      quote: new RateLimiter(limits.quote, WINDOW_MS),
      other: new RateLimiter(limits.other, WINDOW_MS),
    };
    this.retries = options.retries ?? 4;
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000, jitter: 0.5 };
  }

  async instruments(exchange?: string): Promise<Instrument[]> {
    const rows = await this.call('other', 'instruments', () =>
      exchange ? this.kite.getInstruments(exchange as never) : this.kite.getInstruments(),
    );
    if (!Array.isArray(rows)) {
      throw new FeedError(
        'instruments: the response was not a CSV (Content-Type must be text/csv)',
        'format',
      );
    }
    return (rows as unknown as Record<string, unknown>[])
      .filter((row) => row.instrument_token !== undefined && row.instrument_token !== '')
      .map(toInstrument);
  }

  /** Minute candles with OI for [fromMs, toMs]; Kite takes `from`/`to` as IST wall-clock. */
  async historicalMinutes(token: number, fromMs: number, toMs: number): Promise<Candle[]> {
    const candles = await this.call('historical', `historical ${token}`, () =>
      this.kite.getHistoricalData(
        token,
        'minute',
        formatIstDateTime(fromMs),
        formatIstDateTime(toMs),
        false,
        true,
      ),
    );
    return (candles as unknown as Record<string, unknown>[]).map((c) => ({
      time: (c.date as Date).getTime(),
      open: Number(c.open),
      high: Number(c.high),
      low: Number(c.low),
      close: Number(c.close),
      volume: Number(c.volume),
      oi: Number(c.oi ?? 0),
    }));
  }

  /** Full quotes keyed by `EXCHANGE:TRADINGSYMBOL`, fetched in batches of 500. */
  async quote(instruments: readonly string[]): Promise<Map<string, Quote>> {
    const result = new Map<string, Quote>();
    for (let i = 0; i < instruments.length; i += QUOTE_BATCH) {
      const batch = instruments.slice(i, i + QUOTE_BATCH);
      const quotes = await this.call('quote', 'quote', () => this.kite.getQuote(batch));
      for (const [key, raw] of Object.entries(quotes as Record<string, Record<string, unknown>>)) {
        result.set(key, {
          instrumentToken: Number(raw.instrument_token),
          lastPrice: Number(raw.last_price),
          oi: Number(raw.oi ?? 0),
          volume: Number(raw.volume ?? 0),
          ohlc: raw.ohlc as Quote['ohlc'],
        });
      }
    }
    return result;
  }

  async ltp(instruments: readonly string[]): Promise<Map<string, number>> {
    const quotes = await this.call('quote', 'ltp', () => this.kite.getLTP([...instruments]));
    const result = new Map<string, number>();
    for (const [key, raw] of Object.entries(quotes as Record<string, { last_price: number }>)) {
      result.set(key, raw.last_price);
    }
    return result;
  }

  profile(): Promise<{ user_id: string; user_name: string }> {
    return this.call('other', 'profile', () => this.kite.getProfile()) as Promise<{
      user_id: string;
      user_name: string;
    }>;
  }

  /** Exchanges a login's request token for an access token, which this client then uses. */
  async createSession(requestToken: string, apiSecret: string): Promise<string> {
    const session = await this.call('other', 'session', () =>
      this.kite.generateSession(requestToken, apiSecret),
    );
    this.kite.setAccessToken(session.access_token);
    return session.access_token;
  }

  /**
   * A separate client for trying other credentials (a login from chat): same server and limits, but
   * its 403s do not report the session in use as expired, and it never touches this client.
   */
  withCredentials(credentials: RestCredentials): KiteRestClient {
    return new KiteRestClient({ ...this.options, credentials, onSessionExpired: undefined });
  }

  get credentials(): RestCredentials {
    return this.currentCredentials;
  }

  /** Switches to new credentials (a new Kite session); later requests use them. */
  setCredentials(credentials: RestCredentials): void {
    this.currentCredentials = credentials;
    if (credentials.kind === 'access_token') {
      this.enctoken = null;
      (this.kite as unknown as { api_key: string }).api_key = credentials.apiKey;
      this.kite.setAccessToken(credentials.accessToken);
    } else {
      this.enctoken = credentials.enctoken;
    }
  }

  /** Each request goes to its session's root, with `Authorization: enctoken …` for a web session. */
  private routeBySession(): void {
    type Request = { headers: Record<string, string>; baseURL?: string };
    type Interceptors = { request: { use(intercept: (request: Request) => Request): number } };
    const axios = (this.kite as unknown as { requestInstance: { interceptors: Interceptors } })
      .requestInstance;
    axios.interceptors.request.use((request) => {
      request.baseURL = restRoot(this.options, this.currentCredentials.kind);
      if (this.enctoken !== null) request.headers['Authorization'] = `enctoken ${this.enctoken}`;
      return request;
    });
  }

  private async call<T>(endpoint: EndpointClass, what: string, request: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limiters[endpoint].schedule(request);
      } catch (raw) {
        const error = raw as KiteError;
        const message = `${what}: ${error.message ?? String(raw)}`;
        if (error.error_type === 'TokenException') {
          this.onSessionExpired?.(message);
          throw new SessionExpiredError(message);
        }
        const retryable = !error.error_type || RETRYABLE_ERRORS.has(error.error_type);
        if (!retryable) throw new FeedError(message, error.error_type ?? 'unknown');
        if (attempt >= this.retries)
          throw new FeedError(message, error.error_type ?? 'network', { cause: raw });
        await sleep(backoffDelay(attempt, this.backoff));
      }
    }
  }
}
