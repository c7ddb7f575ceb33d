import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.ts';
import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import type { InjectedInteraction } from '../fakes/discord-server.ts';
import { feedDownAlert, stopLossExit, testAlertEngine } from '../support/alert-engine.ts';
import { discordOnLoopbackForFile } from '../support/discord-bot.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';

/**
 * Alerts and commands through the real Discord adapter (discord.js) while the loopback Discord answers
 * 429s and 5xx, drops connections before or after it handled a request, never answers, or loses the
 * gateway in the ways a real connection does.
 */

const VIEWER = '300000000000000001';
const TRADER = '300000000000000002';
const chains = parseChainSpecs(DEFAULT_CHAINS)!;
const CHANNEL_MESSAGES = 'POST /channels/:id/messages';
/** discord.js's REST timeout (its default; the adapter does not change it). */
const REST_TIMEOUT_MS = 15_000;

const context = fakeCommandContext({ access: `discord:${VIEWER}=viewer,discord:${TRADER}=trader` });

const logs: string[] = [];
const logger = pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) });

const discord = discordOnLoopbackForFile(() => ({
  server: { heartbeatIntervalMs: 1000 },
  core: new CommandCore(context),
  chains,
  logger,
  alertRetryDelaysMs: [100, 200, 400],
}));

afterEach(() => {
  discord.server.clearFailures();
  discord.server.releaseHung();
  discord.server.acknowledgeHeartbeats(true);
});

const stopLoss = stopLossExit;
/** An alert engine that sends through the real bot; `subscribers` get every broadcast. */
const alertEngine = (subscribers: string[] = []) =>
  testAlertEngine({ subscribers, notifiers: [discord.bot], logger });
const alert = (overrides: Partial<Alert> = {}) => feedDownAlert({ broadcast: true, ...overrides });

/** Messages in `channel` whose embed says `marker` (in its title or its markdown-escaped description). */
const postsOf = (channel: string, marker: string) =>
  discord.server.channelMessages.filter(
    (message) =>
      message.channelId === channel &&
      message.embeds.some((embed) =>
        `${String(embed.title)}\n${String(embed.description).replaceAll('\\', '')}`.includes(marker),
      ),
  );

const postsTo = (channel: string) =>
  discord.server.calls.filter(
    (call) => call.method === 'POST' && call.path === `/channels/${channel}/messages`,
  );

const nonceOf = (call: { body: unknown }) => (call.body as { nonce?: string }).nonce;

const logged = (text: string, since = 0) => logs.slice(since).filter((line) => line.includes(text));

async function answerOf(interaction: InjectedInteraction, timeoutMs = 10_000) {
  await discord.server.waitFor(
    () => discord.server.callbacks.find((entry) => entry.interactionId === interaction.id),
    timeoutMs,
    `the answer to interaction ${interaction.id}`,
  );
  const record = discord.server.interaction(interaction.id)!;
  return discord.server.message(record.originalMessageId!)!;
}

const callbacksOf = (interaction: InjectedInteraction) =>
  discord.server.callbacks.filter((entry) => entry.interactionId === interaction.id);

const callbackCalls = (interaction: InjectedInteraction) =>
  discord.server.calls.filter((call) => call.path.startsWith(`/interactions/${interaction.id}/`));

const help = (userId = VIEWER) =>
  discord.server.injectSlashCommand({
    name: 'help',
    options: { command: 'buy' },
    userId,
    channelId: discord.otherChannel,
  });

describe('Discord alerts while the REST API fails', () => {
  it('waits out a 429 on the channel route; the alert channel and a subscribed channel each get the auto-exit once', async () => {
    const engine = alertEngine([`discord-channel:${discord.otherChannel}`]);
    const since = logs.length;
    discord.server.failNext(CHANNEL_MESSAGES, { status: 429, retryAfter: 1 }, 1);
    const event = stopLoss(`discord:${TRADER}`);
    engine.onPositionClosed(event);
    await engine.idle();
    const inAlertChannel = postsOf(discord.alertChannel, event.position_id);
    expect(inAlertChannel).toHaveLength(1);
    expect(inAlertChannel[0]!.mentions).toEqual([TRADER]);
    expect(postsOf(discord.otherChannel, event.position_id)).toHaveLength(1);
    expect(logged('Discord rate limit: waiting', since)).toHaveLength(1);
    expect(logged('alert could not be delivered', since)).toEqual([]);
  });

  it('waits out a global 429 and posts the alert once', async () => {
    discord.server.failNext(CHANNEL_MESSAGES, { status: 429, retryAfter: 1, global: true }, 1);
    const sent = alert();
    const started = Date.now();
    await discord.bot.notify(sent);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(postsOf(discord.alertChannel, sent.title)).toHaveLength(1);
  });

  it('retries 5xx past discord.js’s own three retries, and posts once', async () => {
    const before = postsTo(discord.alertChannel).length;
    discord.server.failNext(CHANNEL_MESSAGES, { status: 502 }, 3);
    discord.server.failNext(CHANNEL_MESSAGES, { status: 503 }, 2);
    discord.server.failNext(CHANNEL_MESSAGES, { status: 504 }, 1);
    const sent = alert();
    await discord.bot.notify(sent);
    expect(
      postsTo(discord.alertChannel)
        .slice(before)
        .map((call) => call.status),
    ).toEqual([502, 502, 502, 503, 503, 504, 200]);
    expect(postsOf(discord.alertChannel, sent.title)).toHaveLength(1);
  });

  it('retries a connection reset before Discord saw the request, and posts once', async () => {
    const before = postsTo(discord.alertChannel).length;
    discord.server.failNext(CHANNEL_MESSAGES, { network: true }, 2);
    const sent = alert();
    await discord.bot.notify(sent);
    expect(postsOf(discord.alertChannel, sent.title)).toHaveLength(1);
    expect(postsTo(discord.alertChannel).slice(before).at(-1)!.status).toBe(200);
  });

  it('posts once when the answer is lost after Discord stored the message: the retry carries the same nonce', async () => {
    const before = postsTo(discord.alertChannel).length;
    discord.server.failNext(CHANNEL_MESSAGES, { network: 'lost-response' }, 1);
    const sent = alert();
    await discord.bot.notify(sent);
    const tries = postsTo(discord.alertChannel).slice(before);
    expect(tries.map((call) => call.status)).toEqual([-1, 200]);
    expect(nonceOf(tries[1]!)).toBe(nonceOf(tries[0]!));
    expect(postsOf(discord.alertChannel, sent.title)).toHaveLength(1);
  });

  it(
    'a request that never answers is abandoned after discord.js’s 15 s timeout and retried; the nonce keeps it to one post, and other channels are not held up',
    async () => {
      const before = postsTo(discord.alertChannel).length;
      discord.server.failNext(
        `POST /channels/${discord.alertChannel}/messages`,
        { hang: true, process: true },
        1,
      );
      const stuck = alert();
      const stuckDelivered = discord.bot.notify(stuck);
      await discord.server.waitFor(() => discord.server.hungRequests === 1, 5000, 'the hung request');

      // To a subscribed channel and (as it has a Discord recipient) to the alert channel.
      const other = alert({ broadcast: false, recipients: [`discord-channel:${discord.otherChannel}`] });
      const otherDelivered = discord.bot.notify(other);
      await discord.server.waitFor(
        () => postsOf(discord.otherChannel, other.title).length === 1,
        5000,
        'the other channel',
      );
      expect(discord.server.hungRequests).toBe(1);

      await Promise.all([stuckDelivered, otherDelivered]);
      const stuckTries = postsTo(discord.alertChannel)
        .slice(before)
        .filter((call) => nonceOf(call) === nonceOf(postsTo(discord.alertChannel)[before]!));
      expect(stuckTries.map((call) => call.status)).toEqual([0, 200]);
      expect(stuckTries[1]!.at - stuckTries[0]!.at).toBeGreaterThanOrEqual(REST_TIMEOUT_MS - 500);
      expect(postsOf(discord.alertChannel, stuck.title)).toHaveLength(1);
      expect(postsOf(discord.alertChannel, other.title)).toHaveLength(1);
      expect(postsOf(discord.otherChannel, other.title)).toHaveLength(1);
    },
    REST_TIMEOUT_MS + 15_000,
  );

  // Once the adapter's retries are spent (discord.js's 4 tries, times the bot's 4 attempts), the alert
  // engine hands the alert over again a second later.
  it('an auto-exit is still posted once Discord is back from an outage longer than the retries', async () => {
    const engine = alertEngine();
    discord.server.failNext(CHANNEL_MESSAGES, { status: 503 }, 16);
    const event = stopLoss(`discord:${TRADER}`);
    engine.onPositionClosed(event);
    await engine.idle();
    expect(postsOf(discord.alertChannel, event.position_id)).toHaveLength(1);
    await engine.stop();
  }, 60_000);
});

describe('Discord gateway faults', () => {
  const ops = (op: number) => discord.server.gatewayOps.filter((record) => record.op === op).length;

  /** The session was resumed once more (no new IDENTIFY) and a command is answered once after it. */
  async function resumedAndAnswering(resumes: number, identifies: number): Promise<void> {
    await discord.server.waitFor(
      () => ops(6) === resumes + 1 && discord.server.gatewayConnected,
      10_000,
      'the resume',
    );
    const after = help();
    await answerOf(after);
    expect(callbacksOf(after)).toHaveLength(1);
    expect(ops(2)).toBe(identifies);
  }

  it('a resumable close: an alert sent meanwhile posts once, and the command Discord replays on RESUME is answered once', async () => {
    const [identifies, resumes] = [ops(2), ops(6)];
    discord.server.dropGateway(4000);
    await discord.server.waitFor(() => !discord.server.gatewayConnected, 3000, 'the drop');
    const missed = help();
    const sent = alert();
    await discord.bot.notify(sent);
    const answer = await answerOf(missed);
    expect(answer.content).toContain('Example: /buy NSE 25600CE 75');
    expect(callbacksOf(missed)).toHaveLength(1);
    expect(postsOf(discord.alertChannel, sent.title)).toHaveLength(1);
    expect(ops(6)).toBe(resumes + 1);
    expect(ops(2)).toBe(identifies);
  });

  it('a connection cut without a close frame is resumed and keeps answering', async () => {
    const [identifies, resumes] = [ops(2), ops(6)];
    discord.server.terminateGateway();
    await resumedAndAnswering(resumes, identifies);
  });

  it('a zombie connection (heartbeats never acknowledged) is dropped and resumed', async () => {
    const [identifies, resumes, connections] = [ops(2), ops(6), discord.server.gatewayConnections.length];
    discord.server.acknowledgeHeartbeats(false);
    await discord.server.waitFor(
      () => discord.server.gatewayConnections.length > connections,
      10_000,
      'a new gateway connection',
    );
    discord.server.acknowledgeHeartbeats(true);
    await resumedAndAnswering(resumes, identifies);
  });

  it('a session Discord ended: the RESUME is refused, the bot identifies anew and keeps answering', async () => {
    const identifies = ops(2);
    discord.server.invalidateGatewaySession();
    await discord.server.waitFor(
      () => ops(2) === identifies + 1 && discord.server.gatewayConnected,
      15_000,
      'a new session',
    );
    const after = help();
    await answerOf(after);
    expect(callbacksOf(after)).toHaveLength(1);
    const sent = alert();
    await discord.bot.notify(sent);
    expect(postsOf(discord.alertChannel, sent.title)).toHaveLength(1);
  });
});

describe('Discord command answers while REST fails', () => {
  it('a 500 on the interaction callback is retried by discord.js; one answer', async () => {
    discord.server.failNext('POST /interactions/:id/:token/callback', { status: 500 }, 1);
    const interaction = help();
    const answer = await answerOf(interaction);
    expect(answer.content).toContain('Example: /buy');
    expect(callbacksOf(interaction)).toHaveLength(1);
    expect(callbackCalls(interaction).map((call) => call.status)).toEqual([500, 204]);
  });

  it('a 429 on the interaction callback is waited out; one answer', async () => {
    discord.server.failNext('POST /interactions/:id/:token/callback', { status: 429, retryAfter: 0.5 }, 1);
    const interaction = help();
    await answerOf(interaction);
    expect(callbacksOf(interaction)).toHaveLength(1);
    expect(callbackCalls(interaction).map((call) => call.status)).toEqual([429, 204]);
  });

  // discord.js retries only aborts and ECONNRESET, not undici's "other side closed": the answerer tries
  // the first response once more while the 3 s window is open.
  it('a connection reset on the interaction callback is retried in time; one answer', async () => {
    discord.server.failNext('POST /interactions/:id/:token/callback', { network: true }, 1);
    const interaction = help();
    await answerOf(interaction, 3000);
    expect(callbacksOf(interaction)).toHaveLength(1);
  });
});
