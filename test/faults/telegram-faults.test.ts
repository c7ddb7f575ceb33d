import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import type { Failure, StoredMessage } from '../fakes/telegram-api-server.ts';
import { feedDownAlert, stopLossExit, testAlertEngine } from '../support/alert-engine.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';
import { telegramOnLoopbackForFile } from '../support/telegram-bot.ts';

/**
 * Alerts and commands through the real Telegram adapter while the loopback Bot API answers 429s and
 * 5xx, drops connections before or after it handled a call, or never answers at all.
 */

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const VIEWER = 3003;
/** How long a hung call is watched to show that nothing moves (the adapter's retries run within 100–400 ms). */
const NOTHING_HAPPENS_MS = 500;

const context = fakeCommandContext({ access: `telegram:${VIEWER}=viewer` });

const logs: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });

const telegram = telegramOnLoopbackForFile(() => ({
  core: new CommandCore(context),
  logger,
}));

afterEach(() => {
  telegram.fake.clearFailures();
  telegram.fake.releaseHung();
});

let nextChat = 70_000;
const freshChat = () => nextChat++;

/** An alert engine that sends through the real bot; `subscribers` get every broadcast. */
const alertEngine = (subscribers: string[] = []) =>
  testAlertEngine({ subscribers, notifiers: [telegram.bot], logger });
const stopLoss = stopLossExit;
const alert = (recipients: string[], overrides: Partial<Alert> = {}) =>
  feedDownAlert({ recipients, ...overrides });

/** How many messages in `chat` carry `marker` (in their text or caption). */
const copies = (chat: number, marker: string) =>
  telegram.fake.sent(chat).filter((message) => (message.text ?? message.caption ?? '').includes(marker))
    .length;

const sendsTo = (method: string, chat: number) =>
  telegram.fake.calls.filter((call) => call.method === method && Number(call.body.chat_id) === chat);

const answersTo = (question: StoredMessage) =>
  telegram.fake
    .sent(question.chat.id)
    .filter((message) => message.reply_to_message_id === question.message_id);

const commandLogs = (chat: number) =>
  logs.filter((line) => line.includes('"msg":"Telegram command"') && line.includes(`"chat":${chat},`));

describe('Telegram alerts while the Bot API fails', () => {
  it('a 429 holds back only the chat it names, for retry_after; every chat gets the auto-exit once', async () => {
    const [owner, ...subscribers] = [freshChat(), freshChat(), freshChat()];
    const engine = alertEngine(subscribers.map((chat) => `telegram:${chat}`));
    const logMark = logs.length;
    telegram.fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    const event = stopLoss(`telegram:${owner}`);
    engine.onPositionClosed(event);
    await engine.idle();

    const chats = [owner!, ...subscribers];
    for (const chat of chats) expect(copies(chat, `${event.position_id} BUY`), `chat ${chat}`).toBe(1);
    const limited = chats.find((chat) => sendsTo('sendMessage', chat)[0]!.status === 429)!;
    const [refused, accepted] = sendsTo('sendMessage', limited);
    expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(950);
    for (const chat of chats.filter((other) => other !== limited)) {
      expect(sendsTo('sendMessage', chat).map((call) => call.status)).toEqual([200]);
      expect(sendsTo('sendMessage', chat)[0]!.at).toBeLessThan(accepted!.at);
    }
    expect(logs.slice(logMark).join('')).not.toContain('alert could not be delivered');
  });

  it('waits out three 429s in a row and sends once', async () => {
    const chat = freshChat();
    for (let i = 0; i < 3; i++) telegram.fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    const sent = alert([`telegram:${chat}`]);
    await telegram.bot.notify(sent);
    const tries = sendsTo('sendMessage', chat);
    expect(tries.map((call) => call.status)).toEqual([429, 429, 429, 200]);
    for (let i = 1; i < tries.length; i++)
      expect(tries[i]!.at - tries[i - 1]!.at).toBeGreaterThanOrEqual(950);
    expect(copies(chat, sent.title)).toBe(1);
  });

  it('retries 500, 502 and 503 on a photo alert and delivers it once with its image', async () => {
    const chat = freshChat();
    telegram.fake.failNext('sendPhoto', { status: 500 });
    telegram.fake.failNext('sendPhoto', { status: 502, description: 'Bad Gateway' });
    telegram.fake.failNext('sendPhoto', { status: 503, description: 'Service Unavailable' });
    const sent = alert([`telegram:${chat}`], {
      kind: 'oi_breach',
      image: { png: PNG, alt: 'NSE chain', filename: 'chain-NSE.png' },
    });
    await telegram.bot.notify(sent);
    expect(sendsTo('sendPhoto', chat).map((call) => call.status)).toEqual([500, 502, 503, 200]);
    const [photo] = telegram.fake.sent(chat);
    expect(telegram.fake.sent(chat)).toHaveLength(1);
    expect(photo!.caption).toContain(sent.title);
    expect(photo!.photoBytes).toEqual(PNG);
  });

  it('retries a connection reset before Telegram saw the call, and the alert arrives once', async () => {
    const chat = freshChat();
    telegram.fake.failNext('sendMessage', { network: 'reset' });
    telegram.fake.failNext('sendMessage', { network: 'reset' });
    const sent = alert([`telegram:${chat}`]);
    await telegram.bot.notify(sent);
    expect(sendsTo('sendMessage', chat).map((call) => call.status)).toEqual([-1, -1, 200]);
    expect(copies(chat, sent.title)).toBe(1);
    await telegram.bot.notify(sent);
    expect(copies(chat, sent.title)).toBe(1);
  });

  // The Bot API has no idempotency key and no way to list a chat's messages, so a send whose answer
  // is lost cannot be told from one that never arrived: the adapter resends (at least once, not at most).
  it('resends when the answer is lost after Telegram stored the message, so that chat sees it twice', async () => {
    const chat = freshChat();
    telegram.fake.failNext('sendMessage', { network: 'lost-response' });
    const sent = alert([`telegram:${chat}`]);
    await telegram.bot.notify(sent);
    expect(sendsTo('sendMessage', chat).map((call) => call.status)).toEqual([-1, 200]);
    expect(copies(chat, sent.title)).toBe(2);
  });

  it('a send that never answers holds up its own chat only; when the connection drops it is retried, and each alert arrives once', async () => {
    const [stuck, other] = [freshChat(), freshChat()];
    telegram.fake.failNext('sendMessage', { hang: true });
    const first = alert([`telegram:${stuck}`]);
    const firstDelivered = telegram.bot.notify(first);
    await telegram.fake.waitFor(() => telegram.fake.hungCalls.length === 1);

    const elsewhere = alert([`telegram:${other}`]);
    await telegram.bot.notify(elsewhere);
    expect(copies(other, elsewhere.title)).toBe(1);
    const second = alert([`telegram:${stuck}`]);
    const secondDelivered = telegram.bot.notify(second);

    // telegraf's own HTTP timeout is 500 s and the adapter sets none: nothing moves in the meantime.
    await sleep(NOTHING_HAPPENS_MS);
    expect(sendsTo('sendMessage', stuck)).toHaveLength(1);
    expect(telegram.fake.sent(stuck)).toHaveLength(0);

    expect(telegram.fake.releaseHung()).toBe(1);
    await Promise.all([firstDelivered, secondDelivered]);
    expect(sendsTo('sendMessage', stuck).map((call) => call.status)).toEqual([-1, 200, 200]);
    expect(telegram.fake.sent(stuck).map((message) => message.text!.split('\n')[0])).toEqual([
      first.title,
      second.title,
    ]);
  });

  it('sends each chat its copy once when a broadcast meets a 429, a reset and a 500 at the same time', async () => {
    const chats = [freshChat(), freshChat(), freshChat(), freshChat()];
    const engine = alertEngine(chats.map((chat) => `telegram:${chat}`));
    telegram.fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    telegram.fake.failNext('sendMessage', { network: 'reset' });
    telegram.fake.failNext('sendMessage', { status: 500 });
    const reason = `broadcast fault test ${Date.now()}`;
    engine.onSessionExpired(reason);
    await engine.idle();
    for (const chat of chats) expect(copies(chat, reason), `chat ${chat}`).toBe(1);
    const statuses = chats.flatMap((chat) => sendsTo('sendMessage', chat).map((call) => call.status));
    expect(statuses.sort((a, b) => a - b)).toEqual([-1, 200, 200, 200, 200, 429, 500]);
  });

  // When the notifier gives up (4 tries for a 5xx), the engine hands the alert over again later.
  it('an auto-exit is still delivered once Telegram is back from an outage longer than the retries', async () => {
    const owner = freshChat();
    const engine = testAlertEngine({
      notifiers: [telegram.bot],
      logger,
      redeliveryDelaysMs: [100, 200, 400, 800],
    });
    for (let i = 0; i < 8; i++)
      telegram.fake.failNext('sendMessage', { status: 502, description: 'Bad Gateway' });
    const event = stopLoss(`telegram:${owner}`);
    engine.onPositionClosed(event);
    await engine.idle();
    await telegram.fake.waitFor(() => copies(owner, `${event.position_id} BUY`) === 1, 6000);
  });
});

describe('Telegram commands while getUpdates fails', () => {
  /**
   * Arms failures for the long polls after the one waiting now, and sends `/help` in a fresh chat
   * through that waiting poll; resolves with the question once the bot has taken it.
   */
  async function failPollsAfterNext(...failures: Failure[]): Promise<StoredMessage> {
    await telegram.fake.waitFor(() => telegram.fake.pollPending);
    for (const failure of failures) telegram.fake.failNext('getUpdates', failure);
    const chat = freshChat();
    const question = telegram.fake.injectMessage({ chatId: chat, fromId: VIEWER, text: '/help' });
    await telegram.fake.waitFor(() => commandLogs(chat).length > 0);
    return question;
  }

  const answered = (question: StoredMessage, timeoutMs = 10_000) =>
    telegram.fake.waitFor(() => answersTo(question).length > 0, timeoutMs);

  it('a 429, a 502 and a reset on getUpdates are waited out; every message is answered once', async () => {
    const before = await failPollsAfterNext(
      { status: 429, retryAfter: 1 },
      { status: 502, description: 'Bad Gateway' },
      { network: 'reset' },
    );
    const during = [freshChat(), freshChat()].map((chat) =>
      telegram.fake.injectMessage({ chatId: chat, fromId: VIEWER, text: '/help' }),
    );
    const failedPolls = () =>
      telegram.fake.calls.filter(
        (call) => call.method === 'getUpdates' && [429, 502, -1].includes(call.status),
      );
    await telegram.fake.waitFor(() => failedPolls().length === 3, 10_000);
    for (const question of [before, ...during]) await answered(question);
    for (const question of [before, ...during]) {
      expect(answersTo(question)).toHaveLength(1);
      expect(commandLogs(question.chat.id)).toHaveLength(1);
    }
    expect(logs.join('')).toContain('Telegram getUpdates failed; retrying');
  });

  it('fetches again a getUpdates answer lost in transit, and handles each message once', async () => {
    await failPollsAfterNext({ network: 'lost-response' });
    const chat = freshChat();
    const question = telegram.fake.injectMessage({ chatId: chat, fromId: VIEWER, text: '/help' });
    await telegram.fake.waitFor(() =>
      telegram.fake.calls.some((call) => call.method === 'getUpdates' && call.status === -1),
    );
    await answered(question);
    const polls = telegram.fake.calls.filter((call) => call.method === 'getUpdates');
    const lost = polls.findIndex((call) => call.status === -1);
    expect(polls[lost + 1]!.body.offset).toBe(polls[lost]!.body.offset);
    expect(answersTo(question)).toHaveLength(1);
    expect(commandLogs(chat)).toHaveLength(1);
  });

  it('a getUpdates that never answers leaves the bot deaf until the connection drops; then the message is answered once', async () => {
    await failPollsAfterNext({ hang: true });
    await telegram.fake.waitFor(() => telegram.fake.hungCalls.some((call) => call.method === 'getUpdates'));
    const chat = freshChat();
    const question = telegram.fake.injectMessage({ chatId: chat, fromId: VIEWER, text: '/help' });

    // No timeout of the adapter's own ends the hung poll (telegraf's is 500 s).
    await sleep(NOTHING_HAPPENS_MS);
    expect(commandLogs(chat)).toHaveLength(0);
    expect(
      telegram.fake.calls.filter((call) => call.method === 'getUpdates' && call.status === 0),
    ).toHaveLength(1);

    expect(telegram.fake.releaseHung()).toBe(1);
    await answered(question);
    expect(answersTo(question)).toHaveLength(1);
    expect(commandLogs(chat)).toHaveLength(1);
  });
});
