import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, escapeMarkdown } from 'discord.js';
import type { Reply, ReplyButton } from '../../src/commands/reply.ts';

/** Discord's limit for one message's text. */
export const MESSAGE_LIMIT = 2000;
const MAX_ROWS = 5;
const MAX_BUTTONS_PER_ROW = 5;
const MAX_CUSTOM_ID = 100;
const MAX_LABEL = 80;
const FENCE = '```';

/** One Discord message of a reply: text, and on the first message the image and the buttons. */
export interface DiscordMessage {
  content: string;
  files: AttachmentBuilder[];
  components: ActionRowBuilder<ButtonBuilder>[];
}

/** Splits text at line ends into pieces of at most `limit` characters (a longer line is cut). */
export function splitText(text: string, limit = MESSAGE_LIMIT): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length <= limit) {
      current = candidate;
      continue;
    }
    if (current !== '') pieces.push(current);
    let rest = line;
    while (rest.length > limit) {
      pieces.push(rest.slice(0, limit));
      rest = rest.slice(limit);
    }
    current = rest;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

/** A monospace table as ``` blocks, each fitting one message. */
export function codeBlocks(table: string, limit = MESSAGE_LIMIT): string[] {
  const safe = table.replaceAll(FENCE, '`\u200b``');
  const overhead = FENCE.length * 2 + 2;
  return splitText(safe, limit - overhead).map((piece) => `${FENCE}\n${piece}\n${FENCE}`);
}

/** Joins pieces with line breaks into as few messages as fit the limit. */
function pack(pieces: readonly string[], limit = MESSAGE_LIMIT): string[] {
  const messages: string[] = [];
  for (const piece of pieces) {
    const last = messages.at(-1);
    if (last !== undefined && last.length + 1 + piece.length <= limit)
      messages[messages.length - 1] = `${last}\n${piece}`;
    else messages.push(piece);
  }
  return messages;
}

const safeFilename = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_') || 'image.png';

export function imageAttachment(image: NonNullable<Reply['image']>): AttachmentBuilder {
  return new AttachmentBuilder(image.png, {
    name: safeFilename(image.filename),
    description: image.alt.slice(0, 1024),
  });
}

/**
 * Reply buttons as action rows; each button's custom_id is the command it runs. The core's rows are kept
 * when they fit Discord's 5 rows of 5; otherwise the buttons are packed 5 to a row, the first 25 shown.
 */
export function buttonRows(buttons: readonly ReplyButton[][] | undefined): ActionRowBuilder<ButtonBuilder>[] {
  const used = new Set<string>();
  const usable = (buttons ?? [])
    .map((row) =>
      row.filter((button) => {
        const fits = button.command.length <= MAX_CUSTOM_ID && !used.has(button.command);
        used.add(button.command);
        return fits;
      }),
    )
    .filter((row) => row.length > 0);
  const fitsAsIs = usable.length <= MAX_ROWS && usable.every((row) => row.length <= MAX_BUTTONS_PER_ROW);
  const flat = usable.flat().slice(0, MAX_ROWS * MAX_BUTTONS_PER_ROW);
  const rows = fitsAsIs
    ? usable
    : Array.from({ length: Math.ceil(flat.length / MAX_BUTTONS_PER_ROW) }, (_, index) =>
        flat.slice(index * MAX_BUTTONS_PER_ROW, (index + 1) * MAX_BUTTONS_PER_ROW),
      );
  return rows.map((row) =>
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      row.map((button) =>
        new ButtonBuilder()
          .setCustomId(button.command)
          .setLabel(button.label.slice(0, MAX_LABEL))
          .setStyle(button.danger ? ButtonStyle.Danger : ButtonStyle.Secondary),
      ),
    ),
  );
}

/**
 * A reply as Discord messages of at most 2000 characters: the text in Discord markdown (escaped, as the
 * core writes plain text), the table in a ``` block when there is no image showing it, the image and the
 * buttons on the first message; whatever does not fit goes into further messages.
 */
export function replyMessages(reply: Reply): DiscordMessage[] {
  const pieces = [
    ...splitText(escapeMarkdown(reply.text)),
    ...(reply.table && !reply.image ? codeBlocks(reply.table) : []),
  ];
  const contents = pack(pieces);
  if (contents.length === 0) contents.push(reply.image ? '' : '(no answer)');
  return contents.map((content, index) =>
    index === 0
      ? {
          content,
          files: reply.image ? [imageAttachment(reply.image)] : [],
          components: buttonRows(reply.buttons),
        }
      : { content, files: [], components: [] },
  );
}
