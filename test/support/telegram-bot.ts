import {
  startTelegramBot,
  type TelegramBot,
  type TelegramBotOptions,
} from '../../bots/telegram/telegram-bot.ts';
import { startTelegramApiServer, type TelegramApiServer } from '../fakes/telegram-api-server.ts';
import { botOnServer, startedForFile } from './lifecycle.ts';

export interface TelegramOnLoopback {
  fake: TelegramApiServer;
  bot: TelegramBot;
  /** Stops the bot, then the loopback Bot API. */
  close(): Promise<void>;
}

export type TelegramOnLoopbackOptions = Pick<TelegramBotOptions, 'core' | 'logger'> &
  Partial<Omit<TelegramBotOptions, 'token' | 'apiRoot'>> & {
    /** The loopback Bot API's options. */
    server?: Parameters<typeof startTelegramApiServer>[0];
  };

/**
 * The real Telegram adapter (telegraf) on a loopback Bot API of its own: no alert chats and retries
 * 100 ms apart unless the options say otherwise.
 */
export async function startTelegramOnLoopback(
  options: TelegramOnLoopbackOptions,
): Promise<TelegramOnLoopback> {
  const { server, ...botOptions } = options;
  const fake = await startTelegramApiServer(server);
  const { bot, close } = await botOnServer(fake, () =>
    startTelegramBot({
      token: fake.token,
      apiRoot: fake.apiRoot,
      alertChatIds: [],
      retry: { backoffMs: 100 },
      ...botOptions,
    }),
  );
  return { fake, bot, close };
}

/** The same for a whole test file (see `startedForFile`). */
export function telegramOnLoopbackForFile(options: () => TelegramOnLoopbackOptions): TelegramOnLoopback {
  return startedForFile(() => startTelegramOnLoopback(options()));
}
