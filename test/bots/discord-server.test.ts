import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startDiscordServer, type DiscordServer } from '../fakes/discord-server.ts';
import { waitFor } from '../support/wait-for.ts';

/** The loopback Discord itself, spoken to with plain fetch and ws: it must refuse what Discord refuses. */

let server: DiscordServer;
afterEach(async () => {
  await server?.close();
});

const rest = (path: string, init: { method?: string; body?: unknown; auth?: boolean } = {}) =>
  fetch(`${server.apiRoot}/v10${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.auth === false ? {} : { authorization: `Bot ${server.token}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

interface GatewayPayload {
  op: number;
  t?: string;
  s?: number;
  d: Record<string, unknown> & { session_id?: string };
}

/** A bare gateway client that collects every payload. */
async function connectGateway(query = '?v=10&encoding=json') {
  const socket = new WebSocket(`${server.gatewayUrl}${query}`);
  const received: GatewayPayload[] = [];
  socket.on('message', (data) => received.push(JSON.parse(data.toString()) as GatewayPayload));
  const next = (predicate: (payload: GatewayPayload) => boolean) =>
    waitFor(() => received.find(predicate), { timeoutMs: 3000, intervalMs: 10, what: 'the gateway payload' });
  return { socket, received, next, send: (payload: unknown) => socket.send(JSON.stringify(payload)) };
}

async function identified() {
  const gateway = await connectGateway();
  await gateway.next((payload) => payload.op === 10);
  gateway.send({ op: 2, d: { token: server.token, intents: 1, properties: {} } });
  const ready = await gateway.next((payload) => payload.t === 'READY');
  await gateway.next((payload) => payload.t === 'GUILD_CREATE');
  return { ...gateway, ready };
}

describe('the loopback Discord', () => {
  it('checks the bot token and the API version, and 404s unknown routes', async () => {
    server = await startDiscordServer();
    expect((await rest('/gateway/bot', { auth: false })).status).toBe(401);
    const gateway = await (await rest('/gateway/bot')).json();
    expect(gateway).toMatchObject({
      url: server.gatewayUrl,
      shards: 1,
      session_start_limit: { max_concurrency: 1 },
    });
    expect((await rest('/nothing/here')).status).toBe(404);
    expect((await fetch(`${server.apiRoot}/v9/gateway/bot`)).status).toBe(400);
  });

  it('refuses invalid command registrations and message bodies, and dedupes enforced nonces', async () => {
    server = await startDiscordServer();
    const bad = await rest(`/applications/${server.applicationId}/guilds/${server.guildId}/commands`, {
      method: 'PUT',
      body: [{ name: 'Chain', description: '' }],
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 50035 });
    const channel = server.channelIds[0]!;
    const long = await rest(`/channels/${channel}/messages`, {
      method: 'POST',
      body: { content: 'x'.repeat(2001) },
    });
    expect(long.status).toBe(400);
    const body = { content: 'hi', nonce: 'n1', enforce_nonce: true };
    const first = (await (await rest(`/channels/${channel}/messages`, { method: 'POST', body })).json()) as {
      id: string;
    };
    const second = (await (await rest(`/channels/${channel}/messages`, { method: 'POST', body })).json()) as {
      id: string;
    };
    expect(second.id).toBe(first.id);
    expect(server.channelMessages).toHaveLength(1);
    expect((await rest('/channels/1/messages', { method: 'POST', body: { content: 'hi' } })).status).toBe(
      404,
    );
  });

  it('serves HELLO, READY and GUILD_CREATE, acks heartbeats, and refuses compression and bad resumes', async () => {
    server = await startDiscordServer({ heartbeatIntervalMs: 45_000 });
    const compressed = await connectGateway('?v=10&encoding=json&compress=zlib-stream');
    const [code] = (await once(compressed.socket, 'close')) as [number];
    expect(code).toBe(4000);
    const gateway = await identified();
    expect(gateway.received[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 45_000 } });
    expect(gateway.ready).toMatchObject({
      s: 1,
      d: { resume_gateway_url: server.gatewayUrl, guilds: [{ unavailable: true }] },
    });
    gateway.send({ op: 1, d: 2 });
    await gateway.next((payload) => payload.op === 11);
    const stranger = await connectGateway();
    await stranger.next((payload) => payload.op === 10);
    stranger.send({ op: 6, d: { token: server.token, session_id: 'not-a-session', seq: 1 } });
    expect(await stranger.next((payload) => payload.op === 9)).toMatchObject({ d: false });
    gateway.socket.close();
    stranger.socket.close();
  });

  it('accepts one callback per interaction within the deadline, and only offers registered options', async () => {
    server = await startDiscordServer({ interactionDeadlineMs: 200 });
    const gateway = await identified();
    await rest(`/applications/${server.applicationId}/guilds/${server.guildId}/commands`, {
      method: 'PUT',
      body: [
        {
          name: 'chain',
          description: 'the chain',
          options: [
            { type: 3, name: 'chain', description: 'which', choices: [{ name: 'NSE', value: 'NSE' }] },
          ],
        },
      ],
    });
    const at = { userId: '5', channelId: server.channelIds[0]! };
    expect(() => server.injectSlashCommand({ name: 'chain', options: { chain: 'LSE' }, ...at })).toThrow(
      /choices/,
    );
    expect(() => server.injectSlashCommand({ name: 'chain', options: { strike: 1 }, ...at })).toThrow(
      /no option/,
    );
    expect(() => server.injectSlashCommand({ name: 'buy', ...at })).toThrow(/not registered/);

    const answered = server.injectSlashCommand({ name: 'chain', options: { chain: 'NSE' }, ...at });
    const event = await gateway.next((payload) => payload.t === 'INTERACTION_CREATE');
    expect(event.d).toMatchObject({
      type: 2,
      token: answered.token,
      data: { name: 'chain', options: [{ value: 'NSE' }] },
    });
    const callback = (body: unknown, interaction = answered) =>
      rest(`/interactions/${interaction.id}/${interaction.token}/callback`, {
        method: 'POST',
        body,
        auth: false,
      });
    expect((await callback({ type: 5 })).status).toBe(204);
    expect(await (await callback({ type: 4, data: { content: 'again' } })).json()).toMatchObject({
      code: 40060,
    });
    const edit = await rest(`/webhooks/${server.applicationId}/${answered.token}/messages/@original`, {
      method: 'PATCH',
      body: { content: 'done' },
      auth: false,
    });
    expect(await edit.json()).toMatchObject({ content: 'done', flags: 0 });

    const injectedAt = Date.now();
    const late = server.injectSlashCommand({ name: 'chain', ...at });
    // Past the 200 ms deadline (by a margin), whatever else this process was doing.
    await waitFor(() => Date.now() - injectedAt > 250, { intervalMs: 10, what: 'the deadline to pass' });
    expect(await (await callback({ type: 5 }, late)).json()).toMatchObject({ code: 10062 });
    gateway.socket.close();
  });
});
