import type { Telegram } from 'telegraf';
import type { InlineKeyboardMarkup, ReplyParameters } from 'telegraf/types';
import type { Reply } from '../../src/commands/reply.ts';
import type { PngImage } from '../../src/render/png-image.ts';
import type { SendQueue } from './send-queue.ts';
import { captionAndTexts, htmlMessages, type TextBlock } from './telegram-format.ts';

/** A message as the adapter sends it: text blocks, an optional photo (the blocks become its caption), buttons. */
export interface Outgoing {
  blocks: TextBlock[];
  image?: PngImage;
  keyboard?: InlineKeyboardMarkup;
}

/** The blocks of a command's reply: its text, and its table as a monospace block unless a photo shows it. */
export function replyBlocks(reply: Reply): TextBlock[] {
  const blocks: TextBlock[] = [{ text: reply.text }];
  if (reply.table && !reply.image) blocks.push({ text: reply.table, style: 'pre' });
  return blocks;
}

/**
 * telegraf drops object fields it does not know from multipart bodies, so a photo's reply_parameters
 * travels as a JSON string (the Bot API accepts both forms).
 */
function replyParameters(replyTo: number, multipart: boolean): ReplyParameters {
  const parameters = { message_id: replyTo, allow_sending_without_reply: true };
  return (multipart ? JSON.stringify(parameters) : parameters) as ReplyParameters;
}

const photoFile = (image: PngImage) => ({ source: image.png, filename: image.filename });

/** Resolves when every send has settled; rejects with the first failure (each one is logged by the queue). */
async function allSent(sends: Promise<unknown>[]): Promise<void> {
  const failure = (await Promise.allSettled(sends)).find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}

/** telegraf's own HTTP timeout is 500 s; a send that hangs this long is dropped and retried by the queue. */
const SEND_TIMEOUT_MS = 30_000;

type ApiSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

/** Turns outgoing messages into Bot API calls, all through the send queue. */
export class TelegramSender {
  constructor(
    private readonly telegram: Telegram,
    private readonly queue: SendQueue,
  ) {}

  /** One Bot API call with its own deadline (the convenience methods take no abort signal). */
  private call(method: 'sendPhoto' | 'sendMessage' | 'editMessageMedia', payload: object): Promise<unknown> {
    const signal = AbortSignal.timeout(SEND_TIMEOUT_MS) as unknown as ApiSignal;
    return this.telegram.callApi(method, payload as never, { signal });
  }

  /**
   * Sends a photo with its caption (and the text that did not fit after it), or text split into
   * messages; the first part replies to `replyTo`, the buttons go under the photo or the last part.
   */
  post(chatId: number | string, outgoing: Outgoing, replyTo?: number): Promise<void> {
    const { image, keyboard } = outgoing;
    if (image) {
      const { caption, texts } = captionAndTexts(outgoing.blocks);
      const photo = this.queue.send(chatId, 'sendPhoto', () =>
        this.call('sendPhoto', {
          chat_id: chatId,
          photo: photoFile(image),
          caption,
          parse_mode: 'HTML',
          ...(keyboard ? { reply_markup: keyboard } : {}),
          ...(replyTo === undefined ? {} : { reply_parameters: replyParameters(replyTo, true) }),
        }),
      );
      return allSent([photo, ...this.texts(chatId, texts)]);
    }
    const parts = htmlMessages(outgoing.blocks);
    return allSent(this.texts(chatId, parts, keyboard, replyTo));
  }

  /** Replaces the photo (caption and buttons) of a message the bot sent; rejects when Telegram refuses. */
  async replacePhoto(chatId: number | string, messageId: number, outgoing: Outgoing & { image: PngImage }) {
    const { caption, texts } = captionAndTexts(outgoing.blocks);
    await this.queue.send(
      chatId,
      'editMessageMedia',
      () =>
        this.call('editMessageMedia', {
          chat_id: chatId,
          message_id: messageId,
          media: { type: 'photo', media: photoFile(outgoing.image), caption, parse_mode: 'HTML' },
          ...(outgoing.keyboard ? { reply_markup: outgoing.keyboard } : {}),
        }),
      { quiet: true },
    );
    await allSent(this.texts(chatId, texts));
  }

  private texts(
    chatId: number | string,
    parts: string[],
    keyboard?: InlineKeyboardMarkup,
    replyTo?: number,
  ): Promise<unknown>[] {
    return parts.map((html, index) =>
      this.queue.send(chatId, 'sendMessage', () =>
        this.call('sendMessage', {
          chat_id: chatId,
          text: html,
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(keyboard && index === parts.length - 1 ? { reply_markup: keyboard } : {}),
          ...(replyTo !== undefined && index === 0
            ? { reply_parameters: replyParameters(replyTo, false) }
            : {}),
        }),
      ),
    );
  }
}
