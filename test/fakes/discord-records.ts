import { randomBytes } from 'node:crypto';

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A Discord snowflake: milliseconds since 2015 in the top bits, so ids sort by creation time. */
export function snowflake(at = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

export const randomToken = (): string => `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`;

export const isoTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

export interface DiscordUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
  public_flags: number;
}

export function userObject(id: string, bot = false): DiscordUser {
  return {
    id,
    username: bot ? 'oi-tracker' : `user${id.slice(-4)}`,
    discriminator: '0',
    global_name: null,
    avatar: null,
    ...(bot ? { bot: true } : {}),
    public_flags: 0,
  };
}

/** A file uploaded with a message, bytes included so tests can check them. */
export interface StoredAttachment {
  id: string;
  filename: string;
  contentType: string;
  description?: string;
  data: Buffer;
}

/** One message as the fake keeps it: the current state after any edits. */
export interface StoredMessage {
  id: string;
  channelId: string;
  guildId?: string;
  content: string;
  embeds: Record<string, unknown>[];
  components: Record<string, unknown>[];
  flags: number;
  attachments: StoredAttachment[];
  /** User ids the message may ping (allowed_mentions). */
  mentions: string[];
  nonce?: string | number;
  /** Set on messages made through an interaction (original responses and follow-ups). */
  interactionId?: string;
  createdAt: number;
  editedAt?: number;
}

/** Every REST request the fake answered, in order. */
export interface RestCall {
  method: string;
  /** The path after `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  query: string;
  /** The HTTP status answered; -1 when the answer was lost (connection reset), 0 when it never came (hang). */
  status: number;
  authorized: boolean;
  body: unknown;
  fileNames: string[];
  at: number;
}

export interface CallbackRecord {
  interactionId: string;
  /** 4 message, 5 deferred message, 6 deferred update, 7 update. */
  type: number;
  data: Record<string, unknown> | undefined;
  ephemeral: boolean;
  attachments: StoredAttachment[];
  at: number;
}

export interface EditRecord {
  messageId: string;
  interactionId?: string;
  body: Record<string, unknown>;
  attachments: StoredAttachment[];
  at: number;
}

/** The message as Discord's API returns it. */
export function messageObject(
  message: StoredMessage,
  context: { bot: DiscordUser; applicationId: string; baseUrl: string },
): Record<string, unknown> {
  return {
    id: message.id,
    type: message.interactionId ? 20 : 0,
    channel_id: message.channelId,
    ...(message.guildId ? { guild_id: message.guildId } : {}),
    author: context.bot,
    content: message.content,
    timestamp: isoTime(message.createdAt),
    edited_timestamp: message.editedAt === undefined ? null : isoTime(message.editedAt),
    tts: false,
    mention_everyone: false,
    mentions: message.mentions.map((id) => userObject(id)),
    mention_roles: [],
    attachments: message.attachments.map((attachment) => {
      const url = `${context.baseUrl}/attachments/${message.channelId}/${attachment.id}/${attachment.filename}`;
      return {
        id: attachment.id,
        filename: attachment.filename,
        size: attachment.data.length,
        url,
        proxy_url: url,
        content_type: attachment.contentType,
        ...(attachment.description === undefined ? {} : { description: attachment.description }),
      };
    }),
    embeds: message.embeds,
    components: message.components,
    pinned: false,
    flags: message.flags,
    ...(message.nonce === undefined ? {} : { nonce: message.nonce }),
    ...(message.interactionId
      ? { webhook_id: context.applicationId, application_id: context.applicationId }
      : {}),
  };
}
