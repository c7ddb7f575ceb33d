import { setTimeout as sleep } from 'node:timers/promises';
import type { Telegram } from 'telegraf';
import type { CallbackQuery, Message } from 'telegraf/types';
import type { Caller } from '../../src/commands/access.ts';
import type { CommandCore } from '../../src/commands/command-core.ts';
import type { Reply } from '../../src/commands/reply.ts';
import type { CallbackData } from './callback-data.ts';
import type { SafeLog } from './redact.ts';
import { addressOf, commandName, messageCaller } from './telegram-routing.ts';
import { replyBlocks, type Outgoing, type TelegramSender } from './telegram-sender.ts';

/** How long a button press waits for its result before answering the press without it. */
const CALLBACK_ANSWER_WAIT_MS = 2000;
const FAILED: Reply = { text: 'Something went wrong; the error is logged. Try again later.', error: true };
const EXPIRED = 'This button has expired. Send the command again.';

/** Runs incoming messages and button presses through the command core and sends the answers. */
export class TelegramUpdates {
  constructor(
    private readonly deps: {
      core: CommandCore;
      telegram: Telegram;
      sender: TelegramSender;
      callbackData: CallbackData;
      log: SafeLog;
      username: string;
    },
  ) {}

  /** A new message: commands to this bot run; plain text is answered only in a private chat. */
  async onMessage(message: Message): Promise<void> {
    if (!('text' in message)) return;
    const address = addressOf(message.text, this.deps.username);
    if (address === 'other-bot') return;
    if (address === 'not-a-command' && message.chat.type !== 'private') return;
    const caller = messageCaller(message);
    const command = address === 'mine' ? commandName(message.text) : '(plain text)';
    this.deps.log.info({ chat: message.chat.id, owner: caller.owner, command }, 'Telegram command');
    const reply = await this.run(message.text, caller);
    await this.deps.sender.post(message.chat.id, this.outgoing(reply), message.message_id);
  }

  /**
   * A button press runs its command as the presser. Refusals show as the press's alert; a chain
   * photo's result replaces the photo in place; other results are sent as a new reply.
   */
  async onCallback(query: CallbackQuery): Promise<void> {
    const message = query.message;
    const command = 'data' in query ? this.deps.callbackData.decode(query.data) : undefined;
    if (!message || command === undefined) return this.answer(query, EXPIRED);
    const caller: Caller = { owner: `telegram:${query.from.id}`, chat: `telegram:${message.chat.id}` };
    this.deps.log.info(
      { chat: message.chat.id, owner: caller.owner, command: commandName(command), button: true },
      'Telegram button',
    );
    const refusal = this.deps.core.precheck(command, caller);
    if (refusal) return this.answer(query, refusal.text);

    const running = this.run(command, caller);
    const early = await Promise.race([running, sleep(CALLBACK_ANSWER_WAIT_MS, null, { ref: false })]);
    if (early?.error) return this.answer(query, early.text);
    await this.answer(query);
    const reply = early ?? (await running);
    const outgoing = this.outgoing(reply);
    if (outgoing.image && !reply.error && 'photo' in message) {
      try {
        await this.deps.sender.replacePhoto(message.chat.id, message.message_id, {
          ...outgoing,
          image: outgoing.image,
        });
        return;
      } catch (error) {
        if (/message is not modified/i.test(String(error))) return;
        this.deps.log.info({ chat: message.chat.id }, 'Sending a new photo instead of the failed edit');
      }
    }
    await this.deps.sender.post(message.chat.id, outgoing, message.message_id);
  }

  private async run(text: string, caller: Caller): Promise<Reply> {
    try {
      return await this.deps.core.handle(text, caller);
    } catch (error) {
      this.deps.log.error({ owner: caller.owner, command: commandName(text), error }, 'Command failed');
      return FAILED;
    }
  }

  private outgoing(reply: Reply): Outgoing {
    return {
      blocks: replyBlocks(reply),
      ...(reply.image ? { image: reply.image } : {}),
      ...(reply.buttons?.length ? { keyboard: this.deps.callbackData.keyboard(reply.buttons) } : {}),
    };
  }

  /** Always answers a press (Telegram shows a spinner until then); a text shows as an alert. */
  private async answer(query: CallbackQuery, alert?: string): Promise<void> {
    try {
      await this.deps.telegram.answerCbQuery(
        query.id,
        alert === undefined ? undefined : alert.slice(0, 200),
        alert === undefined ? {} : { show_alert: true },
      );
    } catch (error) {
      this.deps.log.warn({ query: query.id, error }, 'Could not answer a button press');
    }
  }
}
