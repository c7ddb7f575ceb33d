import { startDiscordBot } from '../../bots/discord/discord-bot.ts';
import { NtfyNotifier } from '../../bots/ntfy/ntfy-notifier.ts';
import { startTelegramBot } from '../../bots/telegram/telegram-bot.ts';
import type { AlertEngine } from '../alerts/alert-engine.ts';
import type { Notifier } from '../alerts/alert.ts';
import { platformOf } from '../util/chat-key.ts';
import type { CommandCore } from '../commands/command-core.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';

export interface ChatAdapters {
  /** Which adapters run, e.g. ['telegram', 'ntfy']. */
  readonly running: string[];
  stop(): Promise<void>;
}

/** What the adapters use of the daemon. */
export interface ChatDeps {
  readonly commands: CommandCore;
  readonly alerts: AlertEngine;
}

/** A running adapter: it takes alerts, and chat adapters declare their platform's key prefix. */
type Adapter = Notifier & { readonly platform?: string; stop?(): Promise<void> };

interface AdapterEntry {
  name: string;
  /** Starts the adapter, or null when the config does not ask for it. */
  start(config: Config, deps: ChatDeps, logger: Logger): Promise<Adapter> | null;
}

/** Platforms whose callers need no adapter to be known. */
const ALWAYS_KNOWN = ['console'];

const ADAPTERS: readonly AdapterEntry[] = [
  {
    name: 'telegram',
    start: ({ telegram }, deps, logger) =>
      telegram &&
      startTelegramBot({
        token: telegram.token,
        apiRoot: telegram.apiRoot,
        core: deps.commands,
        alertChatIds: telegram.alertChatIds,
        logger,
      }),
  },
  {
    name: 'discord',
    start: ({ discord, chains }, deps, logger) =>
      discord &&
      startDiscordBot({
        token: discord.token,
        apiRoot: discord.apiRoot,
        guildId: discord.guildId,
        alertChannelId: discord.alertChannelId,
        core: deps.commands,
        chains,
        logger,
      }),
  },
  {
    name: 'ntfy',
    start: ({ ntfy }, _deps, logger) =>
      ntfy && Promise.resolve(new NtfyNotifier({ url: ntfy.url, token: ntfy.token, logger })),
  },
];

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Warns about each ACCESS entry (`platform:id`) whose platform no running adapter serves. */
function warnUnservedAccess(config: Config, adapters: readonly Adapter[], logger: Logger): void {
  const known = new Set([...ALWAYS_KNOWN, ...adapters.flatMap((adapter) => adapter.platform ?? [])]);
  for (const entry of config.access.keys()) {
    const platform = platformOf(entry);
    if (platform !== null && !known.has(platform)) {
      logger.warn(
        { entry, platform },
        'ACCESS names a platform with no running adapter; the entry is unused',
      );
    }
  }
}

/**
 * Starts the adapters the config asks for, each on the daemon's command core and registered with its
 * alert engine. One adapter failing to start is logged and the others carry on.
 */
export async function startChatAdapters(
  config: Config,
  deps: ChatDeps,
  logger: Logger,
): Promise<ChatAdapters> {
  const started: Adapter[] = [];
  const running: string[] = [];
  for (const { name, start } of ADAPTERS) {
    try {
      const adapter = await start(config, deps, logger.child({ adapter: name }));
      if (!adapter) continue;
      deps.alerts.addNotifier(adapter);
      started.push(adapter);
      running.push(name);
      logger.info({ adapter: name }, 'adapter started');
    } catch (error) {
      logger.error({ adapter: name, err: message(error) }, 'adapter could not start');
    }
  }
  warnUnservedAccess(config, started, logger);
  return {
    running,
    stop: async () => {
      for (const adapter of started.splice(0).reverse()) {
        try {
          await adapter.stop?.();
        } catch (error) {
          logger.warn({ err: message(error) }, 'error while stopping an adapter');
        }
      }
    },
  };
}
