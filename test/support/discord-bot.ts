import { startDiscordBot, type DiscordBot, type DiscordBotOptions } from '../../bots/discord/discord-bot.ts';
import {
  startDiscordServer,
  type DiscordServer,
  type DiscordServerOptions,
} from '../fakes/discord-server.ts';
import { botOnServer, startedForFile } from './lifecycle.ts';

export interface DiscordOnLoopback {
  server: DiscordServer;
  bot: DiscordBot;
  /** The guild's first channel: broadcast alerts go there. */
  alertChannel: string;
  /** The guild's second channel. */
  otherChannel: string;
  /** Stops the bot, then the server. */
  close(): Promise<void>;
}

export type DiscordOnLoopbackOptions = Pick<DiscordBotOptions, 'core' | 'chains' | 'logger'> &
  Partial<Omit<DiscordBotOptions, 'token' | 'apiRoot' | 'guildId'>> & {
    /** The loopback Discord's options. */
    server?: DiscordServerOptions;
    /** Register the slash commands globally (no guild id). */
    global?: boolean;
  };

/**
 * The real Discord adapter (discord.js) connected to a loopback Discord of its own: REST and gateway,
 * the guild's first channel for alerts. Everything the adapter accepts can be set.
 */
export async function startDiscordOnLoopback(options: DiscordOnLoopbackOptions): Promise<DiscordOnLoopback> {
  const { server: serverOptions, global = false, ...botOptions } = options;
  const server = await startDiscordServer(serverOptions);
  const [alertChannel, otherChannel] = server.channelIds as [string, string];
  const { bot, close } = await botOnServer(server, () =>
    startDiscordBot({
      token: server.token,
      apiRoot: server.apiRoot,
      ...(global ? {} : { guildId: server.guildId, alertChannelId: alertChannel }),
      ...botOptions,
    }),
  );
  return { server, bot, alertChannel, otherChannel, close };
}

/** The same for a whole test file (see `startedForFile`). */
export function discordOnLoopbackForFile(options: () => DiscordOnLoopbackOptions): DiscordOnLoopback {
  return startedForFile(() => startDiscordOnLoopback(options()));
}
