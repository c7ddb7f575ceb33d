import { Telegraf } from 'telegraf';
import type { Notifier } from '../../src/alerts/alert.ts';
import type { CommandCore } from '../../src/commands/command-core.ts';
import type { Logger } from '../../src/log.ts';
import { CallbackData } from './callback-data.ts';
import { LongPoll, type UpdateTypes } from './long-poll.ts';
import { createSafeLog, redactedMessage } from './redact.ts';
import { SendQueue, TelegramSendError, type RetryPolicy, type SendLimits } from './send-queue.ts';
import { TelegramNotifier } from './telegram-notifier.ts';
import { TelegramSender } from './telegram-sender.ts';
import { TelegramUpdates } from './telegram-updates.ts';

export interface TelegramBotOptions {
  token: string;
  /** TELEGRAM_API_ROOT: the Bot API server, https://api.telegram.org by default. */
  apiRoot?: string;
  core: CommandCore;
  /** TELEGRAM_ALERT_CHAT_IDS: chats that get every broadcast alert (`-100123` or `telegram:-100123`). */
  alertChatIds: string[];
  logger: Logger;
  /** Overrides of Telegram's flood limits and the retry policy (tests make them faster). */
  limits?: Partial<SendLimits>;
  retry?: Partial<RetryPolicy>;
  /** How long stop() lets running commands and queued sends finish (5 s by default). */
  stopTimeoutMs?: number;
}

export interface TelegramBot extends Notifier {
  readonly platform: string;
  /** The bot's @username, from getMe. */
  readonly username: string;
  /** Ends the long poll at once, lets running work finish (bounded), then fails what is still queued. */
  stop(): Promise<void>;
}

/** Only these update types run; edited messages and channel posts are not executed. */
const ALLOWED_UPDATES: UpdateTypes = ['message', 'callback_query'];

/**
 * Connects to the Bot API (rejects on a bad token or an unreachable server), publishes the command
 * menu and starts long polling in the background (telegraf's `launch` would only resolve on stop).
 */
export async function startTelegramBot(options: TelegramBotOptions): Promise<TelegramBot> {
  const { token, core, logger } = options;
  const log = createSafeLog(logger, token);
  const bot = new Telegraf(token, {
    telegram: options.apiRoot === undefined ? {} : { apiRoot: options.apiRoot },
  });
  const me = await bot.telegram.getMe().catch((error: unknown) => {
    throw new Error(`Telegram getMe failed: ${redactedMessage(error, token)}`);
  });
  bot.botInfo = me;
  const menu = core.registry
    .list()
    .map((command) => ({ command: command.name, description: command.summary }));
  await bot.telegram
    .setMyCommands(menu)
    .catch((error: unknown) => log.warn({ error }, 'Telegram setMyCommands failed; the menu is not shown'));

  const queue = new SendQueue({
    log,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const sender = new TelegramSender(bot.telegram, queue);
  const updates = new TelegramUpdates({
    core,
    telegram: bot.telegram,
    sender,
    callbackData: new CallbackData(),
    log,
    username: me.username,
  });
  const notifier = new TelegramNotifier(sender, options.alertChatIds, token);

  // Updates are handled in the background so one slow command (or a 429 wait) never holds up polling.
  const running = new Set<Promise<void>>();
  const track = (work: Promise<void>, updateId: number) => {
    const tracked = work
      .catch((error: unknown) => {
        // A failed send has been logged by the queue; anything else is a bug worth its own line.
        if (!(error instanceof TelegramSendError)) log.error({ updateId, error }, 'Telegram update failed');
      })
      .finally(() => running.delete(tracked));
    running.add(tracked);
  };
  bot.on('message', (ctx) => track(updates.onMessage(ctx.message), ctx.update.update_id));
  bot.on('callback_query', (ctx) => track(updates.onCallback(ctx.callbackQuery), ctx.update.update_id));
  bot.catch((error, ctx) => log.error({ updateId: ctx.update.update_id, error }, 'Telegram handler failed'));

  await bot.telegram.deleteWebhook().catch((error: unknown) => {
    throw new Error(`Telegram deleteWebhook failed: ${redactedMessage(error, token)}`);
  });
  const polling = new LongPoll(bot.telegram, ALLOWED_UPDATES, (update) => bot.handleUpdate(update), log);
  polling.start();
  log.info({ username: me.username }, 'Telegram bot started');

  let stopped = false;
  return {
    name: notifier.name,
    platform: notifier.platform,
    username: me.username,
    notify: (alert, progress) => notifier.notify(alert, progress),
    async stop() {
      if (stopped) return;
      stopped = true;
      await polling.stop();
      const deadline = Date.now() + (options.stopTimeoutMs ?? 5000);
      await Promise.race([Promise.allSettled([...running]), sleepUntil(deadline)]);
      await queue.drain(Math.max(0, deadline - Date.now()));
      queue.stop();
      log.info({ username: me.username }, 'Telegram bot stopped');
    },
  };
}

const sleepUntil = (deadline: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref());
