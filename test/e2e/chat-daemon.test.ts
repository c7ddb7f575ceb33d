import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatAdapters } from '../../src/app/chat-adapters.ts';
import type { Daemon } from '../../src/daemon.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import type { TelegramApiServer } from '../fakes/telegram-api-server.ts';
import { startChatDaemon, type ChatDaemon } from '../support/chat-daemon.ts';

const PNG_SIGNATURE = '89504e470d0a1a0a';
const TRADER = 1001;
const STRANGER = 4242;
const DISCORD_TRADER = '800000000000000001';

const isPng = (bytes: Buffer | undefined) => bytes?.subarray(0, 8).toString('hex') === PNG_SIGNATURE;

describe('the daemon on the simulator, used from Telegram, Discord and ntfy', () => {
  let sim: SimServer;
  let telegram: TelegramApiServer;
  let discord: ChatDaemon['discord'];
  let ntfy: ChatDaemon['ntfy'];
  let running: ChatDaemon | undefined;
  let daemon: Daemon;
  let adapters: ChatAdapters;
  const say = (text: string, fromId = TRADER) => telegram.injectMessage({ chatId: fromId, fromId, text });
  const photosTo = (chatId: number) =>
    telegram.callsTo('sendPhoto').filter((call) => call.body.chat_id == chatId);
  const textsTo = (chatId: number) =>
    telegram
      .callsTo('sendMessage')
      .filter((call) => call.body.chat_id == chatId)
      .map((call) => String(call.body.text));

  beforeAll(async () => {
    sim = await startSimServer({ seed: 11 });
    running = await startChatDaemon({
      sim,
      logger: pino({ level: 'silent' }),
      telegram: { username: 'oi_tracker_bot' },
      settings: {
        DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'oi-chat-')), 'oi.db'),
        ACCESS: `telegram:${TRADER}=trader,discord:${DISCORD_TRADER}=trader`,
      },
    });
    ({ telegram, discord, ntfy, daemon, adapters } = running);
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
    await sim?.close();
  });

  it('runs every adapter the config asks for', () => {
    expect(adapters.running).toEqual(['telegram', 'discord', 'ntfy']);
    expect(telegram.callsTo('setMyCommands')).toHaveLength(1);
    expect(discord.commands(discord.guildId).map((command) => command.name)).toContain('chain');
  });

  it('Telegram: /chain NSE answers a PNG photo, and the BSE button switches the chain in place', async () => {
    say('/chain NSE');
    const photo = await telegram.waitForCall('sendPhoto', (call) => call.body.chat_id == TRADER, 60_000);
    expect(isPng(photo.files.photo?.bytes)).toBe(true);
    expect(String(photo.body.caption)).toMatch(/^NSE · NIFTY 50 /);
    const sent = telegram.sent(TRADER).find((message) => message.photo !== undefined)!;
    telegram.pressButton({ chatId: TRADER, fromId: TRADER, messageId: sent.message_id, label: 'BSE' });
    const edit = await telegram.waitForCall('editMessageMedia', () => true, 30_000);
    const media = (typeof edit.body.media === 'string' ? JSON.parse(edit.body.media) : edit.body.media) as {
      caption: string;
    };
    expect(media.caption).toMatch(/^BSE · SENSEX /);
    expect(Object.values(edit.files).some((file) => isPng(file.bytes))).toBe(true);
  }, 90_000);

  it('Telegram: /buy at the ATM strike for one lot, then /positions lists it', async () => {
    const nse = daemon.trackers.find((tracker) => tracker.spec.id === 'NSE')!;
    const atm = nse.current()!.atmStrike!;
    const lot = nse.tradableOptions()[0]!.lotSize;
    say(`/buy NSE ${atm}CE ${lot}`);
    await telegram.waitFor(() => textsTo(TRADER).some((text) => /NSE_P0001: BUY/.test(text)), 30_000);
    say('/positions');
    await telegram.waitFor(
      () => textsTo(TRADER).some((text) => text.includes('NSE_P0001') && text.includes(`${atm}CE`)),
      10_000,
    );
  }, 60_000);

  it('Telegram: an unknown user is refused and nothing happens', async () => {
    const before = (await daemon.commands.handle('/positions', { owner: `telegram:${STRANGER}` })).text;
    say('/buy NSE 25600CE 75', STRANGER);
    await telegram.waitFor(() => textsTo(STRANGER).some((text) => /not on this bot/.test(text)), 10_000);
    expect((await daemon.commands.handle('/positions', { owner: `telegram:${STRANGER}` })).text).toBe(before);
    expect(photosTo(STRANGER)).toHaveLength(0);
  });

  it('Telegram: a 429 is waited out and the answer still arrives, once', async () => {
    telegram.failNext('sendMessage', { status: 429, retryAfter: 1 });
    say('/help');
    await telegram.waitFor(() => textsTo(TRADER).some((text) => text.startsWith('Commands:')), 15_000);
    expect(telegram.callsTo('sendMessage', 429).length).toBeGreaterThanOrEqual(1);
    expect(textsTo(TRADER).filter((text) => text.startsWith('Commands:'))).toHaveLength(1);
  }, 20_000);

  it('an auto-exit reaches the owner on Telegram, the Discord alert channel and ntfy (high priority)', async () => {
    say('/buy NSE ' + daemon.trackers[0]!.current()!.atmStrike + 'PE tp=0.05 sl=0.05');
    const alert = await telegram.waitForCall(
      'sendMessage',
      (call) => call.body.chat_id == TRADER && /(Target Hit|Stop Loss)/.test(String(call.body.text)),
      60_000,
    );
    expect(String(alert.body.text)).toMatch(/Data as of \d{2}:\d{2}:\d{2} IST/);
    const pushed = await ntfy.waitFor((message) => /(Target Hit|Stop Loss)/.test(message.title), 15_000);
    expect(pushed.priority).toBe(4);
    const posted = await discord.waitFor(
      () =>
        discord.channelMessages.find(
          (message) =>
            message.channelId === discord.channelIds[0] &&
            message.embeds.some((embed) => /(Target Hit|Stop Loss)/.test(String(embed.title))),
        ),
      15_000,
      'the alert in the Discord channel',
    );
    expect(posted.embeds[0]!.description).toMatch(/Data as of/);
  }, 90_000);

  it('Discord: /chain is deferred, then edited with the PNG attached', async () => {
    const interaction = discord.injectSlashCommand({
      name: 'chain',
      options: { chain: 'NSE' },
      userId: DISCORD_TRADER,
      channelId: discord.channelIds[0]!,
    });
    const edit = await discord.waitFor(
      () => discord.edits.find((record) => record.interactionId === interaction.id),
      30_000,
      'the edited reply',
    );
    const callback = discord.callbacks.find((record) => record.interactionId === interaction.id)!;
    expect(callback.type).toBe(5);
    expect(callback.at).toBeLessThanOrEqual(edit.at);
    expect(edit.attachments.some((file) => isPng(file.data))).toBe(true);
  }, 40_000);
});
