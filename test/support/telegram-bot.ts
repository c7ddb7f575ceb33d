import { afterAll, beforeAll } from 'vitest';
import {
  startTelegramBot,
  type TelegramBot,
  type TelegramBotOptions,
} from '../../bots/telegram/telegram-bot.ts';
import { startTelegramApiServer, type TelegramApiServer } from '../fakes/telegram-api-server.ts';

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
  try {
    const bot = await startTelegramBot({
      token: fake.token,
      apiRoot: fake.apiRoot,
      alertChatIds: [],
      retry: { backoffMs: 100 },
      ...botOptions,
    });
    return {
      fake,
      bot,
      close: async () => {
        await bot.stop();
        await fake.close();
      },
    };
  } catch (error) {
    await fake.close();
    throw error;
  }
}

/**
 * The same for a whole test file: started in `beforeAll` (with the options `options()` returns then),
 * closed in `afterAll`; read its fields inside tests and hooks.
 */
export function telegramOnLoopbackForFile(options: () => TelegramOnLoopbackOptions): TelegramOnLoopback {
  const telegram = {} as TelegramOnLoopback;
  beforeAll(async () => {
    Object.assign(telegram, await startTelegramOnLoopback(options()));
  });
  afterAll(async () => {
    await telegram.close?.();
  });
  return telegram;
}
