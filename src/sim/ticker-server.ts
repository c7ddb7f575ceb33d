import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { HEARTBEAT_FRAME, encodeFrame } from '../kite/packet-encoder.ts';
import type { Tick, TickMode } from '../kite/types.ts';
import type { SessionDoor, SimCredentials } from './credentials.ts';
import type { SimMarket } from './market-model.ts';
import { simTick } from './sim-tick.ts';

export interface TickerServerOptions {
  market: SimMarket;
  credentials: SimCredentials;
  now: () => number;
  tickIntervalMs: number;
  heartbeatMs: number;
}

const MAX_TOKENS_PER_CONNECTION = 3000;
/** Where the web ticker is on the simulator's port (Kite's is the root of its own host, ws.zerodha.com). */
export const WEB_TICKER_PATH = '/web';
const TICKER_MODES = new Set<TickMode>(['ltp', 'quote', 'full']);

/**
 * The ticker half of the simulator: checks the handshake's credentials, keeps each socket's
 * subscriptions and modes, sends one binary frame of packets per interval and a 1-byte
 * heartbeat. `silent` and `refuseConnections` let tests play a broken broker.
 */
export class TickerServer {
  /** When true, nothing is sent (no ticks, no heartbeats): the client's watchdog should trip. */
  silent = false;
  /** When true, new handshakes get HTTP 503. */
  refuseConnections = false;
  /** Handshakes accepted so far at each door: Kite Connect's ticker and the web ticker. */
  readonly handshakes: Record<SessionDoor, number> = { api: 0, web: 0 };
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly subscriptions = new Map<WebSocket, Map<number, TickMode>>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: TickerServerOptions) {
    this.timers.push(setInterval(() => this.broadcastTicks(), options.tickIntervalMs));
    this.timers.push(setInterval(() => this.broadcastHeartbeat(), options.heartbeatMs));
  }

  get connectionCount(): number {
    return this.subscriptions.size;
  }

  /** Each open socket's subscribed tokens and their modes (copies, in connection order). */
  subscriptionsPerSocket(): ReadonlyMap<number, TickMode>[] {
    return [...this.subscriptions.values()].map((subscribed) => new Map(subscribed));
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.refuseConnections) return this.reject(socket, 503, 'Service Unavailable');
    const path = new URL(request.url ?? '/', 'ws://sim').pathname.replace(/\/+$/, '');
    const door: SessionDoor = path === WEB_TICKER_PATH ? 'web' : 'api';
    if (!this.options.credentials.acceptsTickerRequest(request, door)) {
      return this.reject(socket, 403, 'Forbidden');
    }
    this.handshakes[door] += 1;
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
  }

  /** Closes every client socket, as a broker restart would. */
  dropConnections(): void {
    for (const ws of this.subscriptions.keys()) ws.terminate();
  }

  close(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.dropConnections();
    this.wss.close();
  }

  private reject(socket: Duplex, status: number, text: string): void {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  private accept(ws: WebSocket): void {
    const subscribed = new Map<number, TickMode>();
    this.subscriptions.set(ws, subscribed);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.handleCommand(ws, subscribed, data.toString());
    });
    ws.on('close', () => this.subscriptions.delete(ws));
    ws.on('error', () => this.subscriptions.delete(ws));
  }

  private handleCommand(ws: WebSocket, subscribed: Map<number, TickMode>, text: string): void {
    let command: { a?: unknown; v?: unknown };
    try {
      command = JSON.parse(text) as { a?: unknown; v?: unknown };
    } catch {
      return this.sendError(ws, 'invalid message: expected JSON such as {"a":"subscribe","v":[256265]}');
    }
    const tokens = (list: unknown): number[] =>
      Array.isArray(list) ? list.filter((token): token is number => Number.isInteger(token)) : [];
    if (command.a === 'subscribe') {
      for (const token of tokens(command.v)) {
        if (!subscribed.has(token) && subscribed.size >= MAX_TOKENS_PER_CONNECTION) {
          return this.sendError(ws, `subscription limit of ${MAX_TOKENS_PER_CONNECTION} tokens reached`);
        }
        if (this.options.market.instrument(token)) subscribed.set(token, subscribed.get(token) ?? 'quote');
      }
    } else if (command.a === 'unsubscribe') {
      for (const token of tokens(command.v)) subscribed.delete(token);
    } else if (command.a === 'mode' && Array.isArray(command.v)) {
      const [mode, list] = command.v as [unknown, unknown];
      if (!TICKER_MODES.has(mode as TickMode)) return this.sendError(ws, `invalid mode: ${String(mode)}`);
      for (const token of tokens(list)) if (subscribed.has(token)) subscribed.set(token, mode as TickMode);
    } else {
      this.sendError(ws, 'invalid message: "a" must be subscribe, unsubscribe or mode');
    }
  }

  private sendError(ws: WebSocket, message: string): void {
    ws.send(JSON.stringify({ type: 'error', data: message }));
  }

  private broadcastTicks(): void {
    if (this.silent || this.subscriptions.size === 0) return;
    const now = this.options.now();
    const cache = new Map<number, Tick>();
    for (const [ws, subscribed] of this.subscriptions) {
      if (subscribed.size === 0) continue;
      const ticks: Tick[] = [];
      for (const [token, mode] of subscribed) {
        let full = cache.get(token);
        if (!full) {
          full = simTick(this.options.market, token, now);
          cache.set(token, full);
        }
        ticks.push(mode === 'full' ? full : { ...full, mode });
      }
      ws.send(encodeFrame(ticks));
    }
  }

  private broadcastHeartbeat(): void {
    if (this.silent) return;
    for (const ws of this.subscriptions.keys()) ws.send(HEARTBEAT_FRAME);
  }
}
