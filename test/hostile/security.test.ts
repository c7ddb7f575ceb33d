import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { escapeMarkdown } from 'discord.js';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.ts';
import type { CommandDefinition as CommandInfo } from '../../src/commands/command.ts';
import { createCommandRegistry } from '../../src/commands/registry.ts';
import { ROLE_RANK, type Role } from '../../src/commands/roles.ts';
import { loadConfig } from '../../src/config.ts';
import type { Daemon } from '../../src/daemon.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import { type DiscordServer, type InjectedInteraction, type OptionValues } from '../fakes/discord-server.ts';
import type { TelegramApiServer } from '../fakes/telegram-api-server.ts';
import { startChatDaemon, type ChatDaemon } from '../support/chat-daemon.ts';

const COMMANDS = createCommandRegistry().list();

/**
 * Security of the whole daemon with every adapter, on the simulator: roles for every command and button
 * on Telegram and Discord, secrets kept out of logs and messages, the HTTP API's binding and bearer
 * token, and the database file's mode.
 */

const TELEGRAM = { admin: 1001, trader: 2002, otherTrader: 2003, viewer: 3003, stranger: 4004 };
const DISCORD = {
  admin: '910000000000000001',
  trader: '910000000000000002',
  otherTrader: '910000000000000003',
  viewer: '910000000000000004',
  stranger: '910000000000000005',
};
const ALERT_GROUP = -100_900;

/** Every secret the run handles; none may reach a log line, a chat message or a push. */
const SECRETS = {
  telegramToken: '7700112233:AAF-telegram_Secret-part9',
  discordToken: 'OTEwMDAwMDAwMDAwMDAwMDAw.GsEcRt.discord-token-that-must-stay-hidden',
  kiteAccessToken: 'KiteAccessTok7f3a9c2e1b',
  kiteApiSecret: 'KiteApiSecret9q8w7e6r',
  requestToken: 'ReqTok7x9y8z6w5v',
  httpToken: 'http-bearer-4f1e2d3c',
  ntfyToken: 'tk_ntfysecret0123456789',
};

const logs: string[] = [];
const logger = pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) });

const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'oi-security-')), 'data');
const dbPath = path.join(dataDir, 'oi.db');

let sim: SimServer;
let telegram: TelegramApiServer;
let discord: DiscordServer;
let ntfy: ChatDaemon['ntfy'];
let running: ChatDaemon | undefined;
let daemon: Daemon;
const alerts: Alert[] = [];
/** Access tokens the simulator handed out (a new one after each expiry). */
const accessTokens = new Set<string>([SECRETS.kiteAccessToken]);

beforeAll(async () => {
  sim = await startSimServer({
    seed: 41,
    accessToken: SECRETS.kiteAccessToken,
    apiSecret: SECRETS.kiteApiSecret,
  });
  const access = [
    ...Object.entries({ admin: 'admin', trader: 'trader', otherTrader: 'trader', viewer: 'viewer' }).flatMap(
      ([who, role]) => [
        `telegram:${TELEGRAM[who as keyof typeof TELEGRAM]}=${role}`,
        `discord:${DISCORD[who as keyof typeof DISCORD]}=${role}`,
      ],
    ),
  ].join(',');
  running = await startChatDaemon({
    sim,
    logger,
    telegram: { token: SECRETS.telegramToken, username: 'oi_secure_bot' },
    discord: { token: SECRETS.discordToken },
    settings: {
      DB_PATH: dbPath,
      ACCESS: access,
      KITE_API_SECRET: SECRETS.kiteApiSecret,
      HTTP_TOKEN: SECRETS.httpToken,
      TELEGRAM_ALERT_CHAT_IDS: String(ALERT_GROUP),
      NTFY_TOKEN: SECRETS.ntfyToken,
    },
    onDaemon: (started) => started.alerts.on('alert', (alert) => alerts.push(alert)),
  });
  ({ telegram, discord, ntfy, daemon } = running);
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await sim?.close();
});

// A failed test shows the daemon's last log lines: what it was doing when the answer did not come.
beforeEach(({ onTestFailed }) => onTestFailed(() => console.error(logs.slice(-80).join(''))));

const refusal = (command: CommandInfo, key: string, role: Role | null) =>
  role === null
    ? `You are not on this bot's access list. Ask an admin to add ${key} to ACCESS.`
    : `/${command.name} needs the ${command.role} role; ${key} is a ${role}.`;

/** Who must be refused `command`, with the role they have (null: not on the access list). */
function refusedCallers(command: CommandInfo): { who: keyof typeof TELEGRAM; role: Role | null }[] {
  const callers: { who: keyof typeof TELEGRAM; role: Role | null }[] = [{ who: 'stranger', role: null }];
  for (const role of ['viewer', 'trader'] as const) {
    if (ROLE_RANK[role] < ROLE_RANK[command.role]) callers.push({ who: role, role });
  }
  return callers;
}

let nextGroup = -1_000_100;
/** A supergroup not on the access list: only the sender's own role counts there. */
const unlistedGroup = () => nextGroup--;

/** Sends `text` as `fromId` in `chatId` and resolves with the bot's reply to it. */
async function telegramReply(fromId: number, text: string, chatId = unlistedGroup()) {
  const chatType = chatId > 0 ? 'private' : 'supergroup';
  const question = telegram.injectMessage({ chatId, fromId, text, chatType });
  return telegram.waitFor(
    () => telegram.sent(chatId).find((message) => message.reply_to_message_id === question.message_id),
    30_000,
  );
}

/** What each slash command needs to be offered by Discord at all. */
const REQUIRED_OPTIONS: Record<string, OptionValues> = {
  buy: { chain: 'NSE', strike: 25_600, type: 'CE' },
  sell: { chain: 'NSE', strike: 25_600, type: 'PE' },
  exit: { position: 'NSE_P0001' },
  token: { request_token: 'AbC123xYz' },
  enctoken: { value: 'Kx9enctokenvalue' },
  rule: { action: 'add', name: 'calls', chain: 'NSE', condition: 'pcr < 0.8' },
};

async function discordAnswer(interaction: InjectedInteraction) {
  const callback = await discord.waitFor(
    () => discord.callbacks.find((entry) => entry.interactionId === interaction.id),
    30_000,
    `the answer to ${interaction.id}`,
  );
  if (callback.type === 5) {
    await discord.waitFor(
      () => discord.edits.find((edit) => edit.interactionId === interaction.id),
      30_000,
      `the edit of ${interaction.id}`,
    );
  }
  return { callback, message: discord.message(discord.interaction(interaction.id)!.originalMessageId!)! };
}

const slash = (name: string, userId: string, options: OptionValues = REQUIRED_OPTIONS[name] ?? {}) =>
  discord.injectSlashCommand({ name, options, userId, channelId: discord.channelIds[1]! });

const api = (route: string, init: RequestInit = {}) => fetch(`${daemon.apiUrl}${route}`, init);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** How many positions `owner` has open, per the API (every chain). */
async function openCount(owner: string): Promise<number> {
  const response = await api(`/api/positions?owner=${encodeURIComponent(owner)}`, {
    headers: bearer(SECRETS.httpToken),
  });
  expect(response.status).toBe(200);
  const books = (await response.json()) as Record<string, { open_positions: unknown[] }>;
  return Object.values(books).reduce((sum, book) => sum + book.open_positions.length, 0);
}

async function atmOrder(): Promise<string> {
  const nse = daemon.trackers.find((tracker) => tracker.spec.id === 'NSE')!;
  return `NSE ${nse.current()!.atmStrike!}CE ${nse.tradableOptions()[0]!.lotSize}`;
}

describe('roles on Telegram: every command', () => {
  for (const command of COMMANDS) {
    const callers = refusedCallers(command);
    it(`/${command.name} (${command.role}) is refused to ${callers.map((caller) => caller.who).join(', ')}`, async () => {
      for (const { who, role } of callers) {
        const reply = await telegramReply(TELEGRAM[who], command.example);
        expect(reply.text, who).toBe(refusal(command, `telegram:${TELEGRAM[who]}`, role));
      }
    });
  }

  it('the refusals changed nothing: no positions, no session, no alert subscription', async () => {
    for (const who of ['viewer', 'stranger'] as const)
      expect(await openCount(`telegram:${TELEGRAM[who]}`)).toBe(0);
    expect(daemon.store.sessionStore().load()).toBeNull();
    expect(sim.requestLog.filter((entry) => entry.route === 'POST /session/token')).toEqual([]);
    const subscribed = daemon.store.alertSubscriptions().recipients(Date.now());
    expect(subscribed.filter((key) => key.startsWith('telegram:-1000'))).toEqual([]);
  });
});

describe('roles on Discord: every slash command', () => {
  for (const command of COMMANDS) {
    const callers = refusedCallers(command);
    it(`/${command.name} (${command.role}) is refused to ${callers.map((caller) => caller.who).join(', ')}, privately`, async () => {
      for (const { who, role } of callers) {
        const { callback, message } = await discordAnswer(slash(command.name, DISCORD[who]));
        expect(message.content, who).toBe(escapeMarkdown(refusal(command, `discord:${DISCORD[who]}`, role)));
        expect(callback.ephemeral, who).toBe(true);
      }
    });
  }

  it('the refusals changed nothing: no positions, no session', async () => {
    for (const who of ['viewer', 'stranger'] as const)
      expect(await openCount(`discord:${DISCORD[who]}`)).toBe(0);
    expect(daemon.store.sessionStore().load()).toBeNull();
  });
});

describe('buttons', () => {
  it('Telegram: an Exit button is refused to a viewer and a stranger, and another trader cannot close the position', async () => {
    const group = unlistedGroup();
    const bought = await telegramReply(TELEGRAM.trader, `/buy ${await atmOrder()}`, group);
    const positionId = bought.text!.match(/^(NSE_P\d{4}):/)![1]!;
    const press = (fromId: number) =>
      telegram.pressButton({
        chatId: group,
        fromId,
        messageId: bought.message_id,
        label: `Exit ${positionId}`,
      });
    const answerOf = (query: string) => telegram.waitFor(() => telegram.callbackAnswer(query), 10_000);
    const exit = COMMANDS.find((command) => command.name === 'exit')!;

    expect((await answerOf(press(TELEGRAM.viewer))).text).toBe(
      refusal(exit, `telegram:${TELEGRAM.viewer}`, 'viewer'),
    );
    expect((await answerOf(press(TELEGRAM.stranger))).text).toBe(
      refusal(exit, `telegram:${TELEGRAM.stranger}`, null),
    );
    expect((await answerOf(press(TELEGRAM.otherTrader))).text).toBe(
      `no open position ${positionId} in your book; /positions lists yours`,
    );
    expect(await openCount(`telegram:${TELEGRAM.trader}`)).toBe(1);

    await answerOf(press(TELEGRAM.trader));
    await telegram.waitFor(() =>
      telegram.sent(group).some((message) => message.text?.includes(`${positionId} closed`)),
    );
    expect(await openCount(`telegram:${TELEGRAM.trader}`)).toBe(0);
  });

  it('Telegram: the chain buttons are refused to a stranger, and the photo stays as it was', async () => {
    const group = unlistedGroup();
    const chain = await telegramReply(TELEGRAM.viewer, '/chain NSE', group);
    expect(chain.photo).toBeDefined();
    const query = telegram.pressButton({
      chatId: group,
      fromId: TELEGRAM.stranger,
      messageId: chain.message_id,
      label: 'BSE',
    });
    const answer = await telegram.waitFor(() => telegram.callbackAnswer(query), 10_000);
    const command = COMMANDS.find((candidate) => candidate.name === 'chain')!;
    expect(answer.text).toBe(refusal(command, `telegram:${TELEGRAM.stranger}`, null));
    expect(telegram.sent(group)).toHaveLength(1);
    expect(telegram.sent(group)[0]!.edits).toBe(0);
  });

  it('Telegram: forged button data runs with the presser’s role, so it is refused too', async () => {
    const group = unlistedGroup();
    const help = await telegramReply(TELEGRAM.viewer, '/help', group);
    const forged = [
      { fromId: TELEGRAM.viewer, data: `/buy ${await atmOrder()}`, text: /^\/buy needs the trader role/ },
      {
        fromId: TELEGRAM.viewer,
        data: `/token ${SECRETS.requestToken}`,
        text: /^\/token needs the admin role/,
      },
      {
        fromId: TELEGRAM.trader,
        data: '/enctoken Kx9enctokenvalue',
        text: /^\/enctoken needs the admin role/,
      },
      { fromId: TELEGRAM.stranger, data: '/alerts on', text: /^You are not on this bot's access list/ },
    ];
    for (const { fromId, data, text } of forged) {
      const query = telegram.forgeCallbackQuery({ chatId: group, fromId, messageId: help.message_id, data });
      const answer = await telegram.waitFor(() => telegram.callbackAnswer(query), 10_000);
      expect(answer.text, data).toMatch(text);
    }
    expect(await openCount(`telegram:${TELEGRAM.viewer}`)).toBe(0);
    expect(daemon.store.sessionStore().load()).toBeNull();
    expect(daemon.store.alertSubscriptions().recipients(Date.now())).not.toContain(`telegram:${group}`);
  });

  it('Discord: an Exit button is refused to a viewer and a stranger, and another trader cannot close the position', async () => {
    const nse = daemon.trackers.find((tracker) => tracker.spec.id === 'NSE')!;
    const bought = await discordAnswer(
      slash('buy', DISCORD.trader, {
        chain: 'NSE',
        strike: nse.current()!.atmStrike!,
        type: 'CE',
        qty: nse.tradableOptions()[0]!.lotSize,
      }),
    );
    const positionId = bought.message.content.match(/^(NSE\\_P\d{4}):/)![1]!.replace('\\', '');
    const press = (userId: string) =>
      discordAnswer(
        discord.pressButton({ customId: `/exit ${positionId}`, userId, messageId: bought.message.id }),
      );
    const exit = COMMANDS.find((command) => command.name === 'exit')!;

    for (const [userId, expected] of [
      [DISCORD.viewer, refusal(exit, `discord:${DISCORD.viewer}`, 'viewer')],
      [DISCORD.stranger, refusal(exit, `discord:${DISCORD.stranger}`, null)],
      [DISCORD.otherTrader, `no open position ${positionId} in your book; /positions lists yours`],
    ] as const) {
      const { callback, message } = await press(userId);
      expect(message.content).toBe(escapeMarkdown(expected));
      expect(callback.ephemeral).toBe(true);
      expect(message.id).not.toBe(bought.message.id);
    }
    expect(await openCount(`discord:${DISCORD.trader}`)).toBe(1);
    const own = await press(DISCORD.trader);
    expect(own.message.content).toMatch(/closed at/);
    expect(await openCount(`discord:${DISCORD.trader}`)).toBe(0);
  });
});

describe('secrets', () => {
  it('admins renew the Kite session from Telegram and Discord without the secrets being echoed', async () => {
    const login = await telegramReply(TELEGRAM.admin, '/login', TELEGRAM.admin);
    expect(login.text).toContain(`api_key=${sim.credentials.apiKey}`);

    const enctoken = await telegramReply(
      TELEGRAM.admin,
      `/enctoken ${SECRETS.kiteAccessToken}`,
      TELEGRAM.admin,
    );
    expect(enctoken.text).toBe('Kite web session for SIM001 is in use; market data is restarting.');

    const expiredAt = alerts.length;
    sim.expireSession();
    accessTokens.add(sim.credentials.accessToken);
    await telegram.waitFor(
      () => alerts.slice(expiredAt).some((alert) => alert.kind === 'session_expired'),
      30_000,
    );

    const { callback, message } = await discordAnswer(
      slash('token', DISCORD.admin, { request_token: SECRETS.requestToken }),
    );
    expect(message.content).toBe('Kite session for SIM001 is in use; market data is restarting.');
    expect(callback.ephemeral).toBe(true);
    expect(daemon.session.state).toBe('valid');
    expect(daemon.store.sessionStore().load()).toMatchObject({ kind: 'access_token' });

    // The alerts went out everywhere before the logs and messages are searched.
    await daemon.alerts.idle();
    await ntfy.waitFor((pushed) => pushed.title === 'Kite session renewed', 15_000);
  }, 60_000);

  it('no secret is in the logs, in anything the bots sent, or in a push', () => {
    const log = logs.join('');
    const telegramSent = JSON.stringify(
      telegram.calls.map((call) => ({
        method: call.method,
        body: call.body,
        files: Object.keys(call.files),
      })),
    );
    const discordSent = JSON.stringify(discord.calls.map((call) => ({ path: call.path, body: call.body })));
    const pushed = JSON.stringify(
      ntfy.messages.map(({ authorization: _header, attachment: _file, ...rest }) => rest),
    );
    expect(log).toContain('Telegram bot started');
    expect(log).toContain('Discord bot connected');
    expect(telegramSent).toContain('Kite web session for SIM001');
    expect(pushed).toContain('Kite session expired');

    const secrets = {
      ...SECRETS,
      telegramTokenSecretPart: SECRETS.telegramToken.split(':')[1]!,
      ...Object.fromEntries([...accessTokens].map((token, i) => [`kiteAccessToken${i}`, token])),
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect(log, `${name} in the log`).not.toContain(secret);
      expect(telegramSent, `${name} sent to Telegram`).not.toContain(secret);
      expect(discordSent, `${name} sent to Discord`).not.toContain(secret);
      expect(pushed, `${name} pushed to ntfy`).not.toContain(secret);
    }
    expect(ntfy.messages.every((message) => message.authorization === `Bearer ${SECRETS.ntfyToken}`)).toBe(
      true,
    );
  });
});

describe('the HTTP API', () => {
  it('binds to 127.0.0.1 unless told otherwise', () => {
    expect(loadConfig({}).http.host).toBe('127.0.0.1');
    expect(new URL(daemon.apiUrl).hostname).toBe('127.0.0.1');
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal)?.address;
  it.skipIf(external === undefined)('is not reachable on the machine’s other addresses', async () => {
    const port = Number(new URL(daemon.apiUrl).port);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: external!, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(outcome).toBe('ECONNREFUSED');
  });

  it('answers 401 without the bearer token (or with a wrong one), and places no order', async () => {
    const order = JSON.stringify({
      exchange: 'NSE',
      strike: 25_600,
      type: 'CE',
      side: 'B',
      owner: 'api:intruder',
    });
    const attempts: [string, RequestInit][] = [
      ['/api/data', {}],
      ['/api/data/NSE', {}],
      ['/api/positions', {}],
      ['/api/positions/NSE', {}],
      ['/api/events', {}],
      ['/metrics', {}],
      ['/api/place_order', { method: 'POST', body: order, headers: { 'content-type': 'application/json' } }],
      ['/api/exit', { method: 'POST', body: JSON.stringify({ exchange: 'NSE', all: true }) }],
    ];
    const wrong = [
      {},
      bearer('wrong-token'),
      bearer(`${SECRETS.httpToken}x`),
      { authorization: `bearer ${SECRETS.httpToken}` },
      { authorization: SECRETS.httpToken },
    ];
    for (const [route, init] of attempts) {
      for (const headers of wrong) {
        const response = await api(route, { ...init, headers: { ...(init.headers as object), ...headers } });
        expect(response.status, `${route} ${JSON.stringify(headers)}`).toBe(401);
        expect(await response.text()).not.toContain(SECRETS.httpToken);
      }
    }
    expect(await openCount('api:intruder')).toBe(0);
  });

  it('answers with the token, and /healthz without it', async () => {
    expect((await api('/api/data', { headers: bearer(SECRETS.httpToken) })).status).toBe(200);
    expect((await api('/api/positions', { headers: bearer(SECRETS.httpToken) })).status).toBe(200);
    const health = await api('/healthz');
    expect([200, 503]).toContain(health.status);
    expect(await health.json()).toHaveProperty('status');
  });
});

describe('the database', () => {
  it('is readable by its owner only, with its WAL, its lock and its folder', () => {
    expect(statSync(dbPath).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o077).toBe(0);
    const files = readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['oi.db', 'oi.db-wal']));
    for (const file of files) expect(statSync(path.join(dataDir, file)).mode & 0o077, file).toBe(0);
  });
});

describe('a refused session', () => {
  // A candidate session is checked on a client of its own, so a refusal never marks the live one expired.
  it('a well-formed enctoken Kite refuses leaves the session in use valid, with no alert', async () => {
    const before = alerts.length;
    const reply = await telegramReply(TELEGRAM.admin, '/enctoken WrongButWellFormed123', TELEGRAM.admin);
    expect(reply.text).toBe('Kite refused that session; nothing changed.');
    await daemon.alerts.idle();
    expect(alerts.slice(before).map((alert) => alert.kind)).toEqual([]);
    expect(daemon.session.state).toBe('valid');
  });
});
