import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { escapeMarkdown } from 'discord.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import type { Caller } from '../../src/commands/access.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import type { DiscordServer, InjectedInteraction } from '../fakes/discord-server.ts';
import {
  parseTelegramHtml,
  type StoredMessage,
  type TelegramApiServer,
} from '../fakes/telegram-api-server.ts';
import { configAgainstSim } from '../support/daemon-config.ts';
import { untilWindowsSubscribed } from '../support/daemon-cycles.ts';
import { startDiscordOnLoopback, type DiscordOnLoopback } from '../support/discord-bot.ts';
import { startTelegramOnLoopback, type TelegramOnLoopback } from '../support/telegram-bot.ts';
import { HOSTILE_VALUES, TELEGRAM_CORPUS } from './corpus.ts';

/**
 * The hostile corpus through the real Telegram and Discord adapters, on a daemon running against the
 * simulator: no crash, exactly one clear answer (or none where the bot must ignore the input), and no
 * markup injection (Telegram HTML, Discord markdown and mentions).
 */

const ADMIN = 1001;
const VIEWER_GROUP = -100_777;
const UNLISTED_GROUP = -100_888;
const LINKED_CHANNEL = -100_555;
/** The user Telegram puts in `from` for anonymous group admins. */
const GROUP_ANONYMOUS_BOT = 1_087_968_824;
const DISCORD_ADMIN = '900000000000000001';
/** An alert that marks the end of what the bot had queued for a chat. */
const SENTINEL = 'Sentinel alert';
/** A lone UTF-16 surrogate: the Bot API refuses text carrying one. */
const LONE_SURROGATE = /\p{Cs}/u;

const logs: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });

let sim: SimServer;
let telegram: TelegramApiServer;
let discord: DiscordServer;
let daemon: Daemon;
let telegramBot: TelegramBot;
let telegramOnLoopback: TelegramOnLoopback | undefined;
let discordOnLoopback: DiscordOnLoopback | undefined;

beforeAll(async () => {
  sim = await startSimServer({ seed: 31 });
  const config = configAgainstSim(sim, {
    DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'oi-hostile-')), 'oi.db'),
    KITE_API_SECRET: sim.credentials.apiSecret,
    ACCESS: `telegram:${ADMIN}=admin,telegram:${VIEWER_GROUP}=viewer,discord:${DISCORD_ADMIN}=admin`,
  });
  daemon = await startDaemon(config, logger);
  telegramOnLoopback = await startTelegramOnLoopback({
    server: { username: 'oi_tracker_bot' },
    core: daemon.commands,
    logger: logger.child({ adapter: 'telegram' }),
    // Pacing is not what these tests are about; every input gets a chat of its own anyway.
    limits: { perChatIntervalMs: 0 },
  });
  ({ fake: telegram, bot: telegramBot } = telegramOnLoopback);
  discordOnLoopback = await startDiscordOnLoopback({
    core: daemon.commands,
    chains: config.chains,
    logger: logger.child({ adapter: 'discord' }),
  });
  discord = discordOnLoopback.server;
  await untilWindowsSubscribed(daemon);
}, 60_000);

afterAll(async () => {
  await telegramOnLoopback?.close();
  await discordOnLoopback?.close();
  await daemon?.stop();
  await sim?.close();
});

let nextChat = 50_000;
const freshChat = () => nextChat++;

const repliesTo = (question: StoredMessage) =>
  telegram.sent(question.chat.id).filter((message) => message.reply_to_message_id === question.message_id);

const commandLogs = (chat: number) =>
  logs.filter((line) => line.includes('"msg":"Telegram command"') && line.includes(`"chat":${chat},`));

/** Everything the bot sent to `chat` but the sentinel, once whatever it had queued there has gone out. */
async function settledMessages(chat: number): Promise<StoredMessage[]> {
  await telegramBot.notify({
    id: `sentinel-${chat}`,
    kind: 'feed_recovered',
    title: SENTINEL,
    text: 'end of the test',
    priority: 'default',
    dataTime: Date.now(),
    tags: [],
    recipients: [`telegram:${chat}`],
    broadcast: false,
  });
  return telegram.sent(chat).filter((message) => !message.text?.startsWith(SENTINEL));
}

/** The answer is valid Bot API HTML whose only markup is the bot's own <pre>, with user text escaped. */
function expectSafeHtml(message: StoredMessage, question: string): void {
  const html = message.html!;
  expect(parseTelegramHtml(html)).toBe(message.text ?? message.caption);
  expect(html.replace(/<\/?pre>/g, '')).not.toMatch(/</);
  if (question.includes('<') && message.text?.includes('<')) expect(html).toContain('&lt;');
  expect(message.text ?? message.caption ?? '').not.toMatch(LONE_SURROGATE);
}

/** Sends `text` and waits for the one answer, or (when `answer` is null) makes sure there is none. */
async function exchange(
  input: { chatId: number; fromId: number; text: string; senderChatId?: number },
  answer: RegExp | null,
): Promise<StoredMessage[]> {
  const question = telegram.injectMessage(input);
  const awaited =
    answer === null
      ? telegram.injectMessage({ ...input, senderChatId: undefined, text: '/start' })
      : question;
  await telegram.waitFor(() => repliesTo(awaited).length > 0, 20_000);
  const sent = await settledMessages(input.chatId);
  const answers = sent.filter((message) => message.reply_to_message_id === question.message_id);
  if (answer === null) {
    expect(answers).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(commandLogs(input.chatId)).toHaveLength(1);
  } else {
    expect(sent).toHaveLength(1);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.text).toMatch(answer);
  }
  for (const message of sent) expectSafeHtml(message, input.text);
  return answers;
}

describe('hostile messages to the Telegram bot, from an admin in a private chat', () => {
  for (const input of TELEGRAM_CORPUS) {
    const test = input.knownBug ? it.fails : it;
    test(input.answer === null ? `ignores ${input.name}` : `answers ${input.name} once`, async () => {
      const text = input.text
        .replaceAll('{bot}', telegram.username)
        .replaceAll('{BOT}', telegram.username.toUpperCase());
      await exchange({ chatId: freshChat(), fromId: ADMIN, text }, input.answer);
    });
  }
});

describe('hostile updates to the Telegram bot', () => {
  it('does not run edited messages or channel posts', async () => {
    const chat = freshChat();
    const dropped = telegram.dropped.length;
    telegram.injectEditedMessage({ chatId: chat, fromId: ADMIN, text: '/buy NSE 25600CE 75' });
    telegram.injectChannelPost({ chatId: LINKED_CHANNEL, text: '/positions' });
    await exchange({ chatId: chat, fromId: ADMIN, text: '/help' }, /^Commands:\n/);
    expect(commandLogs(chat)).toHaveLength(1);
    expect(telegram.sent(LINKED_CHANNEL)).toEqual([]);
    expect(
      telegram.dropped.slice(dropped).map((update) => Object.keys(update).find((key) => key !== 'update_id')),
    ).toEqual(['edited_message', 'channel_post']);
  });

  it('ignores a sticker, a photo whose caption is a command, and a service message', async () => {
    const chat = freshChat();
    const user = { id: ADMIN, is_bot: false, first_name: 'Admin' };
    const base = { date: Math.floor(Date.now() / 1000), from: user };
    const privateChat = { id: chat, type: 'private', first_name: 'Admin' };
    telegram.injectUpdate('message', {
      ...base,
      message_id: 900_001,
      chat: privateChat,
      sticker: { file_id: 'sticker', file_unique_id: 's', width: 512, height: 512, is_animated: false },
    });
    telegram.injectUpdate('message', {
      ...base,
      message_id: 900_002,
      chat: privateChat,
      photo: [{ file_id: 'photo', file_unique_id: 'p', width: 90, height: 90 }],
      caption: '/buy NSE 25600CE 75',
      caption_entities: [{ type: 'bot_command', offset: 0, length: 4 }],
    });
    telegram.injectUpdate('message', {
      ...base,
      message_id: 900_003,
      chat: { id: VIEWER_GROUP, type: 'supergroup', title: 'Desk' },
      new_chat_members: [{ id: 4242, is_bot: false, first_name: '<b>Mallory</b>' }],
    });
    await exchange({ chatId: chat, fromId: ADMIN, text: '/help' }, /^Commands:\n/);
    expect(commandLogs(chat)).toHaveLength(1);
    expect(commandLogs(VIEWER_GROUP)).toHaveLength(0);
  });

  it('ignores plain text in a group', async () => {
    const before = commandLogs(VIEWER_GROUP).length;
    telegram.injectMessage({ chatId: VIEWER_GROUP, fromId: 4242, text: 'buy NSE 25600CE <b>now</b>' });
    const question = telegram.injectMessage({ chatId: VIEWER_GROUP, fromId: 4242, text: '/help' });
    await telegram.waitFor(() => repliesTo(question).length > 0);
    expect(commandLogs(VIEWER_GROUP).length - before).toBe(1);
  });

  it('an anonymous group admin speaks as the group: a viewer group may read but not trade', async () => {
    const admin = { chatId: VIEWER_GROUP, fromId: GROUP_ANONYMOUS_BOT, senderChatId: VIEWER_GROUP };
    const [status] = await groupExchange({ ...admin, text: '/status' }, /· oi-tracker \d/);
    expect(status).toBeDefined();
    await groupExchange(
      { ...admin, text: '/buy NSE 25600CE 75' },
      new RegExp(`^/buy needs the trader role; telegram:${VIEWER_GROUP} is a viewer\\.$`),
    );
  });

  it('an anonymous admin of a group not on the access list is refused, naming the group', async () => {
    await groupExchange(
      { chatId: UNLISTED_GROUP, fromId: GROUP_ANONYMOUS_BOT, senderChatId: UNLISTED_GROUP, text: '/help' },
      new RegExp(`Ask an admin to add telegram:${UNLISTED_GROUP} to ACCESS\\.$`),
    );
  });

  it('a linked channel writing in a viewer group gets the group’s role, not more', async () => {
    await groupExchange(
      { chatId: VIEWER_GROUP, fromId: 777_000, senderChatId: LINKED_CHANNEL, text: '/exit all' },
      new RegExp(`^/exit needs the trader role; telegram:${LINKED_CHANNEL} is a viewer\\.$`),
    );
  });

  it('answers a forged button with unknown or HTML data in the press, without a message', async () => {
    const chat = freshChat();
    const [help] = await exchange({ chatId: chat, fromId: ADMIN, text: '/help' }, /^Commands:/);
    const expired = telegram.forgeCallbackQuery({
      chatId: chat,
      fromId: ADMIN,
      messageId: help!.message_id,
      data: '#zzzz',
    });
    const html = telegram.forgeCallbackQuery({
      chatId: chat,
      fromId: ADMIN,
      messageId: help!.message_id,
      data: '/chain <b>x</b>&amp;',
    });
    await telegram.waitFor(() => telegram.callbackAnswer(expired) && telegram.callbackAnswer(html));
    expect(telegram.callbackAnswer(expired)).toEqual({
      text: 'This button has expired. Send the command again.',
      show_alert: true,
    });
    expect(telegram.callbackAnswer(html)!.text).toMatch(/^Unknown chain "<b>x<\/b>&amp;"/);
    expect(await settledMessages(chat)).toHaveLength(1);
  });

  /** Like `exchange`, in a group: the answer is the one message replying to the question. */
  async function groupExchange(
    input: { chatId: number; fromId: number; senderChatId: number; text: string },
    answer: RegExp,
  ): Promise<StoredMessage[]> {
    const question = telegram.injectMessage(input);
    await telegram.waitFor(() => repliesTo(question).length > 0, 20_000);
    await settledMessages(input.chatId);
    const answers = repliesTo(question);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.text).toMatch(answer);
    expectSafeHtml(answers[0]!, input.text);
    return answers;
  }
});

describe('hostile slash-command options to the Discord bot', () => {
  const caller: Caller = { owner: `discord:${DISCORD_ADMIN}`, chat: '' };
  const FREE_TEXT = [
    { command: 'exit', option: 'position', maxLength: 40, private: false },
    { command: 'token', option: 'request_token', maxLength: 6000, private: true },
    { command: 'enctoken', option: 'value', maxLength: 6000, private: true },
  ] as const;

  async function answerOf(interaction: InjectedInteraction) {
    const callback = await discord.waitFor(
      () => discord.callbacks.find((entry) => entry.interactionId === interaction.id),
      10_000,
      `the answer to ${interaction.id}`,
    );
    if (callback.type === 5) {
      await discord.waitFor(
        () => discord.edits.find((edit) => edit.interactionId === interaction.id),
        10_000,
      );
    }
    return { callback, message: discord.message(discord.interaction(interaction.id)!.originalMessageId!)! };
  }

  for (const { command, option, maxLength, private: secret } of FREE_TEXT) {
    for (const { name, value } of HOSTILE_VALUES) {
      it(`/${command} with ${name} as ${option}: one answer, markdown escaped, nobody pinged`, async () => {
        // Discord's client and API cap the option's length in characters.
        const typed = Array.from(value).slice(0, maxLength).join('');
        const channelId = discord.channelIds[1]!;
        const interaction = discord.injectSlashCommand({
          name: command,
          options: { [option]: typed },
          userId: DISCORD_ADMIN,
          channelId,
        });
        const { callback, message } = await answerOf(interaction);
        const expected = await daemon.commands.handle(`/${command} ${typed.trim()}`, {
          ...caller,
          chat: `discord-channel:${channelId}`,
        });
        expect(discord.callbacks.filter((entry) => entry.interactionId === interaction.id)).toHaveLength(1);
        expect(followUps(interaction)).toEqual([]);
        expect(expected.error).toBe(true);
        expect(message.content).toBe(escapeMarkdown(expected.text));
        expect(message.content.length).toBeLessThanOrEqual(2000);
        expect(message.mentions).toEqual([]);
        expect(callback.data?.allowed_mentions).toMatchObject({ parse: [] });
        expect(callback.ephemeral).toBe(true);
        if (secret) expect(message.content).not.toContain(typed.trim());
      });
    }
  }

  const followUps = (interaction: InjectedInteraction) =>
    discord.followUps.filter((message) => message.interactionId === interaction.id);

  it('/buy with the largest numbers Discord lets through: one clear refusal', async () => {
    const interaction = discord.injectSlashCommand({
      name: 'buy',
      options: {
        chain: 'NSE',
        strike: Number.MAX_SAFE_INTEGER,
        type: 'CE',
        qty: Number.MAX_SAFE_INTEGER,
        tp: Number.MAX_SAFE_INTEGER,
        sl: 0.05,
      },
      userId: DISCORD_ADMIN,
      channelId: discord.channelIds[1]!,
    });
    const { message } = await answerOf(interaction);
    expect(message.content).toMatch(/quantity|strike|option|not/i);
    expect(message.flags & 64).toBe(64);
    expect(followUps(interaction)).toEqual([]);
  });
});

describe('after the corpus', () => {
  it('nothing crashed, every message was accepted, and the book and the database still work', async () => {
    const log = logs.join('');
    expect(log).not.toContain('Telegram update failed');
    expect(log).not.toContain('Telegram handler failed');
    expect(log).not.toContain('"msg":"Command failed"');
    expect(log).not.toContain('Discord interaction could not be answered');
    expect(log).not.toContain('Telegram send failed');
    const refused = telegram.calls.filter((call) => call.method !== 'getUpdates' && call.status >= 400);
    expect(refused.map((call) => `${call.method} ${call.status}`)).toEqual([]);
    expect(discord.calls.filter((call) => call.status >= 400)).toEqual([]);
    await exchange({ chatId: freshChat(), fromId: ADMIN, text: '/positions' }, /^No open positions\.$/);
    await exchange({ chatId: freshChat(), fromId: ADMIN, text: '/status' }, /· oi-tracker \d/);
  });
});
