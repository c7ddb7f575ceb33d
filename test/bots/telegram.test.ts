import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startTelegramBot } from '../../bots/telegram/telegram-bot.ts';
import type { Alert } from '../../src/alerts/alert.ts';
import { MarketReplies } from '../../src/commands/chain-reply.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import { createCommandRegistry } from '../../src/commands/registry.ts';
import type { OrderRequest } from '../../src/paper/types.ts';
import type { PositionJson } from '../../src/paper/position.ts';
import { renderChainTable } from '../../src/render/chain-table-png.ts';
import { startTelegramApiServer, type StoredMessage } from '../fakes/telegram-api-server.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';
import { telegramOnLoopbackForFile } from '../support/telegram-bot.ts';
import { samplePosition } from '../support/sample-position.ts';
import { SNAPSHOT, WINDOWS } from '../render/chain-fixture.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ADMIN = 1001;
const TRADER = 2002;
const VIEWER = 3003;
const STRANGER = 5555;

/** Every call the core made to the trading port. */
const trading: string[] = [];

const position = (owner: string): PositionJson => samplePosition({ owner });

/** A 6000+ character answer: a header and a 120-line table. */
const LONG_TABLE = Array.from(
  { length: 120 },
  (_, i) => `row ${String(i).padStart(3, '0')} ${'·'.repeat(40)} <${i}>`,
);

const replies = new MarketReplies(WINDOWS);
const context = fakeCommandContext({
  access: `telegram:${ADMIN}=admin,telegram:${TRADER}=trader,telegram:${VIEWER}=viewer,telegram:-100777=viewer`,
  snapshot: async (chainId) => ({
    snapshot:
      chainId === 'BSE'
        ? { ...SNAPSHOT, chainId, underlying: 'SENSEX', underlyingPrice: 84_250.5 }
        : SNAPSHOT,
    dataAgeS: 1.5,
  }),
  chainReply: (chainId, snapshot, dataAgeS) => replies.chain(chainId, snapshot, dataAgeS),
  oiReply: async () => ({ text: 'oi' }),
  pcrReply: async (chainId) => ({ text: `${chainId} PCR & friends`, table: LONG_TABLE.join('\n') }),
  trading: {
    placeOrder: (request: OrderRequest) => {
      trading.push(`placeOrder ${request.owner}`);
      return position(request.owner);
    },
    exit: (request) => {
      trading.push(`exit ${request.owner}`);
      return [{ ...position(request.owner), exit_price: 130, realized_pnl: 712.5 }];
    },
    openPositions: (owner) => {
      trading.push(`openPositions ${owner}`);
      return owner === `telegram:${ADMIN}` ? [position(owner)] : [];
    },
  },
  alerts: { set: () => undefined },
});

/** A pino destination that keeps every line. */
const into = (lines: string[]) =>
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });

const ownOptions = (apiRoot: string) => ({
  apiRoot,
  core: new CommandCore(context),
  alertChatIds: [],
  logger,
});

const ALERT: Alert = {
  id: 'oi-breach-1',
  kind: 'oi_breach',
  title: 'NSE: OI jump at 1 strike <25700 CE>',
  text: '25700 CE OI +26.4% in 30 min & rising\nData at 14:30 IST',
  priority: 'default',
  dataTime: SNAPSHOT.lastUpdate,
  tags: ['nse', 'oi'],
  recipients: [],
  broadcast: false,
};

const logs: string[] = [];
const logger = pino({ level: 'debug' }, into(logs));

const telegram = telegramOnLoopbackForFile(() => ({
  core: new CommandCore(context),
  alertChatIds: ['-100777', 'telegram:-100999'],
  logger,
}));

let nextChat = 10_000;
/** A private chat no other test uses. */
const freshChat = () => nextChat++;

/** Sends `text` as a user and waits for the bot's first message replying to it. */
async function ask(chatId: number, text: string, fromId = chatId): Promise<StoredMessage> {
  const question = telegram.fake.injectMessage({ chatId, fromId, text });
  return telegram.fake.waitFor(() =>
    telegram.fake.sent(chatId).find((message) => message.reply_to_message_id === question.message_id),
  );
}

const keyboardLabels = (message: StoredMessage) =>
  message.reply_markup?.inline_keyboard.map((row) => row.map((button) => button.text));

describe('the Telegram bot, through telegraf against a loopback Bot API', () => {
  it('publishes the command menu and polls only for messages and button presses', async () => {
    expect(telegram.bot.username).toBe(telegram.fake.username);
    expect(telegram.bot.name).toBe('telegram');
    expect(telegram.fake.commands.map((command) => command.command)).toEqual(
      createCommandRegistry()
        .list()
        .map((command) => command.name),
    );
    const poll = await telegram.fake.waitFor(() =>
      telegram.fake.calls.find((call) => call.method === 'getUpdates'),
    );
    expect(poll.body.allowed_updates).toEqual(['message', 'callback_query']);
  });

  it('answers /help and /start with text replying to the command', async () => {
    const chat = freshChat();
    const help = await ask(chat, '/help', ADMIN);
    expect(help.text).toMatch(/^Commands:\n\/start — what this bot does\n/);
    const start = await ask(chat, '/start', ADMIN);
    expect(start.text).toMatch(/^Open-interest tracker for NIFTY/);
  });

  it('sends /CHAIN nse as a PNG with a caption and NSE/BSE/Refresh buttons, and edits it in place on BSE', async () => {
    const chat = freshChat();
    const photo = await ask(chat, '/CHAIN nse', VIEWER);
    expect(photo.photoBytes!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(photo.photo![0]!.width).toBeGreaterThan(100);
    expect(photo.caption).toMatch(/^NSE · NIFTY 50 25612\.35 · ATM 25600 · PCR 0\.88/);
    expect(keyboardLabels(photo)).toEqual([['BSE', 'Refresh']]);
    const firstBytes = photo.photoBytes!;

    const press = telegram.fake.pressButton({
      chatId: chat,
      fromId: VIEWER,
      messageId: photo.message_id,
      label: 'BSE',
    });
    const edit = await telegram.fake.waitForCall(
      'editMessageMedia',
      (call) => call.body.chat_id === String(chat),
    );
    expect(edit.body.message_id).toBe(String(photo.message_id));
    expect(telegram.fake.callbackAnswer(press)).toEqual({});
    const [edited] = telegram.fake.sent(chat);
    expect(telegram.fake.sent(chat)).toHaveLength(1);
    expect(edited!.edits).toBe(1);
    expect(edited!.caption).toMatch(/^BSE · SENSEX 84250\.50 · ATM 25600/);
    expect(edited!.photoBytes!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(edited!.photoBytes!.equals(firstBytes)).toBe(false);
    expect(keyboardLabels(edited!)).toEqual([['NSE', 'Refresh']]);
  });

  it('re-sends the photo when the in-place edit fails', async () => {
    const chat = freshChat();
    const photo = await ask(chat, '/chain', VIEWER);
    telegram.fake.failNext('editMessageMedia', {
      status: 400,
      description: 'Bad Request: message to edit not found',
    });
    telegram.fake.pressButton({
      chatId: chat,
      fromId: VIEWER,
      messageId: photo.message_id,
      label: 'Refresh',
    });
    const resent = await telegram.fake.waitFor(() => telegram.fake.sent(chat)[1]);
    expect(resent.caption).toMatch(/^NSE · NIFTY 50/);
    expect(resent.reply_to_message_id).toBe(photo.message_id);
    expect(keyboardLabels(resent)).toEqual([['BSE', 'Refresh']]);
  });

  it('answers /chain@<its username> (any case) and ignores /chain@otherbot', async () => {
    const chat = -100_777;
    telegram.fake.injectMessage({ chatId: chat, fromId: VIEWER, text: '/chain@otherbot nse' });
    const mine = await ask(chat, `/help@${telegram.fake.username.toUpperCase()}`, VIEWER);
    expect(mine.text).toMatch(/^Commands:/);
    const chain = await ask(chat, `/chain@${telegram.fake.username} bse`, VIEWER);
    expect(chain.caption).toMatch(/^BSE · SENSEX/);
    expect(telegram.fake.sent(chat)).toHaveLength(2);
  });

  it('gives an unknown /word the core’s unknown-command answer', async () => {
    const reply = await ask(freshChat(), '/nosuch', ADMIN);
    expect(reply.text).toBe('Unknown command /nosuch. Send /help for the list.');
  });

  it('answers plain text in a private chat and ignores it in a group', async () => {
    telegram.fake.injectMessage({ chatId: -100_777, fromId: VIEWER, text: 'hello bot' });
    const group = await ask(-100_777, '/help', VIEWER);
    expect(group.text).toMatch(/^Commands:/);
    const before = telegram.fake.sent(-100_777).length;
    const reply = await ask(freshChat(), 'hello bot', ADMIN);
    expect(reply.text).toBe('Commands start with /. Send /help for the list.');
    expect(telegram.fake.sent(-100_777)).toHaveLength(before);
  });

  it('refuses a user who is not on the access list without touching the trading port', async () => {
    trading.length = 0;
    const reply = await ask(freshChat(), '/buy NSE 25600CE 75', STRANGER);
    expect(reply.text).toBe(
      `You are not on this bot's access list. Ask an admin to add telegram:${STRANGER} to ACCESS.`,
    );
    expect(trading).toEqual([]);
  });

  it('speaks for the sender chat of an anonymous admin', async () => {
    // The group -100777 is a viewer: as itself it may read but not trade.
    const chat = -100_777;
    const question = telegram.fake.injectMessage({
      chatId: chat,
      fromId: 1_087_968_824,
      senderChatId: chat,
      text: '/buy NSE 25600CE',
    });
    const reply = await telegram.fake.waitFor(() =>
      telegram.fake.sent(chat).find((message) => message.reply_to_message_id === question.message_id),
    );
    expect(reply.text).toBe('/buy needs the trader role; telegram:-100777 is a viewer.');
  });

  it('runs a button as the presser: a viewer is refused in the press answer, the admin’s exit is a new reply', async () => {
    const chat = -100_888;
    const positions = await ask(chat, '/positions', ADMIN);
    expect(positions.text).toMatch(/^NSE_P0001 BUY 75 NIFTY26D0125600CE/);
    expect(keyboardLabels(positions)).toEqual([['Exit NSE_P0001']]);
    trading.length = 0;

    const refused = telegram.fake.pressButton({
      chatId: chat,
      fromId: VIEWER,
      messageId: positions.message_id,
      label: 'Exit NSE_P0001',
    });
    const answer = await telegram.fake.waitFor(() => telegram.fake.callbackAnswer(refused));
    expect(answer).toEqual({
      text: `/exit needs the trader role; telegram:${VIEWER} is a viewer.`,
      show_alert: true,
    });
    expect(trading).toEqual([]);

    const pressed = telegram.fake.pressButton({
      chatId: chat,
      fromId: ADMIN,
      messageId: positions.message_id,
      label: 'Exit NSE_P0001',
    });
    const closed = await telegram.fake.waitFor(() => telegram.fake.sent(chat)[1]);
    expect(closed.text).toBe('NSE_P0001 closed at 130.00: P&L 712.50');
    expect(closed.reply_to_message_id).toBe(positions.message_id);
    expect(telegram.fake.callbackAnswer(pressed)).toEqual({});
    expect(trading).toEqual([`exit telegram:${ADMIN}`]);
    expect(telegram.fake.sent(chat)[0]!.edits).toBe(0);
  });

  it('does not execute edited messages or channel posts', async () => {
    const chat = freshChat();
    const channel = -100_555;
    trading.length = 0;
    telegram.fake.injectEditedMessage({ chatId: chat, fromId: ADMIN, text: '/positions' });
    telegram.fake.injectChannelPost({ chatId: channel, text: '/positions' });
    const sentinel = await ask(chat, '/help', ADMIN);
    expect(sentinel.text).toMatch(/^Commands:/);
    expect(telegram.fake.sent(chat)).toHaveLength(1);
    expect(telegram.fake.sent(channel)).toHaveLength(0);
    expect(trading).toEqual([]);
    expect(
      telegram.fake.dropped.map((update) => Object.keys(update).find((key) => key !== 'update_id')),
    ).toEqual(expect.arrayContaining(['edited_message', 'channel_post']));
  });

  it('escapes HTML in what the user typed, and the Bot API accepts the entities', async () => {
    const chat = freshChat();
    const reply = await ask(chat, '/buy NSE <b>x</b> & more', TRADER);
    expect(reply.text).toMatch(
      /^"<b>x<\/b>" is not an option: write the strike and type, like 25600CE\. Usage: \/buy <chain> <strike><CE\|PE>/,
    );
    expect(reply.html).toContain('"&lt;b&gt;x&lt;/b&gt;" is not an option');
    expect(reply.html).toContain('/buy &lt;chain&gt; &lt;strike&gt;&lt;CE|PE&gt;');
    expect(telegram.fake.callsTo('sendMessage', 400)).toEqual([]);
  });

  it('splits a long reply on line boundaries into messages under 4096 characters, the table in <pre>, paced ≥1 s', async () => {
    const chat = freshChat();
    const question = telegram.fake.injectMessage({ chatId: chat, fromId: VIEWER, text: '/pcr BSE' });
    const parts = await telegram.fake.waitFor(() => {
      const sent = telegram.fake.sent(chat);
      return sent
        .map((message) => message.text)
        .join('\n')
        .includes('<119>')
        ? sent
        : undefined;
    }, 10_000);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const part of parts) expect(part.html!.length).toBeLessThanOrEqual(4096);
    expect(parts[0]!.reply_to_message_id).toBe(question.message_id);
    expect(parts[0]!.html).toMatch(/^BSE PCR &amp; friends\n<pre>row 000/);
    expect(parts[1]!.html).toMatch(/^<pre>row \d{3} .*<\/pre>$/s);
    const lines = parts
      .map((part) => part.text)
      .join('\n')
      .split('\n');
    expect(lines).toEqual(['BSE PCR & friends', ...LONG_TABLE]);

    const times = telegram.fake.calls
      .filter((call) => call.method === 'sendMessage' && call.body.chat_id === chat)
      .map((call) => call.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(950);
  });

  it('waits out a 429 retry_after and delivers the message once', async () => {
    const chat = freshChat();
    telegram.fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    const reply = await ask(chat, '/help', VIEWER);
    expect(reply.text).toMatch(/^Commands:/);
    const tries = telegram.fake.calls.filter(
      (call) => call.method === 'sendMessage' && call.body.chat_id === chat,
    );
    expect(tries.map((call) => call.status)).toEqual([429, 200]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(950);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(telegram.fake.sent(chat)).toHaveLength(1);
  });

  it('retries a 500 and a dropped connection', async () => {
    const chat = freshChat();
    telegram.fake.failNext('sendMessage', { status: 500 });
    telegram.fake.failNext('sendMessage', { network: 'reset' });
    const reply = await ask(chat, '/help', VIEWER);
    expect(reply.text).toMatch(/^Commands:/);
    const tries = telegram.fake.calls.filter(
      (call) => call.method === 'sendMessage' && call.body.chat_id === chat,
    );
    expect(tries.map((call) => call.status)).toEqual([500, -1, 200]);
    expect(telegram.fake.sent(chat)).toHaveLength(1);
  });

  it('logs a send that finally fails', async () => {
    const chat = freshChat();
    for (let i = 0; i < 4; i++)
      telegram.fake.failNext('sendMessage', { status: 502, description: 'Bad Gateway' });
    telegram.fake.injectMessage({ chatId: chat, fromId: VIEWER, text: '/help' });
    const line = await telegram.fake.waitFor(() =>
      logs.find(
        (entry) => entry.includes('the message was not delivered') && entry.includes(`"chat":"${chat}"`),
      ),
    );
    expect(JSON.parse(line)).toMatchObject({ level: 50, method: 'sendMessage', tries: 4 });
    expect(telegram.fake.sent(chat)).toHaveLength(0);
  });

  it('notifies recipients and alert chats once each, with the image, and never twice per alert', async () => {
    const png = renderChainTable(SNAPSHOT, { windows: WINDOWS, dataAgeS: 2 });
    const alert: Alert = {
      ...ALERT,
      image: { png, alt: 'chain', filename: 'chain-NSE.png' },
      recipients: ['telegram:4101', 'telegram:-100777', 'discord:42', 'telegram:4101'],
      broadcast: true,
    };
    const photosBefore = telegram.fake.callsTo('sendPhoto').length;
    await telegram.bot.notify(alert);
    await telegram.bot.notify(alert);
    const photos = telegram.fake.callsTo('sendPhoto').slice(photosBefore);
    expect(photos.map((call) => Number(call.body.chat_id)).sort((a, b) => a - b)).toEqual([
      -100_999, -100_777, 4101,
    ]);
    for (const chat of [4101, -100_777, -100_999]) {
      const [message] = telegram.fake.sent(chat).filter((sent) => sent.caption?.startsWith('NSE: OI jump'));
      expect(message!.photoBytes!.equals(png)).toBe(true);
      expect(message!.html).toBe(
        '<b>NSE: OI jump at 1 strike &lt;25700 CE&gt;</b>\n25700 CE OI +26.4% in 30 min &amp; rising\nData at 14:30 IST',
      );
    }

    await telegram.bot.notify({
      ...alert,
      id: 'feed-down-1',
      image: undefined,
      broadcast: false,
      recipients: ['telegram:4101'],
    });
    const text = telegram.fake.sent(4101).at(-1)!;
    expect(text.html).toMatch(/^<b>NSE: OI jump/);
    expect(text.photo).toBeUndefined();
  });

  it('rejects notify when a chat finally fails, and delivers only that chat on the next try', async () => {
    const alert: Alert = {
      id: 'session-expired-1',
      kind: 'session_expired',
      title: 'Kite session expired',
      text: 'Send /login',
      priority: 'high',
      dataTime: Date.now(),
      tags: ['session'],
      recipients: ['telegram:4201', 'telegram:4202'],
      broadcast: false,
    };
    telegram.fake.failNext('sendMessage', {
      status: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    const failed = await telegram.bot.notify(alert).then(
      () => null,
      (error: Error) => error,
    );
    expect(failed?.message).toMatch(
      /^Telegram alert session-expired-1 was not delivered to 42\d{2}: 403: Forbidden/,
    );
    const [delivered, blocked] = telegram.fake.sent(4201).length === 1 ? [4201, 4202] : [4202, 4201];
    expect(telegram.fake.sent(blocked)).toHaveLength(0);
    await telegram.bot.notify(alert);
    expect(telegram.fake.sent(blocked)).toHaveLength(1);
    expect(telegram.fake.sent(delivered)).toHaveLength(1);
  });

  it('never writes the bot token to the log, even on 500s, resets, given-up sends and 401s', async () => {
    const server = await startTelegramApiServer({ token: '4242424242:AAH-secret_part-XYZ' });
    const secret = server.token.split(':')[1]!;
    const captured: string[] = [];
    const own = await startTelegramBot({
      token: server.token,
      apiRoot: server.apiRoot,
      core: new CommandCore(context),
      alertChatIds: ['-100321'],
      logger: pino({ level: 'debug' }, into(captured)),
      retry: { backoffMs: 50, attempts: 2 },
    });
    server.failNext('sendMessage', { status: 500 });
    server.failNext('sendMessage', { network: 'reset' });
    server.failNext('sendMessage', { status: 500 });
    const question = server.injectMessage({ chatId: 31, fromId: ADMIN, text: '/help' });
    await server.waitFor(() => captured.find((line) => line.includes('the message was not delivered')));
    const alert = await own
      .notify({ ...ALERT, id: 'token-test', image: undefined, recipients: [], broadcast: true })
      .then(() => 'delivered');
    expect(alert).toBe('delivered');
    server.failNext('getUpdates', { status: 401, description: 'Unauthorized' });
    server.injectMessage({ chatId: 31, fromId: ADMIN, text: '/start' });
    await server.waitFor(() => captured.find((line) => line.includes('Telegram refused the bot token')));
    await own.stop();

    const wrong = await startTelegramBot({
      ...ownOptions(server.apiRoot),
      token: '999:wrong-token-value',
    }).then(
      () => null,
      (error: Error) => error,
    );
    expect(wrong?.message).toBe('Telegram getMe failed: 401: Unauthorized');
    await server.close();

    const text = captured.join('');
    expect(text).toContain('socket hang up');
    expect(text).toContain('500: Internal Server Error');
    expect(server.sent(31).some((message) => message.reply_to_message_id === question.message_id)).toBe(
      false,
    );
    expect(text).not.toContain(secret);
    expect(logs.join('')).not.toContain(telegram.fake.token.split(':')[1]!);
  });
});

describe('stopping', () => {
  it('ends the pending long poll at once and confirms the last update', async () => {
    const server = await startTelegramApiServer({ username: 'stop_test_bot' });
    const stopping = await startTelegramBot({
      token: server.token,
      apiRoot: server.apiRoot,
      core: new CommandCore(context),
      alertChatIds: [],
      logger,
    });
    const question = server.injectMessage({ chatId: 77, fromId: ADMIN, text: '/status' });
    await server.waitFor(() =>
      server.sent(77).find((message) => message.reply_to_message_id === question.message_id),
    );
    await server.waitFor(
      () => server.calls.filter((call) => call.method === 'getUpdates' && call.status === 0)[0],
    );
    const started = Date.now();
    await stopping.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    const last = server.calls.filter((call) => call.method === 'getUpdates').at(-1)!;
    expect(last.body).toMatchObject({ offset: 2, limit: 1, timeout: 0 });
    await server.close();
  });
});
