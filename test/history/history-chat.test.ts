/**
 * The history commands from the chats, through the real adapters: Telegram (telegraf against a
 * loopback Bot API) and Discord (discord.js against a loopback Discord) on a recorded morning; PNGs
 * come back, and a past chain steps through the day in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import { MarketReplies } from '../../src/commands/chain-reply.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import { ChainHistory } from '../../src/history/chain-history.ts';
import type { InjectedInteraction } from '../fakes/discord-server.ts';
import type { StoredMessage } from '../fakes/telegram-api-server.ts';
import { startDiscordOnLoopback, type DiscordOnLoopback } from '../support/discord-bot.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';
import { recordDay, type RecordedDay } from '../support/recorded-day.ts';
import { startTelegramOnLoopback, type TelegramOnLoopback } from '../support/telegram-bot.ts';

const DATE = '2026-11-25';
const TELEGRAM_USER = 5001;
const DISCORD_USER = '200000000000000042';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const chains = parseChainSpecs(DEFAULT_CHAINS)!;
const silent = pino({ level: 'silent' });

let day: RecordedDay;
let telegram: TelegramOnLoopback;
let discord: DiscordOnLoopback;

beforeAll(async () => {
  day = await recordDay(DATE, '09:15', '11:00');
  const history = new ChainHistory({
    cycles: day.store.cycles(),
    now: () => day.end,
    retentionDays: 30,
    windows: [5, 10, 15, 30],
  });
  const core = new CommandCore(
    fakeCommandContext({
      chains,
      access: `telegram:${TELEGRAM_USER}=viewer,discord:${DISCORD_USER}=viewer`,
      history,
      chainReply: (chainId, snapshot, age) =>
        new MarketReplies([5, 10, 15, 30]).chain(chainId, snapshot, age),
      now: () => day.end,
    }),
  );
  telegram = await startTelegramOnLoopback({ core, logger: silent });
  discord = await startDiscordOnLoopback({
    core,
    chains,
    logger: silent,
    server: { heartbeatIntervalMs: 1000 },
  });
}, 60_000);
afterAll(async () => {
  await telegram?.close();
  await discord?.close();
  day?.store.close();
});

describe('history commands on Telegram', () => {
  const ask = async (text: string) => {
    const question = telegram.fake.injectMessage({ chatId: TELEGRAM_USER, fromId: TELEGRAM_USER, text });
    return telegram.fake.waitFor(() =>
      telegram.fake
        .sent(TELEGRAM_USER)
        .find((message) => message.reply_to_message_id === question.message_id),
    );
  };
  const isPng = (message: StoredMessage | undefined) =>
    message?.photoBytes?.subarray(0, 8).equals(PNG_SIGNATURE) ?? false;

  it('/chain NSE 10:30 sends the past table, and ◀ 5m redraws it in place at 10:25', async () => {
    const photo = await ask('/chain NSE 10:30');
    expect(isPng(photo)).toBe(true);
    expect(photo.caption).toMatch(/^NSE · as of 10:30:00 IST · history · 2026-11-25 · NIFTY 50 /);
    expect(photo.reply_markup?.inline_keyboard.map((row) => row.map((button) => button.text))).toEqual([
      ['◀ 5m', '5m ▶', 'Live'],
    ]);
    telegram.fake.pressButton({
      chatId: TELEGRAM_USER,
      fromId: TELEGRAM_USER,
      messageId: photo.message_id,
      label: '◀ 5m',
    });
    const edited = await telegram.fake.waitFor(() => {
      const message = telegram.fake
        .sent(TELEGRAM_USER)
        .find((candidate) => candidate.message_id === photo.message_id);
      return message?.caption?.includes('as of 10:25:00 IST') ? message : undefined;
    });
    expect(edited.edits).toBe(1);
    expect(isPng(edited)).toBe(true);
  });

  it('/diff, /heatmap and /straddle answer with PNGs and their summaries', async () => {
    const diff = await ask('/diff NSE 10:00 10:45');
    expect(isPng(diff)).toBe(true);
    expect(diff.caption).toMatch(
      /^NSE OI change 10:00 → 10:45 IST · price [\d.]+ → [\d.]+\nCalls added most: /,
    );
    const heatmap = await ask('/heatmap NSE 15');
    expect(isPng(heatmap)).toBe(true);
    expect(heatmap.caption).toMatch(/^NSE OI heatmap 2026-11-25: \d+ strikes × \d+ columns .* over 15 min/);
    const straddle = await ask('/straddle BSE');
    expect(isPng(straddle)).toBe(true);
    expect(straddle.caption).toMatch(/^BSE ATM straddle 2026-11-25: now \d+\.\d\d at 11:00/);
    const refused = await ask('/heatmap NSE 7');
    expect(refused.text).toBe('"7" is not an OI window; use one of 5m, 10m, 15m, 30m');
  });
});

describe('history commands on Discord', () => {
  const slash = (name: string, options: Record<string, string | number>) =>
    discord.server.injectSlashCommand({
      name,
      options,
      userId: DISCORD_USER,
      channelId: discord.otherChannel,
    });
  async function answerOf(interaction: InjectedInteraction) {
    const callback = await discord.server.waitFor(
      () => discord.server.callbacks.find((entry) => entry.interactionId === interaction.id),
      10_000,
      'the callback',
    );
    if (callback.type === 5 || callback.type === 6) {
      await discord.server.waitFor(
        () => discord.server.edits.find((edit) => edit.interactionId === interaction.id),
        10_000,
        'the edit',
      );
    }
    const record = discord.server.interaction(interaction.id)!;
    return discord.server.message(record.originalMessageId!)!;
  }

  it('/chain with a past minute answers the table, and 5m ▶ redraws the same message', async () => {
    const message = await answerOf(slash('chain', { chain: 'NSE', at: '10:30' }));
    expect(message.content).toMatch(/^NSE · as of 10:30:00 IST · history/);
    expect(message.attachments.map((file) => file.filename)).toEqual(['chain-NSE.png']);
    const press = discord.server.pressButton({
      customId: '/chain NSE 2026-11-25 10:35',
      userId: DISCORD_USER,
      messageId: message.id,
    });
    const redrawn = await answerOf(press);
    expect(redrawn.id).toBe(message.id);
    expect(redrawn.content).toMatch(/^NSE · as of 10:35:00 IST · history/);
  });

  it('/diff, /heatmap and /straddle from slash commands answer PNG attachments', async () => {
    const diff = await answerOf(slash('diff', { chain: 'NSE', from: '10:00', to: '10:45' }));
    expect(diff.content).toMatch(/^NSE OI change 10:00 → 10:45 IST/);
    expect(diff.attachments[0]!.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const heatmap = await answerOf(slash('heatmap', { chain: 'BSE', window: 30 }));
    expect(heatmap.attachments.map((file) => file.filename)).toEqual(['heatmap-BSE.png']);
    const straddle = await answerOf(slash('straddle', { chain: 'NSE', date: DATE }));
    expect(straddle.attachments.map((file) => file.filename)).toEqual(['straddle-NSE.png']);
  });
});
