import { EventEmitter } from 'node:events';
import { FeedError } from '../errors.ts';
import { DEFAULT_BACKOFF, type BackoffOptions } from '../util/backoff.ts';
import { decodeFrame, newDecodeStats, type DecodeStats } from './packet-codec.ts';
import { TickerConnection } from './ticker-connection.ts';
import type { Tick, TickMode } from './types.ts';

export type TickerCredentials =
  | { kind: 'access_token'; apiKey: string; accessToken: string }
  | { kind: 'enctoken'; userId: string; enctoken: string };

export interface TickerClientOptions {
  /** Kite Connect's ticker (KITE_WS_ROOT): where API-key sessions connect. */
  wsRoot: string;
  /** Kite's web ticker (KITE_WEB_WS_ROOT): where web sessions (enctoken) connect. */
  webWsRoot: string;
  credentials: TickerCredentials;
  maxConnections?: number;
  tokensPerConnection?: number;
  watchdogMs?: number;
  connectTimeoutMs?: number;
  backoff?: BackoffOptions;
}

/** A text frame from the ticker: order updates, errors and broadcast messages. */
export interface TickerTextMessage {
  type: string;
  data: unknown;
}

export interface TickerClientEvents {
  connected: [shard: number];
  disconnected: [shard: number, reason: string];
  ticks: [ticks: Tick[]];
  message: [message: TickerTextMessage];
  order: [order: unknown];
  error: [error: Error];
}

/** Where a session's ticker is: Kite Connect's for an API key, the web app's for an enctoken. */
export function tickerRoot(
  options: Pick<TickerClientOptions, 'wsRoot' | 'webWsRoot'>,
  kind: TickerCredentials['kind'],
): string {
  return kind === 'enctoken' ? options.webWsRoot : options.wsRoot;
}

/** Both URL schemes Kite accepts: Kite Connect (api_key + access_token) and the web session (enctoken). */
export function tickerUrl(wsRoot: string, credentials: TickerCredentials): string {
  const url = new URL(wsRoot);
  if (credentials.kind === 'access_token') {
    url.searchParams.set('api_key', credentials.apiKey);
    url.searchParams.set('access_token', credentials.accessToken);
  } else {
    url.searchParams.set('api_key', 'kitefront');
    url.searchParams.set('user_id', credentials.userId);
    url.searchParams.set('enctoken', credentials.enctoken);
  }
  return url.toString();
}

/**
 * Kite's binary ticker, instance-scoped: subscriptions spread over up to `maxConnections`
 * sockets of `tokensPerConnection` tokens each; every socket reconnects on its own and
 * resubscribes its tokens in their modes. Never exits the process.
 */
export class TickerClient extends EventEmitter<TickerClientEvents> {
  readonly decodeStats: DecodeStats = newDecodeStats();
  private readonly shards: TickerConnection[] = [];
  private readonly shardOfToken = new Map<number, TickerConnection>();
  private readonly settings: Required<TickerClientOptions>;
  private running = false;

  constructor(options: TickerClientOptions) {
    super();
    this.settings = {
      maxConnections: 3,
      tokensPerConnection: 3000,
      watchdogMs: 5000,
      connectTimeoutMs: 10_000,
      backoff: DEFAULT_BACKOFF,
      ...options,
    };
  }

  get subscribedCount(): number {
    return this.shardOfToken.size;
  }

  get connectedCount(): number {
    return this.shards.filter((shard) => shard.isOpen).length;
  }

  modeOf(token: number): TickMode | undefined {
    return this.shardOfToken.get(token)?.subscriptions.get(token);
  }

  start(): void {
    this.running = true;
    for (const shard of this.shards) if (shard.subscriptions.size > 0) shard.start();
  }

  stop(): void {
    this.running = false;
    for (const shard of this.shards) shard.stop();
  }

  /** Switches to new credentials (a new Kite session) and reconnects every socket with them now. */
  setCredentials(credentials: TickerCredentials): void {
    this.settings.credentials = credentials;
    if (!this.running) return;
    for (const shard of this.shards) if (shard.subscriptions.size > 0) shard.reconnectNow();
  }

  /** Subscribes tokens in `mode` (already subscribed tokens switch to it). Throws FeedError when all sockets are full. */
  subscribe(tokens: readonly number[], mode: TickMode = 'full'): void {
    const fresh = tokens.filter((token) => !this.shardOfToken.has(token));
    const capacity =
      this.settings.maxConnections * this.settings.tokensPerConnection - this.shardOfToken.size;
    if (new Set(fresh).size > capacity) {
      throw new FeedError(
        `cannot subscribe ${fresh.length} more tokens: ${capacity} slots left ` +
          `(${this.settings.maxConnections} connections × ${this.settings.tokensPerConnection})`,
        'capacity',
      );
    }
    const additions = new Map<TickerConnection, number[]>();
    for (const token of tokens) {
      const shard = this.shardOfToken.get(token) ?? this.placeToken(token);
      const list = additions.get(shard) ?? [];
      list.push(token);
      additions.set(shard, list);
    }
    for (const [shard, list] of additions) {
      shard.subscribe(list, mode);
      if (this.running) shard.start();
    }
  }

  setMode(mode: TickMode, tokens: readonly number[]): void {
    this.subscribe(
      tokens.filter((token) => this.shardOfToken.has(token)),
      mode,
    );
  }

  unsubscribe(tokens: readonly number[]): void {
    const removals = new Map<TickerConnection, number[]>();
    for (const token of tokens) {
      const shard = this.shardOfToken.get(token);
      if (!shard) continue;
      this.shardOfToken.delete(token);
      const list = removals.get(shard) ?? [];
      list.push(token);
      removals.set(shard, list);
    }
    for (const [shard, list] of removals) {
      shard.unsubscribe(list);
      if (shard.subscriptions.size === 0) shard.stop();
    }
  }

  private placeToken(token: number): TickerConnection {
    let shard = this.shards.find((candidate) => this.hasRoom(candidate));
    if (!shard) {
      const index = this.shards.length;
      shard = this.createShard(index);
      this.shards.push(shard);
    }
    this.shardOfToken.set(token, shard);
    shard.subscriptions.set(token, 'ltp');
    return shard;
  }

  private hasRoom(shard: TickerConnection): boolean {
    return shard.subscriptions.size < this.settings.tokensPerConnection;
  }

  private createShard(index: number): TickerConnection {
    return new TickerConnection(
      {
        url: () =>
          tickerUrl(tickerRoot(this.settings, this.settings.credentials.kind), this.settings.credentials),
        watchdogMs: this.settings.watchdogMs,
        connectTimeoutMs: this.settings.connectTimeoutMs,
        backoff: this.settings.backoff,
      },
      {
        onOpen: () => this.emit('connected', index),
        onClose: (reason) => this.emit('disconnected', index, reason),
        onBinary: (frame) => this.handleBinary(frame),
        onText: (text) => this.handleText(text),
        onError: (error) => this.reportError(new FeedError(error.message, 'socket', { cause: error })),
      },
    );
  }

  private handleBinary(frame: Uint8Array): void {
    const ticks = decodeFrame(frame, this.decodeStats);
    if (ticks.length > 0) this.emit('ticks', ticks);
  }

  private handleText(text: string): void {
    let message: TickerTextMessage;
    try {
      const parsed: unknown = JSON.parse(text);
      if (
        typeof parsed !== 'object' ||
        parsed === null ||
        typeof (parsed as { type?: unknown }).type !== 'string'
      ) {
        throw new Error('no "type" field');
      }
      message = parsed as TickerTextMessage;
    } catch (error) {
      this.reportError(new FeedError(`unreadable text frame: ${(error as Error).message}`, 'text_frame'));
      return;
    }
    this.emit('message', message);
    if (message.type === 'order') this.emit('order', message.data);
    if (message.type === 'error') this.reportError(new FeedError(String(message.data), 'server_error'));
  }

  private reportError(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}
