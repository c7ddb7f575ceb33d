import type { Message } from 'telegraf/types';
import type { Caller } from '../../src/commands/access.ts';

/** Whether a text is a command for this bot, a command for another bot (`/chain@otherbot`), or no command. */
export function addressOf(text: string, username: string): 'mine' | 'other-bot' | 'not-a-command' {
  const match = text.trimStart().match(/^\/[^\s@]*(?:@(\S*))?/);
  if (!match) return 'not-a-command';
  const target = match[1];
  return target === undefined || target.toLowerCase() === username.toLowerCase() ? 'mine' : 'other-bot';
}

/** The first word of a command without its @bot, for logs (arguments can carry secrets, e.g. /token). */
export function commandName(text: string): string {
  return (text.trimStart().split(/\s/, 1)[0] ?? '').replace(/@.*$/, '').toLowerCase();
}

/** Who sent a message: the user, or the chat they speak as (anonymous group admins, linked channels). */
export function messageCaller(message: Message): Caller {
  const sender = message.sender_chat?.id ?? message.from?.id;
  return {
    owner: `telegram:${sender}`,
    chat: `telegram:${message.chat.id}`,
    ...(message.chat.type === 'private' ? {} : { shared: true }),
  };
}
