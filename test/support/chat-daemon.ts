/**
 * The whole daemon in this process against a simulator, with every chat adapter the config can start
 * (Telegram, Discord, ntfy) talking to loopback servers of their own: for tests of what a user sees.
 */
import { startChatAdapters, type ChatAdapters } from '../../src/app/chat-adapters.ts';
import type { Config } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import type { Logger } from '../../src/log.ts';
import type { SimServer } from '../../src/sim/server.ts';
import {
  startDiscordServer,
  type DiscordServer,
  type DiscordServerOptions,
} from '../fakes/discord-server.ts';
import { startNtfyServer } from '../fakes/ntfy-server.ts';
import { startTelegramApiServer, type TelegramApiServer } from '../fakes/telegram-api-server.ts';
import { configAgainstSim } from './daemon-config.ts';
import { untilWindowsSubscribed } from './daemon-cycles.ts';

export interface ChatDaemon {
  config: Config;
  daemon: Daemon;
  adapters: ChatAdapters;
  telegram: TelegramApiServer;
  discord: DiscordServer;
  ntfy: Awaited<ReturnType<typeof startNtfyServer>>;
  /** Stops the adapters, the daemon and the loopback servers (not the simulator). */
  stop(): Promise<void>;
}

export interface ChatDaemonOptions {
  sim: SimServer;
  /** Daemon settings on top of the chat ones (which point at the loopback servers) and the simulator's. */
  settings: Record<string, string>;
  logger: Logger;
  telegram?: Parameters<typeof startTelegramApiServer>[0];
  discord?: DiscordServerOptions;
  /** Runs once the daemon is up, before the adapters start (e.g. to listen to its alerts). */
  onDaemon?: (daemon: Daemon) => void;
}

/**
 * Starts the loopback Telegram, Discord and ntfy servers, the daemon configured for all three, and
 * its chat adapters; resolves once every chain has subscribed its strike window.
 */
export async function startChatDaemon(options: ChatDaemonOptions): Promise<ChatDaemon> {
  const telegram = await startTelegramApiServer(options.telegram);
  const discord = await startDiscordServer(options.discord);
  const ntfy = await startNtfyServer();
  const closeServers = () => Promise.all([telegram.close(), discord.close(), ntfy.close()]);
  const config = configAgainstSim(options.sim, {
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    DISCORD_BOT_TOKEN: discord.token,
    DISCORD_API_ROOT: discord.apiRoot,
    DISCORD_GUILD_ID: discord.guildId,
    DISCORD_ALERT_CHANNEL_ID: discord.channelIds[0]!,
    NTFY_URL: `${ntfy.url}/oi-alerts`,
    ...options.settings,
  });
  let daemon: Daemon | undefined;
  let adapters: ChatAdapters | undefined;
  const stop = async () => {
    await adapters?.stop();
    await daemon?.stop();
    await closeServers();
  };
  try {
    daemon = await startDaemon(config, options.logger);
    options.onDaemon?.(daemon);
    adapters = await startChatAdapters(config, daemon, options.logger);
    await untilWindowsSubscribed(daemon);
    return { config, daemon, adapters, telegram, discord, ntfy, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
