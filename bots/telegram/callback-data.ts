import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { ReplyButton } from '../../src/commands/reply.ts';

/** Telegram's limit on a button's callback_data. */
const CALLBACK_DATA_BYTES = 64;
const SHORT_ID_PREFIX = '#';

/**
 * Button commands as callback_data: the command itself when it fits in 64 bytes, else a short id
 * remembered here (the most recent `capacity` of them; an older button answers that it expired).
 */
export class CallbackData {
  private readonly commands = new Map<string, string>();
  private nextId = 1;

  constructor(private readonly capacity = 5000) {}

  encode(command: string): string {
    if (Buffer.byteLength(command, 'utf8') <= CALLBACK_DATA_BYTES && !command.startsWith(SHORT_ID_PREFIX)) {
      return command;
    }
    const id = `${SHORT_ID_PREFIX}${(this.nextId++).toString(36)}`;
    this.commands.set(id, command);
    if (this.commands.size > this.capacity) {
      const oldest = this.commands.keys().next().value;
      if (oldest !== undefined) this.commands.delete(oldest);
    }
    return id;
  }

  /** The command a press stands for, or undefined when its short id is no longer known. */
  decode(data: string): string | undefined {
    return data.startsWith(SHORT_ID_PREFIX) ? this.commands.get(data) : data;
  }

  keyboard(buttons: readonly ReplyButton[][]): InlineKeyboardMarkup {
    return {
      inline_keyboard: buttons.map((row) =>
        row.map((button) => ({ text: button.label, callback_data: this.encode(button.command) })),
      ),
    };
  }
}
