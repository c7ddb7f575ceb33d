import { WebSocket, type RawData } from 'ws';
import { backoffDelay, type BackoffOptions } from '../util/backoff.ts';
import type { TickMode } from './types.ts';

export interface TickerConnectionOptions {
  /** Read at every (re)connect, so new credentials apply to the next connection. */
  url: () => string;
  watchdogMs: number;
  connectTimeoutMs: number;
  backoff: BackoffOptions;
}

export interface TickerConnectionEvents {
  onOpen(): void;
  onClose(reason: string): void;
  onBinary(frame: Uint8Array): void;
  onText(text: string): void;
  onError(error: Error): void;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

/**
 * One WebSocket to the ticker that keeps itself alive: reconnects forever with backoff, and
 * treats `watchdogMs` without any frame (heartbeats included) as a dead connection.
 * It replays the subscriptions it holds after every (re)connect.
 */
export class TickerConnection {
  readonly subscriptions = new Map<number, TickMode>();
  private socket: WebSocket | null = null;
  private attempt = 0;
  private lastFrameAt = 0;
  private watchdog: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  /** A frame (a heartbeat at least) has arrived since the socket opened. */
  private heard = false;

  constructor(
    private readonly options: TickerConnectionOptions,
    private readonly events: TickerConnectionEvents,
  ) {}

  /** Open and heard from: a socket that opens but stays silent (a stuck broker) does not count. */
  get isOpen(): boolean {
    return this.heard && this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopWatchdog();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.terminate();
    }
  }

  /** Drops the socket and connects again at once (new credentials), keeping the subscriptions. */
  reconnectNow(): void {
    if (this.stopped) return;
    this.stop();
    this.attempt = 0;
    this.start();
  }

  subscribe(tokens: readonly number[], mode: TickMode): void {
    for (const token of tokens) this.subscriptions.set(token, mode);
    this.send({ a: 'subscribe', v: tokens });
    this.send({ a: 'mode', v: [mode, tokens] });
  }

  unsubscribe(tokens: readonly number[]): void {
    for (const token of tokens) this.subscriptions.delete(token);
    this.send({ a: 'unsubscribe', v: tokens });
  }

  private send(message: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private open(): void {
    const socket = new WebSocket(this.options.url(), { handshakeTimeout: this.options.connectTimeoutMs });
    this.socket = socket;
    socket.binaryType = 'nodebuffer';
    socket.on('open', () => this.handleOpen());
    socket.on('message', (data, isBinary) => this.handleMessage(data, isBinary));
    socket.on('close', (code, reason) =>
      this.handleClose(`closed (${code}${reason.length ? `: ${reason}` : ''})`),
    );
    socket.on('error', (error) => this.events.onError(error));
    socket.on('unexpected-response', (_request, response) => {
      this.handleClose(`handshake refused (HTTP ${response.statusCode})`);
    });
  }

  private handleOpen(): void {
    this.heard = false;
    this.lastFrameAt = Date.now();
    this.startWatchdog();
    this.replaySubscriptions();
  }

  private replaySubscriptions(): void {
    const byMode = new Map<TickMode, number[]>();
    for (const [token, mode] of this.subscriptions) {
      const list = byMode.get(mode) ?? [];
      list.push(token);
      byMode.set(mode, list);
    }
    for (const [mode, tokens] of byMode) {
      this.send({ a: 'subscribe', v: tokens });
      this.send({ a: 'mode', v: [mode, tokens] });
    }
  }

  private handleMessage(data: RawData, isBinary: boolean): void {
    this.lastFrameAt = Date.now();
    if (!this.heard) {
      // Connected only once the broker speaks; the backoff resets only then, so a silent broker backs off.
      this.heard = true;
      this.attempt = 0;
      this.events.onOpen();
    }
    if (isBinary) this.events.onBinary(toBytes(data));
    else this.events.onText(toBytes(data).toString());
  }

  private handleClose(reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.heard = false;
    socket.removeAllListeners();
    socket.on('error', () => {});
    socket.terminate();
    this.stopWatchdog();
    this.events.onClose(reason);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, this.options.backoff);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  private startWatchdog(): void {
    this.stopWatchdog();
    const interval = Math.max(50, Math.floor(this.options.watchdogMs / 5));
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastFrameAt > this.options.watchdogMs) {
        this.handleClose(`no frame for ${this.options.watchdogMs} ms`);
      }
    }, interval);
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }
}
