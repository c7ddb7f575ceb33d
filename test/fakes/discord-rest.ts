import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  apiError,
  invalidForm,
  messageInput,
  readBody,
  type RestRequest,
  type RestResponse,
} from './discord-http.ts';
import {
  callback,
  deleteWebhookMessage,
  editWebhookMessage,
  followUp,
  getWebhookMessage,
} from './discord-interaction-routes.ts';
import { snowflake } from './discord-records.ts';
import type { FakeDiscordState, RegisteredCommand } from './discord-state.ts';
import { validateCommands, validateMessage } from './discord-validate.ts';

interface Route {
  method: string;
  pattern: RegExp;
  /** Needs `Authorization: Bot <token>`; interaction and webhook-token routes do not. */
  auth: boolean;
  handle: (request: RestRequest, state: FakeDiscordState) => RestResponse;
}

/** `/channels/:channel/messages` → a regex with named groups. */
function routePattern(route: string): RegExp {
  const source = route
    .split('/')
    .map((part) =>
      part.startsWith(':') ? `(?<${part.slice(1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

const route = (method: string, path: string, auth: boolean, handle: Route['handle']): Route => ({
  method,
  pattern: routePattern(path),
  auth,
  handle,
});

function commandsResponse(state: FakeDiscordState, request: RestRequest, existing: RegisteredCommand[]) {
  const problems = validateCommands(request.body);
  if (problems.length > 0) return { problems, commands: existing };
  const commands = (request.body as Record<string, unknown>[]).map((command) => {
    const name = String(command.name);
    const id = existing.find((old) => old.name === name)?.id ?? snowflake();
    return {
      ...command,
      id,
      name,
      application_id: state.applicationId,
      version: snowflake(),
      type: command.type ?? 1,
      default_member_permissions: command.default_member_permissions ?? null,
      nsfw: false,
      ...(request.params.guild ? { guild_id: request.params.guild } : {}),
    } as RegisteredCommand;
  });
  return { problems, commands };
}

function postChannelMessage(request: RestRequest, state: FakeDiscordState): RestResponse {
  const channelId = request.params.channel!;
  if (!state.isKnownChannel(channelId)) return apiError(404, 10003, 'Unknown Channel');
  const input = messageInput(request);
  const problems = validateMessage(input.body, input.uploads.length, { creating: true });
  if (problems.length > 0) return invalidForm(problems);
  const earlier = state.messageForNonce(channelId, input.body);
  if (earlier) return { status: 200, body: state.apiMessage(earlier) };
  const message = state.createMessage(channelId, input);
  state.channelMessages.push(message);
  return { status: 200, body: state.apiMessage(message) };
}

const ROUTES: Route[] = [
  route('GET', '/gateway', false, (_request, state) => ({ status: 200, body: { url: gatewayUrl(state) } })),
  route('GET', '/gateway/bot', true, (_request, state) => ({
    status: 200,
    body: {
      url: gatewayUrl(state),
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    },
  })),
  route('GET', '/users/@me', true, (_request, state) => ({ status: 200, body: state.bot })),
  route('GET', '/applications/@me', true, (_request, state) => ({
    status: 200,
    body: {
      id: state.applicationId,
      name: 'oi-tracker',
      description: '',
      bot_public: false,
      flags: 0,
      bot: state.bot,
    },
  })),
  route('GET', '/channels/:channel', true, (request, state) =>
    state.isKnownChannel(request.params.channel!)
      ? {
          status: 200,
          body: { id: request.params.channel, type: 0, guild_id: state.guildId, name: 'alerts' },
        }
      : apiError(404, 10003, 'Unknown Channel'),
  ),
  route('POST', '/channels/:channel/messages', true, postChannelMessage),
  route('GET', '/applications/:app/commands', true, (_request, state) => ({
    status: 200,
    body: state.globalCommands,
  })),
  route('PUT', '/applications/:app/commands', true, (request, state) => {
    if (request.params.app !== state.applicationId) return apiError(403, 50001, 'Missing Access');
    const { problems, commands } = commandsResponse(state, request, state.globalCommands);
    if (problems.length > 0) return invalidForm(problems);
    state.globalCommands = commands;
    return { status: 200, body: commands };
  }),
  route('GET', '/applications/:app/guilds/:guild/commands', true, (request, state) => ({
    status: 200,
    body: state.guildCommands.get(request.params.guild!) ?? [],
  })),
  route('PUT', '/applications/:app/guilds/:guild/commands', true, (request, state) => {
    if (request.params.app !== state.applicationId || request.params.guild !== state.guildId) {
      return apiError(403, 50001, 'Missing Access');
    }
    const { problems, commands } = commandsResponse(
      state,
      request,
      state.guildCommands.get(request.params.guild) ?? [],
    );
    if (problems.length > 0) return invalidForm(problems);
    state.guildCommands.set(request.params.guild, commands);
    return { status: 200, body: commands };
  }),
  route('POST', '/interactions/:id/:token/callback', false, callback),
  route('POST', '/webhooks/:app/:token', false, followUp),
  route('GET', '/webhooks/:app/:token/messages/:message', false, getWebhookMessage),
  route('PATCH', '/webhooks/:app/:token/messages/:message', false, editWebhookMessage),
  route('DELETE', '/webhooks/:app/:token/messages/:message', false, deleteWebhookMessage),
];

function gatewayUrl(state: FakeDiscordState): string {
  return state.baseUrl.replace(/^http/, 'ws');
}

function send(response: ServerResponse, result: RestResponse, bucket: string): void {
  const headers: Record<string, string> = {
    'x-ratelimit-limit': '50',
    'x-ratelimit-remaining': '49',
    'x-ratelimit-reset-after': '1',
    'x-ratelimit-bucket': bucket,
    ...result.headers,
  };
  if (result.body === undefined) {
    response.writeHead(result.status, headers).end();
    return;
  }
  response
    .writeHead(result.status, { ...headers, 'content-type': 'application/json' })
    .end(JSON.stringify(result.body));
}

/** How an injected failure treats a handled request: its answer is lost, or never comes. */
type Withheld = { withhold: 'lost-response' } | { withhold: 'hang'; process: boolean };

function injectedFailure(
  state: FakeDiscordState,
  line: string,
  request: IncomingMessage,
): RestResponse | Withheld | 'network' | null {
  const pending = state.failures.find((failure) => failure.remaining > 0 && failure.pattern.test(line));
  if (!pending) return null;
  pending.remaining -= 1;
  const failure = pending.failure;
  if ('hang' in failure) return { withhold: 'hang', process: failure.process === true };
  if ('network' in failure) {
    if (failure.network === 'lost-response') return { withhold: 'lost-response' };
    request.socket.destroy();
    return 'network';
  }
  if (failure.status !== 429) return apiError(failure.status, 0, `${failure.status}: Server Error`);
  return {
    status: 429,
    body: {
      message: 'You are being rate limited.',
      retry_after: failure.retryAfter,
      global: failure.global === true,
    },
    headers: {
      'retry-after': String(failure.retryAfter),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset-after': String(failure.retryAfter),
      'x-ratelimit-scope': failure.global ? 'global' : 'user',
      ...(failure.global ? { 'x-ratelimit-global': 'true' } : {}),
    },
  };
}

/** Answers one `/api/v10/...` request: auth, injected failures, routing, and the call log. */
export async function handleRest(
  state: FakeDiscordState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', state.baseUrl);
  const method = request.method ?? 'GET';
  const versioned = url.pathname.match(/^\/api\/v(\d+)(\/.*)$/);
  const path = versioned?.[2] ?? url.pathname;
  const { body, uploads } = await readBody(request, url);
  const authorized = request.headers.authorization === `Bot ${state.token}`;
  const bucket = createHash('sha1').update(`${method} ${path}`).digest('hex').slice(0, 16);
  const record = (status: number) => {
    state.calls.push({
      method,
      path,
      query: url.search,
      status,
      authorized,
      body,
      fileNames: [...uploads.values()].map((upload) => upload.filename),
      at: Date.now(),
    });
  };
  let finish = (result: RestResponse) => {
    record(result.status);
    send(response, result, bucket);
    state.changed();
  };
  if (versioned?.[1] !== '10') return finish(apiError(400, 50041, 'Invalid API version'));
  const failure = injectedFailure(state, `${method} ${path}`, request);
  if (failure === 'network') return void state.changed();
  if (failure && 'withhold' in failure) {
    const lost = failure.withhold === 'lost-response';
    if (!lost) {
      state.hung.add(response);
      response.on('close', () => state.hung.delete(response) && state.changed());
    }
    if (!lost && !failure.process) {
      record(0);
      return void state.changed();
    }
    // The request is handled but its answer never reaches the client.
    finish = () => {
      record(lost ? -1 : 0);
      if (lost) request.socket.destroy();
      state.changed();
    };
  }
  if (failure && 'status' in failure) return finish(failure);
  const matches = ROUTES.filter((candidate) => candidate.pattern.test(path));
  const matched = matches.find((candidate) => candidate.method === method);
  if (!matched)
    return finish(
      matches.length > 0 ? apiError(405, 0, '405: Method Not Allowed') : apiError(404, 0, '404: Not Found'),
    );
  if (matched.auth && !authorized) return finish(apiError(401, 0, '401: Unauthorized'));
  const params = Object.fromEntries(
    Object.entries(matched.pattern.exec(path)!.groups ?? {}).map(([name, value]) => [
      name,
      decodeURIComponent(value),
    ]),
  );
  finish(matched.handle({ method, path, query: url.searchParams, params, body, uploads }, state));
}
