import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NtfyNotifier } from '../../bots/ntfy/ntfy-notifier.ts';
import type { Alert } from '../../src/alerts/alert.ts';
import { startNtfyServer } from '../fakes/ntfy-server.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

const alert = (overrides: Partial<Alert> = {}): Alert => ({
  id: `a-${Math.random()}`,
  kind: 'auto_exit',
  title: 'NSE: NIFTY26D0125600CE Target Hit (+25)',
  text: 'NSE_P0001 closed at 145.60 · P&L +₹1882.50\nData as of 10:05:00 IST',
  priority: 'high',
  dataTime: Date.parse('2026-11-25T10:05:00+05:30'),
  tags: ['nse', 'paper', 'exit'],
  recipients: [],
  broadcast: true,
  ...overrides,
});

describe('ntfy notifier', () => {
  let server: Awaited<ReturnType<typeof startNtfyServer>>;
  let notifier: NtfyNotifier;
  beforeAll(async () => {
    server = await startNtfyServer();
    notifier = new NtfyNotifier({
      url: `${server.url}/oi-alerts`,
      token: 'tk_secret',
      logger: pino({ level: 'silent' }),
      retryDelayMs: 50,
    });
  });
  afterAll(() => server.close());

  it('pushes an auto-exit with high priority, title, tags and unicode intact', async () => {
    const sent = alert();
    await notifier.notify(sent);
    const message = await server.waitFor((m) => m.title === sent.title);
    expect(message).toMatchObject({
      topic: 'oi-alerts',
      priority: 4,
      tags: ['nse', 'paper', 'exit'],
      message: sent.text,
      authorization: 'Bearer tk_secret',
    });
  });

  it('attaches the PNG and keeps the message text', async () => {
    const sent = alert({
      kind: 'oi_breach',
      priority: 'default',
      title: 'NSE: OI jump at 2 strikes',
      image: { png: PNG, alt: 'chain', filename: 'chain-NSE.png' },
    });
    await notifier.notify(sent);
    const message = await server.waitFor((m) => m.title === sent.title);
    expect(message.priority).toBe(3);
    expect(message.attachment?.filename).toBe('chain-NSE.png');
    expect(message.attachment?.bytes.equals(PNG)).toBe(true);
    expect(message.message).toBe(sent.text);
  });

  it('retries 5xx and 429 answers, delivers once, and never twice for the same alert', async () => {
    server.fail(500);
    server.fail(429);
    const sent = alert({ title: 'retried' });
    await notifier.notify(sent);
    await notifier.notify(sent);
    expect(server.messages.filter((m) => m.title === 'retried')).toHaveLength(1);
  });

  it('rejects after its attempts when the server keeps failing', async () => {
    server.fail(503, 4);
    await expect(notifier.notify(alert({ title: 'lost' }))).rejects.toThrow(
      /ntfy: HTTP 503 after 4 attempts/,
    );
    expect(server.messages.some((m) => m.title === 'lost')).toBe(false);
  });
});
