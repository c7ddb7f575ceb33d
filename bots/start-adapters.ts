import type { Config } from '../src/config.ts';
import type { Daemon } from '../src/daemon.ts';
import type { Logger } from '../src/log.ts';
import { startDiscordBot } from './discord/discord-bot.ts';
import { NtfyNotifier } from './ntfy/ntfy-notifier.ts';
import { startTelegramBot } from './telegram/telegram-bot.ts';

export interface ChatAdapters {
  /** Which adapters run, e.g. ['telegram', 'ntfy']. */
  readonly running: string[];
  stop(): Promise<void>;
}

/**
 * Starts the chat adapters the config asks for, each on the daemon's command core and registered
 * with its alert engine. One adapter failing to start is logged and the others carry on.
 */
export async function startChatAdapters(
  config: Config,
  daemon: Daemon,
  logger: Logger,
): Promise<ChatAdapters> {
  const stops: (() => Promise<void>)[] = [];
  const running: string[] = [];
  const attempt = async (name: string, start: () => Promise<void>) => {
    try {
      await start();
      running.push(name);
      logger.info({ adapter: name }, 'adapter started');
    } catch (error) {
      logger.error(
        { adapter: name, err: error instanceof Error ? error.message : String(error) },
        'adapter could not start',
      );
    }
  };
  if (config.telegram) {
    const telegram = config.telegram;
    await attempt('telegram', async () => {
      const bot = await startTelegramBot({
        token: telegram.token,
        apiRoot: telegram.apiRoot,
        core: daemon.commands,
        alertChatIds: telegram.alertChatIds,
        logger: logger.child({ adapter: 'telegram' }),
      });
      daemon.alerts.addNotifier(bot);
      stops.push(() => bot.stop());
    });
  }
  if (config.discord) {
    const discord = config.discord;
    await attempt('discord', async () => {
      const bot = await startDiscordBot({
        token: discord.token,
        apiRoot: discord.apiRoot,
        guildId: discord.guildId,
        alertChannelId: discord.alertChannelId,
        core: daemon.commands,
        chains: config.chains,
        logger: logger.child({ adapter: 'discord' }),
      });
      daemon.alerts.addNotifier(bot);
      stops.push(() => bot.stop());
    });
  }
  if (config.ntfy) {
    const ntfy = config.ntfy;
    await attempt('ntfy', async () => {
      daemon.alerts.addNotifier(
        new NtfyNotifier({ url: ntfy.url, token: ntfy.token, logger: logger.child({ adapter: 'ntfy' }) }),
      );
    });
  }
  return {
    running,
    stop: async () => {
      for (const stop of stops.splice(0).reverse()) {
        try {
          await stop();
        } catch (error) {
          logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'error while stopping an adapter',
          );
        }
      }
    },
  };
}
