import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { startDiscordBot } from '../../bots/discord/discord-bot.ts';
import type { Alert } from '../../src/alerts/alert.ts';
import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import type { Caller } from '../../src/commands/access.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import type { Reply } from '../../src/commands/reply.ts';
import type { OrderRequest } from '../../src/paper/types.ts';
import type { PositionJson } from '../../src/paper/position.ts';
import type { AlertSubscription } from '../../src/store/alert-subscriptions.ts';
import { startDiscordServer, type InjectedInteraction, type StoredMessage } from '../fakes/discord-server.ts';
import { discordOnLoopbackForFile, startDiscordOnLoopback } from '../support/discord-bot.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';
import { samplePosition } from '../support/sample-position.ts';
import { SNAPSHOT } from '../render/chain-fixture.ts';

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TRADER = '200000000000000001';
const VIEWER = '200000000000000002';
const STRANGER = '200000000000000003';
const chains = parseChainSpecs(DEFAULT_CHAINS)!;

const orders: OrderRequest[] = [];
const exits: unknown[] = [];
const handled: string[] = [];
const subscriptions = new Map<string, AlertSubscription>();
const market = { delayMs: 0, noData: false, manyPositions: false };

const position = (request: OrderRequest, id = 'NSE_P0001'): PositionJson =>
  samplePosition({
    id,
    owner: request.owner,
    side: request.side,
    symbol: `NIFTY26D01${request.strike ?? 25_600}${request.type ?? 'CE'}`,
    type: request.type === 'PE' ? 'PE' : 'CE',
    qty: request.qty ?? 75,
    strike: request.strike ?? 25_600,
  });

const chainReply = async (chainId: string): Promise<Reply> => ({
  text: `${chainId} · ${chainId === 'BSE' ? 'SENSEX' : 'NIFTY 50'} · ATM 25600 · Live`,
  table: 'CE OI | STRIKE | PE OI',
  image: { png: PNG, alt: `${chainId} option chain`, filename: `chain-${chainId}.png` },
});

const context = fakeCommandContext({
  chains,
  access: `discord:${TRADER}=trader,discord:${VIEWER}=viewer`,
  snapshot: async () => {
    await sleep(market.delayMs);
    return market.noData ? null : { snapshot: SNAPSHOT, dataAgeS: 1.5 };
  },
  chainReply,
  oiReply: async (chainId) => ({ ...(await chainReply(chainId)), text: `${chainId} OI` }),
  pcrReply: async (chainId) => ({ text: `${chainId} PCR today: 0.91 → 1.02` }),
  trading: {
    placeOrder: (request) => {
      orders.push(request);
      return position(request);
    },
    exit: (request) => {
      exits.push(request);
      return [];
    },
    openPositions: (owner) =>
      market.manyPositions
        ? Array.from({ length: 40 }, (_, i) =>
            position({ owner, side: 'BUY', chain: 'NSE' }, `NSE_P${String(i + 1).padStart(4, '0')}`),
          )
        : [],
  },
  alerts: {
    get: (chat) => subscriptions.get(chat) ?? { chat, enabled: false, mutedUntil: 0 },
    set: (subscription) => void subscriptions.set(subscription.chat, subscription),
  },
  now: () => Date.parse('2026-11-25T10:00:00+05:30'),
});

/** The real core, recording the text each command reached it as. */
class RecordingCore extends CommandCore {
  override handle(text: string, caller: Caller): Promise<Reply> {
    handled.push(text);
    return super.handle(text, caller);
  }
}
const core = new RecordingCore(context);

const logLines: string[] = [];
const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });

const discord = discordOnLoopbackForFile(() => ({
  server: { heartbeatIntervalMs: 1000 },
  core,
  chains,
  logger,
  deferAfterMs: 300,
  alertRetryDelaysMs: [50, 100],
}));

beforeEach(() => {
  Object.assign(market, { delayMs: 0, noData: false, manyPositions: false });
  discord.server.clearFailures();
});

/** Waits for the interaction's answer: the callback, and after a deferral the edit that fills it in. */
async function answerOf(interaction: InjectedInteraction) {
  const callback = await discord.server.waitFor(
    () => discord.server.callbacks.find((entry) => entry.interactionId === interaction.id),
    5000,
    `the callback of interaction ${interaction.id}`,
  );
  if (callback.type === 5 || callback.type === 6) {
    await discord.server.waitFor(
      () => discord.server.edits.find((edit) => edit.interactionId === interaction.id),
      5000,
      `the edit of interaction ${interaction.id}`,
    );
  }
  const record = discord.server.interaction(interaction.id)!;
  return { callback, message: discord.server.message(record.originalMessageId!)! };
}

const slash = (name: string, options: Record<string, string | number> = {}, userId = TRADER) =>
  discord.server.injectSlashCommand({ name, options, userId, channelId: discord.otherChannel });

const customIds = (message: StoredMessage) =>
  message.components.flatMap((row) =>
    (row.components as { custom_id: string }[]).map((button) => button.custom_id),
  );

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: `alert-${Math.random().toString(36).slice(2)}`,
    kind: 'auto_exit',
    title: 'NSE_P0001 stopped out',
    text: 'NSE_P0001 BUY 75 NIFTY26D0125600CE closed at 95.50 (stop).\nData as of 10:15:00 IST.',
    priority: 'high',
    dataTime: Date.parse('2026-11-25T10:15:00+05:30'),
    tags: ['nse', 'exit'],
    image: { png: PNG, alt: 'NSE chain', filename: 'chain-NSE.png' },
    recipients: [],
    broadcast: true,
    ...overrides,
  };
}

describe('the Discord bot against a loopback Discord', () => {
  it('connects over an uncompressed v10 JSON gateway with the Guilds intent and heartbeats', async () => {
    const connection = discord.server.gatewayConnections[0]!;
    expect(connection.query.get('v')).toBe('10');
    expect(connection.query.get('encoding')).toBe('json');
    expect(connection.query.has('compress')).toBe(false);
    const identify = discord.server.gatewayOps.find((op) => op.op === 2)!;
    expect(identify.d).toMatchObject({ compress: false, intents: 1, token: '[redacted]', shard: [0, 1] });
    await discord.server.waitFor(
      () => discord.server.gatewayOps.some((op) => op.op === 1),
      3000,
      'a heartbeat',
    );
    expect(discord.server.calls.find((call) => call.path === '/gateway/bot')).toMatchObject({
      status: 200,
      authorized: true,
    });
  });

  it('registers one guild command per catalog entry, with the configured chains as choices', () => {
    const commands = discord.server.commands(discord.server.guildId);
    expect(commands.map((command) => command.name)).toEqual(
      core.registry.list().map((command) => command.name),
    );
    expect(discord.server.commands()).toEqual([]);
    const chain = commands.find((command) => command.name === 'chain')!;
    expect(chain.options![0]).toMatchObject({
      name: 'chain',
      type: 3,
      choices: [
        { name: 'NSE (NIFTY)', value: 'NSE' },
        { name: 'BSE (SENSEX)', value: 'BSE' },
      ],
    });
    const buy = commands.find((command) => command.name === 'buy')!;
    expect(buy.options!.map((option) => [option.name, option.type, option.required ?? false])).toEqual([
      ['chain', 3, true],
      ['strike', 4, true],
      ['type', 3, true],
      ['qty', 4, false],
      ['tp', 10, false],
      ['sl', 10, false],
    ]);
    expect(buy.options![2]!.choices!.map((choice) => choice.value)).toEqual(['CE', 'PE']);
    const alerts = commands.find((command) => command.name === 'alerts')!;
    expect(alerts.options![0]!.choices!.map((choice) => choice.value)).toEqual([
      'on',
      'off',
      'mute',
      'status',
    ]);
  });

  it('/chain defers, then edits in the PNG, the caption and the chain buttons', async () => {
    const interaction = slash('chain', { chain: 'NSE' }, VIEWER);
    const { callback, message } = await answerOf(interaction);
    expect(callback.type).toBe(5);
    expect(callback.ephemeral).toBe(false);
    const edit = discord.server.edits.find((entry) => entry.interactionId === interaction.id)!;
    expect(edit.at).toBeGreaterThanOrEqual(callback.at);
    expect(message.content).toBe('NSE · NIFTY 50 · ATM 25600 · Live');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]!.filename).toBe('chain-NSE.png');
    expect(message.attachments[0]!.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(message.attachments[0]!.data).toEqual(PNG);
    expect(customIds(message)).toEqual(['/chain BSE', '/chain NSE']);
    expect(handled.at(-1)).toBe('/chain NSE');
  });

  it('/buy maps its options, in any order, to the exact text the core parses and answers at once', async () => {
    orders.length = 0;
    const interaction = slash('buy', { sl: 15, qty: 75, type: 'CE', tp: 30, strike: 25_600, chain: 'NSE' });
    const { callback, message } = await answerOf(interaction);
    expect(handled.at(-1)).toBe('/buy NSE 25600CE 75 tp=30 sl=15');
    expect(orders).toEqual([
      {
        owner: `discord:${TRADER}`,
        side: 'BUY',
        chain: 'NSE',
        strike: 25_600,
        type: 'CE',
        qty: 75,
        tp: 30,
        sl: 15,
      },
    ]);
    expect(callback.type).toBe(4);
    expect(callback.ephemeral).toBe(false);
    expect(message.content).toBe(
      'NSE\\_P0001: BUY 75 NIFTY26D0125600CE at 120.50 · target 145.50 · stop 95.50',
    );
    expect(customIds(message)).toEqual(['/exit NSE_P0001']);
  });

  it('refuses a user who is not on the access list privately, without reaching the trading port', async () => {
    orders.length = 0;
    const before = handled.length;
    const interaction = slash('buy', { chain: 'NSE', strike: 25_600, type: 'PE' }, STRANGER);
    const { callback, message } = await answerOf(interaction);
    expect(callback.type).toBe(4);
    expect(callback.ephemeral).toBe(true);
    expect(message.flags & 64).toBe(64);
    expect(message.content).toBe(
      `You are not on this bot's access list. Ask an admin to add discord:${STRANGER} to ACCESS.`,
    );
    expect(orders).toEqual([]);
    expect(handled.length).toBe(before);
  });

  it('refuses a button press by a user without the role, privately, and leaves the message alone', async () => {
    const bought = await answerOf(slash('buy', { chain: 'NSE', strike: 25_600, type: 'CE' }));
    exits.length = 0;
    const press = discord.server.pressButton({
      customId: '/exit NSE_P0001',
      userId: VIEWER,
      messageId: bought.message.id,
    });
    const { callback, message } = await answerOf(press);
    expect(callback.type).toBe(4);
    expect(callback.ephemeral).toBe(true);
    expect(message.id).not.toBe(bought.message.id);
    expect(message.content).toBe(`/exit needs the trader role; discord:${VIEWER} is a viewer.`);
    expect(exits).toEqual([]);
    expect(discord.server.edits.some((edit) => edit.messageId === bought.message.id)).toBe(false);
  });

  it('a BSE button redraws the chain message in place with the new PNG', async () => {
    const first = await answerOf(slash('chain', { chain: 'NSE' }, VIEWER));
    const press = discord.server.pressButton({
      customId: '/chain BSE',
      userId: VIEWER,
      messageId: first.message.id,
    });
    const { callback, message } = await answerOf(press);
    expect(callback.type).toBe(6);
    expect(message.id).toBe(first.message.id);
    expect(message.content).toBe('BSE · SENSEX · ATM 25600 · Live');
    expect(message.attachments.map((attachment) => attachment.filename)).toEqual(['chain-BSE.png']);
    expect(customIds(message)).toEqual(['/chain NSE', '/chain BSE']);
    expect(handled.at(-1)).toBe('/chain BSE');
  });

  it('keeps the chart when a redraw fails, and tells only the presser why', async () => {
    const first = await answerOf(slash('chain', { chain: 'NSE' }, VIEWER));
    market.noData = true;
    const press = discord.server.pressButton({
      customId: '/chain BSE',
      userId: VIEWER,
      messageId: first.message.id,
    });
    const notice = await discord.server.waitFor(
      () => discord.server.followUps.find((message) => message.interactionId === press.id),
      5000,
      'the notice',
    );
    expect(notice.flags & 64).toBe(64);
    expect(notice.content).toBe('BSE has no data yet: the tracker is starting. Try again in a minute.');
    expect(
      discord.server.message(first.message.id)!.attachments.map((attachment) => attachment.filename),
    ).toEqual(['chain-NSE.png']);
  });

  it('does not leave a deferred answer thinking when the edit cannot be sent', async () => {
    // discord.js tries a 5xx four times; the fifth request (the fallback) gets through.
    discord.server.failNext('PATCH /webhooks/*', { status: 502 }, 4);
    const interaction = slash('chain', { chain: 'NSE' }, VIEWER);
    await discord.server.waitFor(
      () => discord.server.followUps.find((message) => message.interactionId === interaction.id),
      5000,
      'the fallback',
    );
    const original = discord.server.message(discord.server.interaction(interaction.id)!.originalMessageId!)!;
    expect(original.content).toBe('Sorry, the answer could not be sent; the error is logged.');
    expect(original.flags & 128).toBe(0);
    expect(logLines.join('')).toContain('Discord interaction could not be answered');
  });

  it('defers a text command when the core is slow, and edits the answer in', async () => {
    market.delayMs = 700;
    const { callback, message } = await answerOf(
      slash('buy', { chain: 'BSE', strike: 84_200, type: 'PE', qty: 40 }),
    );
    expect(callback.type).toBe(5);
    expect(message.content).toMatch(/^NSE\\_P0001: BUY 40 NIFTY26D0184200PE at 120\.50/);
    expect(message.flags & 128).toBe(0);
  });

  it('shows an error from the core after deferring, in the edited answer', async () => {
    market.noData = true;
    const { callback, message } = await answerOf(slash('chain', { chain: 'BSE' }, VIEWER));
    expect(callback.type).toBe(5);
    expect(message.content).toBe('BSE has no data yet: the tracker is starting. Try again in a minute.');
    expect(message.attachments).toEqual([]);
  });

  it('splits a long answer into messages of at most 2000 characters, buttons within the limits', async () => {
    market.manyPositions = true;
    const interaction = slash('positions', {}, VIEWER);
    const { message } = await answerOf(interaction);
    const more = await discord.server.waitFor(
      () => {
        const found = discord.server.followUps.filter(
          (followUp) => followUp.interactionId === interaction.id,
        );
        return found.length > 0 && found;
      },
      5000,
      'the follow-ups',
    );
    const all = [message, ...more];
    for (const part of all) expect(part.content.length).toBeLessThanOrEqual(2000);
    const text = all.map((part) => part.content).join('\n');
    for (let i = 1; i <= 40; i += 1) expect(text).toContain(`NSE\\_P${String(i).padStart(4, '0')} BUY`);
    expect(text).toContain('Total MTM');
    expect(message.components.length).toBeLessThanOrEqual(5);
    expect(customIds(message)).toHaveLength(25);
  });

  it('/alerts mute 30 reaches the core as typed and keys the subscription by channel', async () => {
    const { message } = await answerOf(slash('alerts', { minutes: 30 }, VIEWER));
    expect(handled.at(-1)).toBe('/alerts mute 30');
    expect(message.content).toBe('Alerts are muted until 10:30 IST.');
    expect(subscriptions.get(`discord-channel:${discord.otherChannel}`)).toMatchObject({ enabled: true });
  });

  it('posts an alert as an embed with its PNG to the alert channel, once however often it is notified', async () => {
    const event = alert();
    const before = discord.server.channelMessages.length;
    await Promise.all([discord.bot.notify(event), discord.bot.notify(event)]);
    await discord.bot.notify(event);
    const posted = discord.server.channelMessages.slice(before);
    expect(posted).toHaveLength(1);
    const message = posted[0]!;
    expect(message.channelId).toBe(discord.alertChannel);
    expect(message.embeds).toEqual([
      {
        title: 'NSE_P0001 stopped out',
        description: 'NSE\\_P0001 BUY 75 NIFTY26D0125600CE closed at 95.50 (stop).\nData as of 10:15:00 IST.',
        color: 0xed4245,
        timestamp: '2026-11-25T04:45:00.000Z',
        footer: { text: 'nse · exit' },
        image: { url: 'attachment://chain-NSE.png' },
      },
    ]);
    expect(message.attachments.map((attachment) => attachment.filename)).toEqual(['chain-NSE.png']);
    expect(message.attachments[0]!.data).toEqual(PNG);
    expect(
      discord.server.calls.filter((call) => call.path === `/channels/${discord.alertChannel}/messages`)
        .length,
    ).toBe(before + 1);
  });

  it('mentions user recipients in the alert channel and posts to channel recipients', async () => {
    const event = alert({
      priority: 'default',
      image: undefined,
      broadcast: false,
      recipients: [`discord:${TRADER}`, `discord-channel:${discord.otherChannel}`, 'telegram:1001'],
    });
    const before = discord.server.channelMessages.length;
    await discord.bot.notify(event);
    const posted = discord.server.channelMessages.slice(before);
    expect(posted.map((message) => message.channelId).sort()).toEqual(
      [discord.alertChannel, discord.otherChannel].sort(),
    );
    const inAlertChannel = posted.find((message) => message.channelId === discord.alertChannel)!;
    expect(inAlertChannel.content).toBe(`<@${TRADER}>`);
    expect(inAlertChannel.mentions).toEqual([TRADER]);
    expect(inAlertChannel.embeds[0]).toMatchObject({ color: 0x5865f2 });
    expect(inAlertChannel.attachments).toEqual([]);
    const inOther = posted.find((message) => message.channelId === discord.otherChannel)!;
    expect(inOther.content).toBe('');
    expect(inOther.mentions).toEqual([]);
  });

  it('retries server errors on a channel message until it arrives, once', async () => {
    const event = alert();
    const before = discord.server.channelMessages.length;
    const failedBefore = discord.server.calls.filter((call) => call.status === 500).length;
    // discord.js retries a 5xx three times at once; the fifth failure reaches the bot's own retry.
    discord.server.failNext('POST /channels/:id/messages', { status: 500 }, 5);
    await discord.bot.notify(event);
    expect(discord.server.calls.filter((call) => call.status === 500).length - failedBefore).toBe(5);
    expect(discord.server.channelMessages.slice(before)).toHaveLength(1);
    expect(logLines.join('')).toContain('Discord alert send failed; retrying');
  });

  it('retries a dropped connection, and waits out a 429', async () => {
    const before = discord.server.channelMessages.length;
    discord.server.failNext('POST /channels/:id/messages', { network: true }, 1);
    await discord.bot.notify(alert());
    discord.server.failNext('POST /channels/:id/messages', { status: 429, retryAfter: 0.2 }, 1);
    const limitedAt = Date.now();
    await discord.bot.notify(alert());
    expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(150);
    expect(discord.server.channelMessages.slice(before)).toHaveLength(2);
    expect(logLines.join('')).toContain('Discord rate limit: waiting');
  });

  it('gives up after its retries, logs and rejects; a later notify may deliver it', async () => {
    const event = alert();
    const before = discord.server.channelMessages.length;
    discord.server.failNext('POST /channels/:id/messages', { status: 503 }, 1000);
    await expect(discord.bot.notify(event)).rejects.toThrow(/Discord alert alert-\w+ to channel \d+ failed/);
    expect(logLines.join('')).toContain('Discord alert not delivered');
    discord.server.clearFailures();
    await discord.bot.notify(event);
    expect(discord.server.channelMessages.slice(before)).toHaveLength(1);
  });

  it('resumes after the gateway drops, replays what it missed, and keeps answering', async () => {
    const resumesBefore = discord.server.gatewayOps.filter((op) => op.op === 6).length;
    discord.server.dropGateway();
    await discord.server.waitFor(() => !discord.server.gatewayConnected, 2000, 'the drop');
    const missed = slash('help', { command: 'buy' }, VIEWER);
    const { message } = await answerOf(missed);
    expect(message.content).toContain('Example: /buy NSE 25600CE 75');
    const resume = discord.server.gatewayOps.filter((op) => op.op === 6)[resumesBefore]!;
    expect(resume.d).toMatchObject({
      token: '[redacted]',
      session_id: expect.any(String),
      seq: expect.any(Number),
    });
    expect(discord.server.gatewayOps.filter((op) => op.op === 2)).toHaveLength(1);
    const after = await answerOf(slash('status', {}, VIEWER));
    expect(after.callback.type).toBe(4);
  });

  it('never writes the bot token to its log', () => {
    const log = logLines.join('');
    expect(log).toContain('Discord bot connected');
    expect(log).toContain('Discord slash commands registered');
    expect(log).not.toContain(discord.server.token);
  });
});

describe('starting the Discord bot', () => {
  it('registers the commands globally without a guild id, and stops cleanly', async () => {
    const lines: string[] = [];
    const { server: other, bot: started } = await startDiscordOnLoopback({
      core,
      chains,
      logger: pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) }),
      global: true,
    });
    expect(other.commands().map((command) => command.name)).toEqual(
      core.registry.list().map((command) => command.name),
    );
    expect(other.commands(other.guildId)).toEqual([]);
    await started.stop();
    await other.waitFor(() => other.gatewayConnections[0]!.closeCode !== undefined, 3000, 'the close');
    expect(other.gatewayConnections[0]!.closeCode).toBe(1000);
    expect(lines.join('')).not.toContain(other.token);
    await other.close();
  });

  it('rejects with a clear message when the token is wrong, without logging it', async () => {
    const other = await startDiscordServer();
    const lines: string[] = [];
    const wrong = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.wrong.token-that-must-not-be-logged';
    await expect(
      startDiscordBot({
        token: wrong,
        apiRoot: other.apiRoot,
        core,
        chains,
        logger: pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) }),
      }),
    ).rejects.toThrow('Discord bot could not start: An invalid token was provided.');
    expect(other.calls[0]).toMatchObject({ path: '/gateway/bot', status: 401 });
    expect(lines.join('')).not.toContain(wrong);
    await other.close();
  });
});
