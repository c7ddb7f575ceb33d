import { Client, Events, GatewayIntentBits, RESTEvents, Routes, type Interaction } from 'discord.js';
import type { Notifier } from '../../src/alerts/alert.ts';
import type { CommandCore } from '../../src/commands/command-core.ts';
import type { Logger } from '../../src/log.ts';
import type { ChainSpec } from '../../src/tracker/types.ts';
import { DiscordAlertSender } from './alert-sender.ts';
import { errorSummary } from './error-summary.ts';
import { InteractionAnswerer } from './interaction-answerer.ts';
import { slashCommandDefinitions } from './slash-commands.ts';

export interface DiscordBotOptions {
  token: string;
  /** DISCORD_API_ROOT, e.g. `http://127.0.0.1:1234/api`; the gateway is discovered from it. Default Discord's. */
  apiRoot?: string;
  /** DISCORD_GUILD_ID: register the slash commands for this guild (instant); globally when unset. */
  guildId?: string;
  /** DISCORD_ALERT_CHANNEL_ID: where broadcast alerts (and mentions of user recipients) go. */
  alertChannelId?: string;
  core: CommandCore;
  chains: readonly ChainSpec[];
  logger: Logger;
  /** Answer directly when the core is done within this, else defer first. Default 2000 ms (Discord allows 3 s). */
  deferAfterMs?: number;
  /** Waits between alert send attempts after a 5xx or network failure. Default 1 s, 5 s, 15 s. */
  alertRetryDelaysMs?: readonly number[];
  /** Give up starting when the gateway is not ready by then. Default 60 s. */
  startupTimeoutMs?: number;
}

export interface DiscordBot extends Notifier {
  /** Users are `discord:<id>`, channels `discord-channel:<id>`. */
  readonly platform: string;
  /** Stops taking interactions, lets answers under way finish (up to 5 s), and disconnects. */
  stop(): Promise<void>;
}

const DEFAULT_DEFER_AFTER_MS = 2000;
const DEFAULT_ALERT_RETRY_DELAYS_MS = [1000, 5000, 15_000];
const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5000;

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)),
  );
  work.catch(() => undefined); // a late failure after the timeout is not unhandled
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Logs in and waits for `clientReady`: the gateway session is up and the guilds have arrived. */
async function connect(client: Client, token: string): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token);
  await ready;
}

function watchConnection(client: Client, log: Logger): void {
  client.once(Events.ClientReady, (ready) =>
    log.info({ user: ready.user.tag, applicationId: ready.application.id }, 'Discord bot connected'),
  );
  client.on(Events.ShardDisconnect, (event, shardId) =>
    log.warn({ shardId, code: event.code }, 'Discord gateway closed for good'),
  );
  client.on(Events.ShardReconnecting, (shardId) => log.info({ shardId }, 'Discord gateway reconnecting'));
  client.on(Events.ShardResume, (shardId, replayedEvents) =>
    log.info({ shardId, replayedEvents }, 'Discord gateway resumed'),
  );
  client.on(Events.ShardError, (error, shardId) =>
    log.warn({ shardId, err: errorSummary(error) }, 'Discord gateway error'),
  );
  client.on(Events.Error, (error) => log.error({ err: errorSummary(error) }, 'Discord client error'));
  client.on(Events.Warn, (message) => log.warn({ detail: message }, 'Discord client warning'));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    log.warn(
      {
        route: info.route,
        method: info.method,
        retryAfterMs: info.retryAfter,
        global: info.global,
        scope: info.scope,
      },
      'Discord rate limit: waiting',
    ),
  );
}

async function registerCommands(client: Client, options: DiscordBotOptions, log: Logger): Promise<void> {
  const applicationId = client.application?.id ?? client.user!.id;
  const route = options.guildId
    ? Routes.applicationGuildCommands(applicationId, options.guildId)
    : Routes.applicationCommands(applicationId);
  const definitions = slashCommandDefinitions(options.core.registry, options.chains);
  await client.rest.put(route, { body: definitions });
  log.info(
    { count: definitions.length, scope: options.guildId ? `guild ${options.guildId}` : 'global' },
    'Discord slash commands registered',
  );
}

/**
 * Connects the Discord bot: slash commands and buttons run through the command core, alerts are posted as
 * embeds. Resolves once the client is ready and the commands are registered; rejects (and disconnects) when
 * it cannot get there.
 */
export async function startDiscordBot(options: DiscordBotOptions): Promise<DiscordBot> {
  const log = options.logger.child({ component: 'discord' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [], repliedUser: false },
    ...(options.apiRoot ? { rest: { api: options.apiRoot } } : {}),
  });
  watchConnection(client, log);

  const answerer = new InteractionAnswerer({
    core: options.core,
    log,
    deferAfterMs: options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS,
  });
  const answering = new Set<Promise<void>>();
  const onInteraction = (interaction: Interaction) => {
    const answer = answerer.answer(interaction);
    answering.add(answer);
    void answer.finally(() => answering.delete(answer));
  };
  client.on(Events.InteractionCreate, onInteraction);

  try {
    const timeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
    await withTimeout(
      connect(client, options.token),
      timeoutMs,
      `Discord was not ready within ${timeoutMs / 1000} s`,
    );
    await registerCommands(client, options, log);
  } catch (error) {
    await client.destroy();
    log.error({ err: errorSummary(error) }, 'Discord bot could not start');
    throw new Error(`Discord bot could not start: ${errorSummary(error).message}`);
  }

  const sender = new DiscordAlertSender({
    post: (channelId, post) => client.rest.post(Routes.channelMessages(channelId), post),
    ...(options.alertChannelId ? { alertChannelId: options.alertChannelId } : {}),
    retryDelaysMs: options.alertRetryDelaysMs ?? DEFAULT_ALERT_RETRY_DELAYS_MS,
    log,
  });

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    client.off(Events.InteractionCreate, onInteraction);
    sender.stop();
    await withTimeout(Promise.allSettled([...answering]), STOP_GRACE_MS, 'answers still under way').catch(
      () => log.warn({ pending: answering.size }, 'Discord bot stopping with answers still under way'),
    );
    await client.destroy();
    log.info('Discord bot stopped');
  };
  return {
    name: 'discord',
    platform: 'discord',
    notify: (alert, progress) => sender.notify(alert, progress),
    stop: () => (stopping ??= stop()),
  };
}
