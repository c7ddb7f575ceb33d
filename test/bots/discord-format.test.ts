import { describe, expect, it } from 'vitest';
import { alertNonce, alertPost } from '../../bots/discord/alert-embed.ts';
import { alertDeliveries } from '../../bots/discord/alert-sender.ts';
import { buttonRows, codeBlocks, replyMessages, splitText } from '../../bots/discord/discord-format.ts';
import { commandText, slashCommandDefinitions } from '../../bots/discord/slash-commands.ts';
import type { Alert } from '../../src/alerts/alert.ts';
import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import { createCommandRegistry } from '../../src/commands/registry.ts';
import { validateCommands, validateMessage } from '../fakes/discord-validate.ts';

const chains = parseChainSpecs(DEFAULT_CHAINS)!;
const registry = createCommandRegistry();
const values = (entries: Record<string, string | number>) =>
  Object.entries(entries).map(([name, value]) => ({ name, value }));

describe('slash commands', () => {
  it('are valid for Discord: names, descriptions, option order and choices', () => {
    const definitions = slashCommandDefinitions(registry, chains);
    expect(validateCommands(definitions)).toEqual([]);
    const many = parseChainSpecs(
      Array.from({ length: 30 }, (_, i) => `C${i}:INDEX ${i}:OPT${i}:NFO:50`).join(','),
    )!;
    expect(validateCommands(slashCommandDefinitions(registry, many))).toEqual([]);
  });

  it.each([
    [
      'buy',
      { chain: 'NSE', strike: 25_600, type: 'CE', qty: 75, tp: 30, sl: 15 },
      '/buy NSE 25600CE 75 tp=30 sl=15',
    ],
    ['sell', { sl: 12.5, type: 'PE', strike: 84_200, chain: 'BSE' }, '/sell BSE 84200PE sl=12.5'],
    ['chain', { chain: 'BSE' }, '/chain BSE'],
    ['chain', {}, '/chain'],
    ['alerts', { action: 'mute', minutes: 30 }, '/alerts mute 30'],
    ['alerts', { minutes: 30 }, '/alerts mute 30'],
    ['alerts', { action: 'off' }, '/alerts off'],
    ['exit', { position: ' NSE_P0003 ' }, '/exit NSE_P0003'],
    ['help', { command: 'buy' }, '/help buy'],
    ['token', { request_token: 'AbC123xYz' }, '/token AbC123xYz'],
    ['enctoken', { value: 'Kx9/+abc==' }, '/enctoken Kx9/+abc=='],
    ['pnl', {}, '/pnl'],
  ])('/%s %o → %s', (name, options, text) => {
    expect(commandText(registry, name, values(options))).toBe(text);
  });
});

describe('replies as Discord messages', () => {
  it('escapes markdown in the text and shows a table without an image in a code block', () => {
    const [message, ...rest] = replyMessages({
      text: 'NSE_P0001 and NSE_P0002 *closed*',
      table: 'A | B\n1 | 2',
    });
    expect(rest).toEqual([]);
    expect(message!.content).toBe('NSE\\_P0001 and NSE\\_P0002 \\*closed\\*\n```\nA | B\n1 | 2\n```');
    expect(message!.files).toEqual([]);
  });

  it('leaves the table out when the image shows it, and attaches the image', () => {
    const [message] = replyMessages({
      text: 'caption',
      table: 'the same as the image',
      image: { png: Buffer.from('png'), alt: 'alt', filename: 'chain NSE.png' },
    });
    expect(message!.content).toBe('caption');
    expect(message!.files[0]!.name).toBe('chain_NSE.png');
    expect(message!.files[0]!.description).toBe('alt');
  });

  it('splits long text and tables into messages of at most 2000 characters with balanced fences', () => {
    const table = Array.from({ length: 120 }, (_, i) => `${String(i).padStart(3)} | ${'x'.repeat(60)}`).join(
      '\n',
    );
    const messages = replyMessages({
      text: 'y'.repeat(4500),
      table,
      buttons: [[{ label: 'R', command: '/chain' }]],
    });
    for (const message of messages) {
      expect(message.content.length).toBeLessThanOrEqual(2000);
      expect(validateMessage({ content: message.content }, 0, { creating: true })).toEqual([]);
      expect((message.content.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(messages[0]!.components).toHaveLength(1);
    expect(messages.slice(1).every((message) => message.components.length === 0)).toBe(true);
    const joined = messages.map((message) => message.content).join('\n');
    expect(joined.replaceAll('\n```\n', '\n').replaceAll('```\n', '').replaceAll('\n```', '')).toContain(
      table.split('\n').at(-1)!,
    );
    expect(splitText('a'.repeat(4001))).toEqual(['a'.repeat(2000), 'a'.repeat(2000), 'a']);
    expect(codeBlocks('```inner```')[0]).toBe('```\n`\u200b``inner`\u200b``\n```');
  });

  it('keeps the core’s button rows when they fit, packs them 5 to a row when not, drops unusable ones', () => {
    const json = (rows: ReturnType<typeof buttonRows>) =>
      rows.map((row) =>
        row.toJSON().components.map((button) => ('custom_id' in button ? button.custom_id : '')),
      );
    expect(
      json(
        buttonRows([
          [
            { label: 'BSE', command: '/chain BSE' },
            { label: 'Refresh', command: '/chain NSE' },
          ],
        ]),
      ),
    ).toEqual([['/chain BSE', '/chain NSE']]);
    const exits = Array.from({ length: 30 }, (_, i) => [{ label: `Exit ${i}`, command: `/exit NSE_P${i}` }]);
    const packed = json(buttonRows(exits));
    expect(packed).toHaveLength(5);
    expect(packed.flat()).toHaveLength(25);
    expect(packed[0]).toEqual([
      '/exit NSE_P0',
      '/exit NSE_P1',
      '/exit NSE_P2',
      '/exit NSE_P3',
      '/exit NSE_P4',
    ]);
    expect(
      json(
        buttonRows([
          [
            { label: 'long', command: `/help ${'x'.repeat(100)}` },
            { label: 'a', command: '/pnl' },
            { label: 'again', command: '/pnl' },
          ],
        ]),
      ),
    ).toEqual([['/pnl']]);
    const rows = buttonRows(exits).map((row) => row.toJSON());
    expect(validateMessage({ components: rows }, 0, { creating: true })).toEqual([]);
  });
});

const alert: Alert = {
  id: 'breach-NSE-25700CE-1030',
  kind: 'oi_breach',
  title: 'NSE: OI jump at 25700 CE',
  text: '25700 CE OI +26.4% in 30 min.\nData as of 10:30:00 IST.',
  priority: 'default',
  dataTime: Date.parse('2026-11-25T10:30:00+05:30'),
  tags: ['nse', 'oi'],
  recipients: [],
  broadcast: false,
};

describe('alerts on Discord', () => {
  it('go to the alert channel when broadcast or addressed to Discord, and to each channel recipient', () => {
    expect(alertDeliveries({ ...alert, broadcast: true }, '10').deliveries).toEqual([
      { channelId: '10', mentionUserIds: [] },
    ]);
    expect(alertDeliveries({ ...alert, recipients: ['telegram:1'] }, '10').deliveries).toEqual([]);
    expect(
      alertDeliveries(
        { ...alert, recipients: ['discord:7', 'discord:7', 'discord-channel:20', 'discord-channel:10'] },
        '10',
      ),
    ).toEqual({
      deliveries: [
        { channelId: '10', mentionUserIds: ['7'] },
        { channelId: '20', mentionUserIds: [] },
      ],
      unreachableUserIds: [],
    });
    expect(alertDeliveries({ ...alert, recipients: ['discord:7', 'discord-channel:20'] }, undefined)).toEqual(
      {
        deliveries: [{ channelId: '20', mentionUserIds: [] }],
        unreachableUserIds: ['7'],
      },
    );
  });

  it('are one embed with a stable nonce per channel, pinging only the named users', () => {
    const post = alertPost(alert, '10', ['7']);
    expect(post.body).toMatchObject({
      content: '<@7>',
      allowed_mentions: { parse: [], users: ['7'] },
      enforce_nonce: true,
      embeds: [{ title: alert.title, color: 0x5865f2, timestamp: '2026-11-25T05:00:00.000Z' }],
    });
    expect(post.files).toEqual([]);
    expect(alertNonce(alert.id, '10')).toHaveLength(25);
    expect(alertNonce(alert.id, '10')).toBe(post.body.nonce);
    expect(alertNonce(alert.id, '20')).not.toBe(post.body.nonce);
    expect(validateMessage(post.body as Record<string, unknown>, 0, { creating: true })).toEqual([]);
  });
});
