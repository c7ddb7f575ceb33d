import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { WebSocket, WebSocketServer } from 'ws';

/** A payload the client sent, with any token replaced. */
export interface GatewayOpRecord {
  op: number;
  d: unknown;
  at: number;
}

export interface GatewayConnectionRecord {
  query: URLSearchParams;
  openedAt: number;
  closeCode?: number;
}

interface DispatchPayload {
  op: 0;
  s: number;
  t: string;
  d: unknown;
}

interface Session {
  id: string;
  seq: number;
  /** Every dispatch of the session, kept so a RESUME can replay what the client missed. */
  events: DispatchPayload[];
  socket: WebSocket | null;
  intents: number;
}

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  /** The `d` of READY for a new session. */
  readyData: (sessionId: string) => Record<string, unknown>;
  /** GUILD_CREATE payloads sent right after READY. */
  guildCreates: () => Record<string, unknown>[];
  onChange: () => void;
}

const OP = {
  dispatch: 0,
  heartbeat: 1,
  identify: 2,
  presenceUpdate: 3,
  voiceStateUpdate: 4,
  resume: 6,
  requestGuildMembers: 8,
  invalidSession: 9,
  hello: 10,
  heartbeatAck: 11,
} as const;

const redactToken = (d: unknown): unknown =>
  typeof d === 'object' && d !== null && 'token' in d ? { ...d, token: '[redacted]' } : d;

/** The Discord gateway (v10, JSON, uncompressed): HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME. */
export class FakeGateway {
  readonly ops: GatewayOpRecord[] = [];
  readonly connections: GatewayConnectionRecord[] = [];
  /** While false, heartbeats go unanswered (a zombie connection, as the client sees it). */
  acknowledgeHeartbeats = true;
  private session: Session | null = null;
  private readonly sockets = new Set<WebSocket>();

  constructor(
    wss: WebSocketServer,
    private readonly options: GatewayOptions,
  ) {
    wss.on('connection', (socket, request) => this.accept(socket, request));
  }

  /** True while an identified session has an open socket. */
  get connected(): boolean {
    return this.session?.socket != null;
  }

  get intents(): number | undefined {
    return this.session?.intents;
  }

  /** Sends a dispatch event, or keeps it for the RESUME when the client is disconnected. */
  dispatch(t: string, d: unknown): void {
    const session = this.session;
    if (!session) throw new Error(`No gateway session to send ${t} to: the client has not identified`);
    const payload: DispatchPayload = { op: OP.dispatch, s: ++session.seq, t, d };
    session.events.push(payload);
    session.socket?.send(JSON.stringify(payload));
  }

  /** Closes the client's socket with a resumable code; the session stays valid. */
  drop(code = 4000, reason = 'dropped by the test'): void {
    const socket = this.session?.socket;
    if (!socket) throw new Error('The gateway has no connected client to drop');
    socket.close(code, reason);
  }

  /** Cuts the client's TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    const socket = this.session?.socket;
    if (!socket) throw new Error('The gateway has no connected client to cut off');
    socket.terminate();
  }

  /** Ends the session and closes the socket: the client's RESUME gets INVALID_SESSION and must IDENTIFY. */
  invalidateSession(code = 4000): void {
    const socket = this.session?.socket;
    if (!socket) throw new Error('The gateway has no connected client to invalidate');
    this.session = null;
    socket.close(code, 'session invalidated by the test');
  }

  close(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const query = new URL(request.url ?? '/', 'ws://127.0.0.1').searchParams;
    const connection: GatewayConnectionRecord = { query, openedAt: Date.now() };
    this.connections.push(connection);
    this.sockets.add(socket);
    let session: Session | null = null;
    socket.on('close', (code) => {
      this.sockets.delete(socket);
      connection.closeCode = code;
      if (session?.socket === socket) session.socket = null;
      this.options.onChange();
    });
    if (query.get('v') !== '10') return socket.close(4012, 'Invalid API version');
    if (query.get('encoding') !== 'json') return socket.close(4002, 'Only JSON encoding is served here');
    if (query.has('compress')) return socket.close(4000, 'The loopback gateway does not compress');
    this.send(socket, {
      op: OP.hello,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs },
      s: null,
      t: null,
    });
    this.options.onChange();

    socket.on('message', (raw) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        payload = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
      } catch {
        return socket.close(4002, 'Decode error');
      }
      this.ops.push({ op: Number(payload.op), d: redactToken(payload.d), at: Date.now() });
      this.options.onChange();
      switch (payload.op) {
        case OP.heartbeat:
          if (!this.acknowledgeHeartbeats) return;
          return this.send(socket, { op: OP.heartbeatAck, d: null, s: null, t: null });
        case OP.identify:
          if (session) return socket.close(4005, 'Already authenticated');
          session = this.identify(socket, payload.d);
          return;
        case OP.resume:
          if (session) return socket.close(4005, 'Already authenticated');
          session = this.resume(socket, payload.d);
          return;
        case OP.presenceUpdate:
        case OP.voiceStateUpdate:
        case OP.requestGuildMembers:
          if (!session) socket.close(4003, 'Not authenticated');
          return;
        default:
          return socket.close(4001, 'Unknown opcode');
      }
    });
  }

  private identify(socket: WebSocket, d: unknown): Session | null {
    const identify = (d ?? {}) as { token?: unknown; intents?: unknown };
    if (identify.token !== this.options.token) {
      socket.close(4004, 'Authentication failed');
      return null;
    }
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      seq: 0,
      events: [],
      socket,
      intents: Number(identify.intents ?? 0),
    };
    this.session = session;
    this.dispatch('READY', this.options.readyData(session.id));
    for (const guild of this.options.guildCreates()) this.dispatch('GUILD_CREATE', guild);
    return session;
  }

  private resume(socket: WebSocket, d: unknown): Session | null {
    const resume = (d ?? {}) as { token?: unknown; session_id?: unknown; seq?: unknown };
    const session = this.session;
    if (resume.token !== this.options.token || !session || resume.session_id !== session.id) {
      this.send(socket, { op: OP.invalidSession, d: false, s: null, t: null });
      return null;
    }
    session.socket?.terminate();
    session.socket = socket;
    const seq = Number(resume.seq ?? 0);
    for (const event of session.events) if (event.s > seq) this.send(socket, event);
    this.dispatch('RESUMED', null);
    return session;
  }

  private send(socket: WebSocket, payload: unknown): void {
    socket.send(JSON.stringify(payload));
  }
}
