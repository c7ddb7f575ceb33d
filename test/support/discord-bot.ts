import { afterAll, beforeAll } from 'vitest';
import { startDiscordBot, type DiscordBot, type DiscordBotOptions } from '../../bots/discord/discord-bot.ts';
import {
  startDiscordServer,
  type DiscordServer,
  type DiscordServerOptions,
} from '../fakes/discord-server.ts';

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
  try {
    const bot = await startDiscordBot({
      token: server.token,
      apiRoot: server.apiRoot,
      ...(global ? {} : { guildId: server.guildId, alertChannelId: alertChannel }),
      ...botOptions,
    });
    return {
      server,
      bot,
      alertChannel,
      otherChannel,
      close: async () => {
        await bot.stop();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/**
 * The same for a whole test file: started in `beforeAll` (with the options `options()` returns then),
 * closed in `afterAll`; read its fields inside tests and hooks.
 */
export function discordOnLoopbackForFile(options: () => DiscordOnLoopbackOptions): DiscordOnLoopback {
  const discord = {} as DiscordOnLoopback;
  beforeAll(async () => {
    Object.assign(discord, await startDiscordOnLoopback(options()));
  });
  afterAll(async () => {
    await discord.close?.();
  });
  return discord;
}
