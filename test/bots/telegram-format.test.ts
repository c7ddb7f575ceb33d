import { pino } from 'pino';
import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { CallbackData } from '../../bots/telegram/callback-data.ts';
import { createSafeLog, redactToken, redactValue } from '../../bots/telegram/redact.ts';
import { SendQueue, SendQueueStoppedError, TelegramSendError } from '../../bots/telegram/send-queue.ts';
import {
  captionAndTexts,
  escapeHtml,
  htmlMessages,
  CAPTION_LIMIT,
  MESSAGE_LIMIT,
} from '../../bots/telegram/telegram-format.ts';
import { addressOf, commandName } from '../../bots/telegram/telegram-routing.ts';
import { parseTelegramHtml } from '../fakes/telegram-api-server.ts';

const TOKEN = '123456:ABC-def_ghi';
const silent = createSafeLog(pino({ level: 'silent' }), TOKEN);

describe('Telegram HTML', () => {
  it('escapes &, < and > only', () => {
    expect(escapeHtml('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; "d"');
  });

  it('keeps short text in one message and a table in <pre>', () => {
    expect(htmlMessages([{ text: 'P&L' }, { text: 'a<b\n c', style: 'pre' }])).toEqual([
      'P&amp;L\n<pre>a&lt;b\n c</pre>',
    ]);
  });

  it('splits on line boundaries, reopening <pre> in the next message, every message parseable', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i} <&> ${'x'.repeat(20)}`);
    const messages = htmlMessages([{ text: 'Header' }, { text: lines.join('\n'), style: 'pre' }]);
    expect(messages.length).toBeGreaterThan(1);
    const parsed = messages.map((message) => {
      expect(message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(message).toMatch(/<pre>[^]*<\/pre>$/);
      return parseTelegramHtml(message);
    });
    expect(parsed.join('\n').split('\n')).toEqual(['Header', ...lines]);
  });

  it('cuts a line longer than a whole message', () => {
    expect(htmlMessages([{ text: 'x'.repeat(5000) }]).map((message) => message.length)).toEqual([4096, 904]);
    const messages = htmlMessages([{ text: '&'.repeat(1000) }]);
    expect(messages.map((message) => message.length)).toEqual([4095, 905]);
    expect(messages.map(parseTelegramHtml).join('')).toBe('&'.repeat(1000));
  });

  it('fits a caption under 1024 characters and sends the rest as text', () => {
    const text = Array.from({ length: 60 }, (_, i) => `caption line ${i} ${'-'.repeat(20)}`).join('\n');
    const { caption, texts } = captionAndTexts([{ text: 'Title', style: 'bold' }, { text }]);
    expect(caption.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    expect(caption).toMatch(/^<b>Title<\/b>\ncaption line 0 /);
    expect(texts).toHaveLength(1);
    expect([caption, ...texts].map(parseTelegramHtml).join('\n')).toBe(`Title\n${text}`);
    expect(captionAndTexts([{ text: 'short' }])).toEqual({ caption: 'short', texts: [] });
  });

  it('is checked by the fake the way Telegram checks it', () => {
    expect(parseTelegramHtml('<b>x</b> &lt;&amp;&#33;')).toBe('x <&!');
    expect(() => parseTelegramHtml('<b>x')).toThrow(/can't parse entities: Can't find end tag/);
    expect(() => parseTelegramHtml('a < b')).toThrow(/can't parse entities: Unsupported start tag/);
    expect(() => parseTelegramHtml('<script>x</script>')).toThrow(/Unsupported start tag "script"/);
    expect(() => parseTelegramHtml('P&L')).toThrow(/Character '&' is reserved/);
  });
});

describe('commands and buttons', () => {
  it('tells commands for this bot from commands for other bots', () => {
    expect(addressOf('/chain nse', 'oi_bot')).toBe('mine');
    expect(addressOf('/CHAIN@OI_Bot nse', 'oi_bot')).toBe('mine');
    expect(addressOf('/chain@otherbot', 'oi_bot')).toBe('other-bot');
    expect(addressOf('hello /chain', 'oi_bot')).toBe('not-a-command');
    expect(commandName('/Token@oi_bot s3cret')).toBe('/token');
  });

  it('uses the command as callback_data up to 64 bytes, else a short id', () => {
    const data = new CallbackData(2);
    expect(data.encode('/chain BSE')).toBe('/chain BSE');
    const long = `/exit ${'X'.repeat(70)}`;
    const id = data.encode(long);
    expect(Buffer.byteLength(id)).toBeLessThanOrEqual(64);
    expect(data.decode(id)).toBe(long);
    data.encode(`${long}1`);
    data.encode(`${long}2`);
    expect(data.decode(id)).toBeUndefined();
  });
});

describe('redaction', () => {
  it('removes the token from text, URLs, nested fields and errors', () => {
    expect(redactToken(`GET https://api.telegram.org/bot${TOKEN}/getMe`, TOKEN)).toBe(
      'GET https://api.telegram.org/bot[REDACTED]/getMe',
    );
    expect(redactToken('/bot999:other-Secret/sendMessage', TOKEN)).toBe('/bot[REDACTED]/sendMessage');
    const error = new Error(`request to /bot${TOKEN}/x failed`, { cause: new Error(TOKEN) });
    const safe = JSON.stringify(redactValue({ error, nested: [{ url: TOKEN }] }, TOKEN));
    expect(safe).not.toContain('ABC-def_ghi');
    expect(safe).toContain('request to /bot[REDACTED]/x failed');
  });
});

describe('the send queue', () => {
  it('holds to the overall rate across chats', async () => {
    const queue = new SendQueue({ log: silent, limits: { globalPerSecond: 5 } });
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, chat) =>
        queue.send(chat + 1, 'sendMessage', async () => started.push(Date.now())),
      ),
    );
    expect(started[5]! - started[0]!).toBeGreaterThanOrEqual(950);
    expect(started[4]! - started[0]!).toBeLessThan(500);
  });

  it('holds a group to its per-minute budget, and stop() fails what waits', async () => {
    const queue = new SendQueue({ log: silent, limits: { perChatIntervalMs: 0, groupPerMinute: 2 } });
    const sent: number[] = [];
    const sends = [1, 2, 3].map((n) => queue.send(-100_1, 'sendMessage', async () => sent.push(n)));
    await sends[1];
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent).toEqual([1, 2]);
    queue.stop();
    const third = await sends[2]!.catch((error: unknown) => error);
    expect(third).toBeInstanceOf(TelegramSendError);
    expect((third as TelegramSendError).cause).toBeInstanceOf(SendQueueStoppedError);
    expect(sent).toEqual([1, 2]);
  });

  it('does not retry a 4xx other than 429', async () => {
    const queue = new SendQueue({ log: silent });
    let calls = 0;
    const failure = await queue
      .send(7, 'sendMessage', async () => {
        calls += 1;
        throw new TelegramError({ error_code: 400, description: 'Bad Request: chat not found' });
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TelegramSendError);
    expect(calls).toBe(1);
  });
});
