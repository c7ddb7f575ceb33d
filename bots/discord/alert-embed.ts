import { createHash } from 'node:crypto';
import {
  escapeMarkdown,
  type APIEmbed,
  type RawFile,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord.js';
import type { Alert } from '../../src/alerts/alert.ts';

export const HIGH_PRIORITY_COLOR = 0xed4245;
export const DEFAULT_COLOR = 0x5865f2;

/** A channel message ready for `POST /channels/{id}/messages`. */
export interface ChannelPost {
  body: RESTPostAPIChannelMessageJSONBody;
  files: RawFile[];
}

const safeFilename = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_') || 'alert.png';

/**
 * Discord keeps a message's nonce for a few minutes and, with `enforce_nonce`, answers a repeat with the
 * first message: a send retried after a lost response is then not posted twice.
 */
export function alertNonce(alertId: string, channelId: string): string {
  return createHash('sha256').update(`${alertId}\n${channelId}`).digest('base64url').slice(0, 25);
}

export function alertEmbed(alert: Alert): APIEmbed {
  return {
    title: alert.title.slice(0, 256),
    description: escapeMarkdown(alert.text).slice(0, 4096),
    color: alert.priority === 'high' ? HIGH_PRIORITY_COLOR : DEFAULT_COLOR,
    timestamp: new Date(alert.dataTime).toISOString(),
    ...(alert.tags.length > 0 ? { footer: { text: alert.tags.join(' · ').slice(0, 2048) } } : {}),
    ...(alert.image ? { image: { url: `attachment://${safeFilename(alert.image.filename)}` } } : {}),
  };
}

/** The alert as an embed (its PNG shown inside), pinging the given users. */
export function alertPost(alert: Alert, channelId: string, mentionUserIds: readonly string[]): ChannelPost {
  const image = alert.image;
  const filename = image ? safeFilename(image.filename) : undefined;
  return {
    body: {
      ...(mentionUserIds.length > 0 ? { content: mentionUserIds.map((id) => `<@${id}>`).join(' ') } : {}),
      embeds: [alertEmbed(alert)],
      allowed_mentions: { parse: [], users: [...mentionUserIds] },
      nonce: alertNonce(alert.id, channelId),
      enforce_nonce: true,
      ...(image
        ? { attachments: [{ id: 0, filename: filename!, description: image.alt.slice(0, 1024) }] }
        : {}),
    },
    files: image ? [{ name: filename!, data: image.png, contentType: 'image/png' }] : [],
  };
}
