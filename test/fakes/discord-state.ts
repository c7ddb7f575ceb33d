import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import {
  messageObject,
  snowflake,
  userObject,
  type CallbackRecord,
  type DiscordUser,
  type EditRecord,
  type RestCall,
  type StoredAttachment,
  type StoredMessage,
} from './discord-records.ts';

/** One interaction the fake sent to the bot, and how the bot has answered it so far. */
export interface InteractionRecord {
  id: string;
  token: string;
  /** 2 slash command, 3 component (button). */
  type: 2 | 3;
  commandName?: string;
  customId?: string;
  userId: string;
  channelId: string;
  guildId?: string;
  createdAt: number;
  /** The callback type once acknowledged. */
  callbackType?: number;
  /** What `@original` means: the response message, or for a button the message it sits on. */
  originalMessageId?: string;
  /** For a button: the message the button was on. */
  sourceMessageId?: string;
}

/** A registered application command, as stored and returned by the API. */
export interface RegisteredCommand {
  id: string;
  name: string;
  description?: string;
  options?: {
    name: string;
    type: number;
    required?: boolean;
    choices?: { name: string; value: string | number }[];
  }[];
  [key: string]: unknown;
}

/**
 * `network: true` resets the connection before the request is handled; `lost-response` handles it and
 * then resets, so the answer is lost; `hang` accepts it and never answers (with `process`, handled first)
 * until `releaseHung()` or the client gives up.
 */
export type Failure =
  | { status: 429; retryAfter: number; global?: boolean }
  | { status: 500 | 502 | 503 | 504 }
  | { network: true | 'lost-response' }
  | { hang: true; process?: boolean };

export interface PendingFailure {
  pattern: RegExp;
  failure: Failure;
  remaining: number;
}

/** Message content the fake accepts from a request body, before it is stored. */
export interface MessageInput {
  body: Record<string, unknown>;
  uploads: StoredAttachment[];
}

const MENTION = /<@!?(\d+)>/g;
export const FLAG_EPHEMERAL = 64;
export const FLAG_LOADING = 128;

/** Everything the loopback Discord knows and every record tests read; emits `change` on each update. */
export class FakeDiscordState extends EventEmitter {
  readonly bot: DiscordUser;
  baseUrl = '';
  readonly calls: RestCall[] = [];
  readonly callbacks: CallbackRecord[] = [];
  readonly edits: EditRecord[] = [];
  readonly followUps: StoredMessage[] = [];
  readonly channelMessages: StoredMessage[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly interactions = new Map<string, InteractionRecord>();
  globalCommands: RegisteredCommand[] = [];
  readonly guildCommands = new Map<string, RegisteredCommand[]>();
  readonly failures: PendingFailure[] = [];
  /** Requests held open by a `hang` failure. */
  readonly hung = new Set<ServerResponse>();
  private readonly nonces = new Map<string, StoredMessage>();

  constructor(
    readonly token: string,
    readonly applicationId: string,
    readonly guildId: string,
    readonly channelIds: readonly string[],
    readonly interactionDeadlineMs: number,
  ) {
    super();
    this.bot = userObject(applicationId, true);
  }

  changed(): void {
    this.emit('change');
  }

  isKnownChannel(channelId: string): boolean {
    return this.channelIds.includes(channelId);
  }

  interactionByToken(token: string): InteractionRecord | undefined {
    for (const interaction of this.interactions.values()) if (interaction.token === token) return interaction;
    return undefined;
  }

  apiMessage(message: StoredMessage): Record<string, unknown> {
    return messageObject(message, {
      bot: this.bot,
      applicationId: this.applicationId,
      baseUrl: this.baseUrl,
    });
  }

  /** The message a nonce already made in this channel, when the sender asked for `enforce_nonce`. */
  messageForNonce(channelId: string, body: Record<string, unknown>): StoredMessage | undefined {
    if (body.enforce_nonce !== true || body.nonce === undefined) return undefined;
    return this.nonces.get(`${channelId}:${String(body.nonce)}`);
  }

  createMessage(
    channelId: string,
    input: MessageInput,
    extra: { interactionId?: string; flags?: number } = {},
  ): StoredMessage {
    const { body, uploads } = input;
    const message: StoredMessage = {
      id: snowflake(),
      channelId,
      ...(this.isKnownChannel(channelId) ? { guildId: this.guildId } : {}),
      content: typeof body.content === 'string' ? body.content : '',
      embeds: (body.embeds as Record<string, unknown>[] | undefined) ?? [],
      components: (body.components as Record<string, unknown>[] | undefined) ?? [],
      flags: extra.flags ?? (typeof body.flags === 'number' ? body.flags : 0),
      attachments: uploads,
      mentions: allowedMentions(body),
      createdAt: Date.now(),
      ...(body.nonce === undefined ? {} : { nonce: body.nonce as string | number }),
      ...(extra.interactionId ? { interactionId: extra.interactionId } : {}),
    };
    this.messages.set(message.id, message);
    if (body.nonce !== undefined) this.nonces.set(`${channelId}:${String(body.nonce)}`, message);
    return message;
  }

  /** Applies an edit: fields present replace the old ones; `attachments` lists the old files to keep. */
  editMessage(message: StoredMessage, input: MessageInput, interactionId?: string): StoredMessage {
    const { body, uploads } = input;
    if ('content' in body) message.content = typeof body.content === 'string' ? body.content : '';
    if ('embeds' in body) message.embeds = (body.embeds as Record<string, unknown>[] | null) ?? [];
    if ('components' in body)
      message.components = (body.components as Record<string, unknown>[] | null) ?? [];
    if ('allowed_mentions' in body || 'content' in body)
      message.mentions = allowedMentions({ ...body, content: message.content });
    const kept = Array.isArray(body.attachments)
      ? message.attachments.filter((old) =>
          (body.attachments as { id?: unknown }[]).some((entry) => String(entry.id) === old.id),
        )
      : message.attachments;
    message.attachments = [...kept, ...uploads];
    message.flags &= ~FLAG_LOADING;
    message.editedAt = Date.now();
    this.edits.push({
      messageId: message.id,
      ...(interactionId ? { interactionId } : {}),
      body,
      attachments: uploads,
      at: message.editedAt,
    });
    return message;
  }
}

/** The user ids a message pings: `<@id>` in the content, limited by `allowed_mentions`. */
function allowedMentions(body: Record<string, unknown>): string[] {
  const content = typeof body.content === 'string' ? body.content : '';
  const mentioned = [...content.matchAll(MENTION)].map((match) => match[1]!);
  const allowed = body.allowed_mentions as { parse?: string[]; users?: string[] } | undefined;
  if (!allowed) return mentioned;
  if (allowed.parse?.includes('users')) return mentioned;
  return mentioned.filter((id) => allowed.users?.includes(id));
}
