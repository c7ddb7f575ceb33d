import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { FakeGateway, type GatewayConnectionRecord, type GatewayOpRecord } from './discord-gateway.ts';
import {
  commandOptions,
  guildCreate,
  interactionBase,
  readyData,
  type OptionValues,
} from './discord-payloads.ts';
import {
  randomToken,
  snowflake,
  type CallbackRecord,
  type EditRecord,
  type RestCall,
  type StoredMessage,
} from './discord-records.ts';
import { handleRest } from './discord-rest.ts';
import {
  FakeDiscordState,
  type Failure,
  type InteractionRecord,
  type RegisteredCommand,
} from './discord-state.ts';

export type { Failure, InteractionRecord, RegisteredCommand, StoredMessage, OptionValues };

export interface DiscordServerOptions {
  /** The bot token REST (`Authorization: Bot <token>`) and IDENTIFY must carry. */
  token?: string;
  applicationId?: string;
  guildId?: string;
  /** Text channels of the guild; channel messages may only go to these. */
  channelIds?: string[];
  heartbeatIntervalMs?: number;
  /** How long after INTERACTION_CREATE the first callback is accepted (Discord: 3 s). */
  interactionDeadlineMs?: number;
}

export interface InjectedInteraction {
  id: string;
  token: string;
}

export interface DiscordServer {
  /** `http://127.0.0.1:<port>/api`, for DISCORD_API_ROOT. */
  apiRoot: string;
  gatewayUrl: string;
  token: string;
  applicationId: string;
  guildId: string;
  channelIds: readonly string[];
  readonly calls: readonly RestCall[];
  readonly callbacks: readonly CallbackRecord[];
  readonly edits: readonly EditRecord[];
  readonly followUps: readonly StoredMessage[];
  readonly channelMessages: readonly StoredMessage[];
  /** Payloads the client sent on the gateway (tokens redacted). */
  readonly gatewayOps: readonly GatewayOpRecord[];
  readonly gatewayConnections: readonly GatewayConnectionRecord[];
  /** The intents of the current gateway session. */
  readonly intents: number | undefined;
  readonly gatewayConnected: boolean;
  /** The registered commands of a guild, or the global ones. */
  commands(guildId?: string): readonly RegisteredCommand[];
  message(id: string): StoredMessage | undefined;
  interaction(id: string): InteractionRecord | undefined;
  /** A user runs a slash command (INTERACTION_CREATE type 2); `guildId: null` means a DM. */
  injectSlashCommand(options: {
    name: string;
    options?: OptionValues;
    userId: string;
    channelId: string;
    guildId?: string | null;
  }): InjectedInteraction;
  /** A user presses a button on a message the bot sent (INTERACTION_CREATE type 3). */
  pressButton(options: {
    customId: string;
    userId: string;
    channelId?: string;
    messageId: string;
  }): InjectedInteraction;
  /** Closes the client's gateway socket with a resumable code; the client should RESUME. */
  dropGateway(code?: number): void;
  /** Cuts the gateway's TCP connection without a close frame; the client should RESUME. */
  terminateGateway(): void;
  /** Ends the gateway session and closes the socket: the RESUME is refused and the client must IDENTIFY. */
  invalidateGatewaySession(): void;
  /** Stops (false) or resumes (true) answering the client's heartbeats. */
  acknowledgeHeartbeats(yes: boolean): void;
  /** Requests held open by a `hang` failure. */
  readonly hungRequests: number;
  /** Drops the connections of requests held by a `hang` failure; returns how many. */
  releaseHung(): number;
  /**
   * Fails the next `times` requests matching `route` (`'POST /channels/:id/messages'`, a path alone for any
   * method, `*` for the rest of a path, or a RegExp on `"<METHOD> <path>"`).
   */
  failNext(route: string | RegExp, failure: Failure, times?: number): void;
  /** Forgets failures not yet used. */
  clearFailures(): void;
  /** Resolves with the probe's first truthy value, re-checked after every request and gateway event. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;
  close(): Promise<void>;
}

function failurePattern(route: string | RegExp): RegExp {
  if (route instanceof RegExp) return route;
  const [method, path] = route.startsWith('/') ? ['[A-Z]+', route] : route.split(' ', 2);
  const source = (path ?? '')
    .split('/')
    .map((part) =>
      part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${method} ${source}$`);
}

function hasButton(message: StoredMessage, customId: string): boolean {
  return message.components.some(
    (row) =>
      Array.isArray(row.components) &&
      (row.components as { custom_id?: unknown }[]).some((button) => button.custom_id === customId),
  );
}

function serveAttachment(state: FakeDiscordState, path: string, response: ServerResponse): void {
  const [, , , messageAttachment] = path.split('/');
  for (const message of state.messages.values()) {
    const attachment = message.attachments.find((candidate) => candidate.id === messageAttachment);
    if (attachment) {
      response.writeHead(200, { 'content-type': attachment.contentType }).end(attachment.data);
      return;
    }
  }
  response.writeHead(404).end();
}

/** A loopback Discord (REST v10 + gateway) on 127.0.0.1 and one free port, for the real discord.js client. */
export async function startDiscordServer(options: DiscordServerOptions = {}): Promise<DiscordServer> {
  const state = new FakeDiscordState(
    options.token ?? 'MTAwMDAwMDAwMDAwMDAwMDAx.loopback.bot-token-not-for-logs',
    options.applicationId ?? snowflake(),
    options.guildId ?? snowflake(),
    options.channelIds ?? [snowflake(), snowflake()],
    options.interactionDeadlineMs ?? 3000,
  );
  state.setMaxListeners(0);

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path.startsWith('/attachments/')) return serveAttachment(state, path, response);
    if (!path.startsWith('/api/')) return void response.writeHead(404).end();
    handleRest(state, request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: `loopback Discord failed: ${String(error)}`, code: 0 }));
      }
    });
  });
  const wss = new WebSocketServer({ server });
  const gateway = new FakeGateway(wss, {
    token: state.token,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    readyData: (sessionId) => readyData(state, sessionId),
    guildCreates: () => [guildCreate(state)],
    onChange: () => state.changed(),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}`;

  const dispatchInteraction = (record: InteractionRecord, payload: Record<string, unknown>) => {
    state.interactions.set(record.id, record);
    gateway.dispatch('INTERACTION_CREATE', payload);
    state.changed();
    return { id: record.id, token: record.token };
  };

  return {
    apiRoot: `${state.baseUrl}/api`,
    gatewayUrl: `ws://127.0.0.1:${port}`,
    token: state.token,
    applicationId: state.applicationId,
    guildId: state.guildId,
    channelIds: state.channelIds,
    calls: state.calls,
    callbacks: state.callbacks,
    edits: state.edits,
    followUps: state.followUps,
    channelMessages: state.channelMessages,
    gatewayOps: gateway.ops,
    gatewayConnections: gateway.connections,
    get intents() {
      return gateway.intents;
    },
    get gatewayConnected() {
      return gateway.connected;
    },
    commands: (guildId) =>
      guildId === undefined ? state.globalCommands : (state.guildCommands.get(guildId) ?? []),
    message: (id) => state.messages.get(id),
    interaction: (id) => state.interactions.get(id),

    injectSlashCommand({ name, options: values = {}, userId, channelId, guildId }) {
      const guild = guildId === null ? undefined : (guildId ?? state.guildId);
      const command =
        (guild ? state.guildCommands.get(guild)?.find((candidate) => candidate.name === name) : undefined) ??
        state.globalCommands.find((candidate) => candidate.name === name);
      if (!command) throw new Error(`/${name} is not registered, so Discord would not offer it`);
      const record: InteractionRecord = {
        id: snowflake(),
        token: randomToken(),
        type: 2,
        commandName: name,
        userId,
        channelId,
        ...(guild ? { guildId: guild } : {}),
        createdAt: Date.now(),
      };
      const options = commandOptions(command, values);
      return dispatchInteraction(record, {
        ...interactionBase(state, { ...record, type: 2 }),
        data: {
          id: command.id,
          name,
          type: 1,
          ...(options.length > 0 ? { options } : {}),
          ...(command.guild_id ? { guild_id: command.guild_id } : {}),
        },
      });
    },

    pressButton({ customId, userId, channelId, messageId }) {
      const message = state.messages.get(messageId);
      if (!message) throw new Error(`There is no message ${messageId} to press a button on`);
      if (!hasButton(message, customId)) throw new Error(`Message ${messageId} has no button "${customId}"`);
      const record: InteractionRecord = {
        id: snowflake(),
        token: randomToken(),
        type: 3,
        customId,
        userId,
        channelId: channelId ?? message.channelId,
        ...(message.guildId ? { guildId: message.guildId } : {}),
        createdAt: Date.now(),
        sourceMessageId: message.id,
      };
      return dispatchInteraction(record, {
        ...interactionBase(state, { ...record, type: 3 }),
        data: { custom_id: customId, component_type: 2 },
        message: state.apiMessage(message),
      });
    },

    dropGateway: (code) => gateway.drop(code),
    terminateGateway: () => gateway.terminate(),
    invalidateGatewaySession: () => gateway.invalidateSession(),
    acknowledgeHeartbeats: (yes) => void (gateway.acknowledgeHeartbeats = yes),
    get hungRequests() {
      return state.hung.size;
    },
    releaseHung() {
      const held = [...state.hung];
      for (const response of held) response.socket?.destroy();
      return held.length;
    },

    failNext(route, failure, times = 1) {
      state.failures.push({ pattern: failurePattern(route), failure, remaining: times });
    },

    clearFailures() {
      state.failures.length = 0;
    },

    waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'the condition') {
      return new Promise<T>((resolve, reject) => {
        const check = (): boolean => {
          let value: T | undefined | null | false;
          try {
            value = probe();
          } catch (error) {
            cleanup();
            reject(error as Error);
            return true;
          }
          if (value === undefined || value === null || value === false) return false;
          cleanup();
          resolve(value);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          state.off('change', check);
        };
        if (!check()) state.on('change', check);
      });
    },

    async close() {
      gateway.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
