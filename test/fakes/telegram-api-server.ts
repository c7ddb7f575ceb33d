import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback Telegram Bot API server for tests: the real envelope, status codes and limits for the
 * methods the bots use, long polling, multipart uploads, and controls to inject updates, press
 * buttons and make calls fail.
 */

export interface UploadedFile {
  filename: string;
  type: string;
  bytes: Buffer;
}

export interface ApiCall {
  method: string;
  /** The parameters, from JSON, a query string or multipart fields (JSON-valued fields parsed). */
  body: Record<string, unknown>;
  files: Record<string, UploadedFile>;
  /** Arrival time, epoch ms. */
  at: number;
  /** The HTTP status answered (0 while a long poll or a hung call is pending, -1 for a reset connection). */
  status: number;
}

export interface InlineButton {
  text: string;
  callback_data?: string;
}

export interface ApiChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  first_name?: string;
}

export interface ApiUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
}

/** A message as the fake keeps it (its current state, after edits). */
export interface StoredMessage {
  message_id: number;
  chat: ApiChat;
  from?: ApiUser;
  sender_chat?: ApiChat;
  date: number;
  edit_date?: number;
  text?: string;
  /** The HTML the bot sent (text or caption), before parsing. */
  html?: string;
  caption?: string;
  photo?: { file_id: string; file_unique_id: string; width: number; height: number; file_size: number }[];
  /** The uploaded photo's bytes. */
  photoBytes?: Buffer;
  reply_markup?: { inline_keyboard: InlineButton[][] };
  reply_to_message_id?: number;
  /** Sent by the bot (as opposed to injected as a user's message). */
  fromBot: boolean;
  edits: number;
}

export interface CallbackAnswer {
  text?: string;
  show_alert?: boolean;
}

/**
 * An injected failure: a 429 with retry_after, another error status, a connection reset before the
 * method runs (`reset`) or after it ran, so its answer is lost (`lost-response`), or a request that is
 * accepted and never answered (`hang`; with `process` the method runs first) until `releaseHung()`.
 */
export type Failure =
  | { status: 429; retryAfter: number }
  | { status: number; description?: string }
  | { network: 'reset' | 'lost-response' }
  | { hang: true; process?: boolean };

export interface InjectedMessage {
  chatId: number;
  fromId: number;
  text: string;
  chatType?: ApiChat['type'];
  username?: string;
  /** The chat the message is sent on behalf of (anonymous group admins use the group's own id). */
  senderChatId?: number;
}

interface Update {
  update_id: number;
  [type: string]: unknown;
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after: number },
  ) {
    super(description);
  }
}

const badRequest = (detail: string) => new ApiError(400, `Bad Request: ${detail}`);

const ALLOWED_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Telegram's HTML parse mode, strictly: the text after parsing, or the "can't parse entities" error. */
export function parseTelegramHtml(html: string): string {
  const open: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const char = html[i]!;
    if (char === '<') {
      const tag = html.slice(i).match(/^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>/);
      const offset = Buffer.byteLength(html.slice(0, i));
      if (!tag) throw badRequest(`can't parse entities: Unsupported start tag at byte offset ${offset}`);
      const name = tag[2]!.toLowerCase();
      if (tag[1] === '/') {
        if (open.pop() !== name) {
          throw badRequest(
            `can't parse entities: Unmatched end tag at byte offset ${offset}, expected "</${name}>"`,
          );
        }
      } else {
        if (!ALLOWED_TAGS.has(name)) {
          throw badRequest(`can't parse entities: Unsupported start tag "${name}" at byte offset ${offset}`);
        }
        open.push(name);
      }
      i += tag[0].length;
    } else if (char === '&') {
      const entity = html.slice(i).match(/^&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/);
      if (!entity) {
        throw badRequest(
          `can't parse entities: Character '&' is reserved and must be escaped at byte offset ${Buffer.byteLength(html.slice(0, i))}`,
        );
      }
      const name = entity[1]!;
      text += name.startsWith('#x')
        ? String.fromCodePoint(parseInt(name.slice(2), 16))
        : name.startsWith('#')
          ? String.fromCodePoint(Number(name.slice(1)))
          : ENTITIES[name]!;
      i += entity[0].length;
    } else {
      text += char;
      i += 1;
    }
  }
  if (open.length > 0) {
    throw badRequest(`can't parse entities: Can't find end tag corresponding to start tag "${open.at(-1)}"`);
  }
  return text;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JSON_FIELDS = new Set([
  'reply_markup',
  'reply_parameters',
  'media',
  'commands',
  'allowed_updates',
  'link_preview_options',
  'entities',
  'caption_entities',
  'scope',
]);
/** Update types delivered when allowed_updates is empty or never given. */
const DEFAULT_UPDATE_TYPES = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'callback_query',
  'inline_query',
  'chosen_inline_result',
];

function parseField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseRequest(
  req: IncomingMessage,
  url: URL,
): Promise<{ body: Record<string, unknown>; files: Record<string, UploadedFile> }> {
  const body: Record<string, unknown> = {};
  const files: Record<string, UploadedFile> = {};
  for (const [key, value] of url.searchParams) body[key] = parseField(key, value);
  const raw = await readBody(req);
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { body, files };
  if (type.startsWith('application/json')) {
    return { body: { ...body, ...(JSON.parse(raw.toString('utf8')) as Record<string, unknown>) }, files };
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) body[key] = parseField(key, value);
    return { body, files };
  }
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: raw,
    }).formData();
    for (const [key, value] of form) {
      if (typeof value === 'string') body[key] = parseField(key, value);
      else {
        files[key] = {
          filename: value.name,
          type: value.type,
          bytes: Buffer.from(await value.arrayBuffer()),
        };
      }
    }
    return { body, files };
  }
  throw badRequest('unsupported content type');
}

const asNumber = (value: unknown): number | undefined =>
  value === undefined || value === '' ? undefined : Number(value);

const updateType = (update: Update): string => Object.keys(update).find((key) => key !== 'update_id')!;

export type TelegramApiServer = Awaited<ReturnType<typeof startTelegramApiServer>>;

export async function startTelegramApiServer(options: { token?: string; username?: string } = {}) {
  const token = options.token ?? '123456789:TEST-token_abcdefghijklmnopqrstuvwxyz';
  const username = options.username ?? 'oi_tracker_test_bot';
  const botUser: ApiUser = {
    id: Number(token.split(':')[0]) || 123456789,
    is_bot: true,
    first_name: 'OI Tracker',
    username,
  };

  const events = new EventEmitter();
  const calls: ApiCall[] = [];
  const failures = new Map<string, Failure[]>();
  const chats = new Map<number, ApiChat>();
  const messages = new Map<number, StoredMessage[]>();
  const callbackQueries = new Map<string, { answered: boolean; answer?: CallbackAnswer }>();
  let queue: Update[] = [];
  /** Updates the bot's allowed_updates filtered out (never delivered). */
  const dropped: Update[] = [];
  let allowedUpdates = DEFAULT_UPDATE_TYPES;
  let commands: { command: string; description: string }[] = [];
  let nextUpdateId = 1;
  let nextQueryId = 1;
  let nextFileId = 1;
  let closed = false;
  let pollWaiter: { wake: () => void; conflict: () => void } | undefined;
  /** Requests held open by a `hang` failure, with their calls. */
  const hung = new Map<ServerResponse, ApiCall>();

  const changed = () => events.emit('change');
  const now = () => Math.floor(Date.now() / 1000);

  function chatOf(id: number, type?: ApiChat['type']): ApiChat {
    let chat = chats.get(id);
    if (!chat) {
      const kind = type ?? (id > 0 ? 'private' : 'supergroup');
      chat =
        kind === 'private'
          ? { id, type: kind, first_name: `User ${id}` }
          : { id, type: kind, title: `Chat ${id}` };
      chats.set(id, chat);
      messages.set(id, []);
    }
    return chat;
  }

  function store(message: Omit<StoredMessage, 'message_id' | 'date' | 'edits'>): StoredMessage {
    const list = messages.get(message.chat.id) ?? [];
    messages.set(message.chat.id, list);
    const stored: StoredMessage = { ...message, message_id: list.length + 1, date: now(), edits: 0 };
    list.push(stored);
    return stored;
  }

  function targetChat(body: Record<string, unknown>): ApiChat {
    const id = Number(body.chat_id);
    if (!Number.isSafeInteger(id) || id === 0) throw badRequest('chat not found');
    return chatOf(id);
  }

  function findMessage(chatId: unknown, messageId: unknown): StoredMessage | undefined {
    return messages.get(Number(chatId))?.find((message) => message.message_id === Number(messageId));
  }

  /** The message as the Bot API shows it. */
  function apiMessage(message: StoredMessage): Record<string, unknown> {
    const {
      fromBot: _fromBot,
      edits: _edits,
      html: _html,
      photoBytes: _bytes,
      reply_to_message_id,
      ...shown
    } = message;
    const replied =
      reply_to_message_id === undefined ? undefined : findMessage(message.chat.id, reply_to_message_id);
    const entities =
      message.text?.startsWith('/') && !message.fromBot
        ? [{ type: 'bot_command', offset: 0, length: message.text.split(/\s/, 1)[0]!.length }]
        : undefined;
    return {
      ...shown,
      ...(entities ? { entities } : {}),
      ...(replied ? { reply_to_message: { ...apiMessage(replied), reply_to_message: undefined } } : {}),
    };
  }

  function queueUpdate(type: string, payload: unknown): Update {
    const update: Update = { update_id: nextUpdateId++, [type]: payload };
    queue.push(update);
    pollWaiter?.wake();
    changed();
    return update;
  }

  function userMessage(input: InjectedMessage): StoredMessage {
    const chat = chatOf(input.chatId, input.chatType);
    const from: ApiUser = {
      id: input.fromId,
      is_bot: false,
      first_name: `User ${input.fromId}`,
      ...(input.username ? { username: input.username } : {}),
    };
    const senderChat = input.senderChatId === undefined ? undefined : chatOf(input.senderChatId);
    return store({
      chat,
      from,
      ...(senderChat ? { sender_chat: senderChat } : {}),
      text: input.text,
      fromBot: false,
    });
  }

  /** Queues a button press on `message` by user `fromId`; returns the query id. */
  function callbackQuery(message: StoredMessage, fromId: number, data: string): string {
    const id = String(nextQueryId++);
    callbackQueries.set(id, { answered: false });
    queueUpdate('callback_query', {
      id,
      from: { id: fromId, is_bot: false, first_name: `User ${fromId}` },
      message: apiMessage(message),
      chat_instance: `instance-${message.chat.id}`,
      data,
    });
    return id;
  }

  function checkMarkup(markup: unknown): StoredMessage['reply_markup'] {
    if (markup === undefined) return undefined;
    const keyboard = (markup as { inline_keyboard?: InlineButton[][] }).inline_keyboard;
    if (!Array.isArray(keyboard)) throw badRequest("can't parse reply keyboard markup JSON object");
    for (const button of keyboard.flat()) {
      if (!button.text) throw badRequest('text buttons are unallowed in the inline keyboard');
      const data = button.callback_data;
      if (data !== undefined && (data.length === 0 || Buffer.byteLength(data) > 64)) {
        throw badRequest('BUTTON_DATA_INVALID');
      }
    }
    return { inline_keyboard: keyboard };
  }

  /** Parses text or a caption in its parse mode and checks its length after parsing. */
  function parsed(html: unknown, parseMode: unknown, limit: number, tooLong: string): string {
    const raw = String(html ?? '');
    const text = parseMode === 'HTML' ? parseTelegramHtml(raw) : raw;
    if (text.length > limit) throw badRequest(tooLong);
    return text;
  }

  function replyTarget(chatId: number, body: Record<string, unknown>): number | undefined {
    const parameters = body.reply_parameters as {
      message_id?: number;
      allow_sending_without_reply?: boolean;
    };
    const id = parameters?.message_id ?? asNumber(body.reply_to_message_id);
    if (id === undefined) return undefined;
    if (findMessage(chatId, id)) return id;
    if (parameters?.allow_sending_without_reply) return undefined;
    throw badRequest('message to be replied not found');
  }

  function photoOf(file: UploadedFile | undefined): Pick<StoredMessage, 'photo' | 'photoBytes'> {
    if (!file) throw badRequest('there is no photo in the request');
    const isPng = file.bytes.subarray(0, 8).equals(PNG_SIGNATURE);
    const isJpeg = file.bytes[0] === 0xff && file.bytes[1] === 0xd8;
    if (!isPng && !isJpeg) throw badRequest('IMAGE_PROCESS_FAILED');
    const id = nextFileId++;
    return {
      photo: [
        {
          file_id: `photo-${id}`,
          file_unique_id: `unique-${id}`,
          width: isPng ? file.bytes.readUInt32BE(16) : 0,
          height: isPng ? file.bytes.readUInt32BE(20) : 0,
          file_size: file.bytes.length,
        },
      ],
      photoBytes: file.bytes,
    };
  }

  function editable(body: Record<string, unknown>): StoredMessage {
    const message = findMessage(body.chat_id, body.message_id);
    if (!message || !message.fromBot) throw badRequest('message to edit not found');
    return message;
  }

  const methods: Record<
    string,
    (body: Record<string, unknown>, files: Record<string, UploadedFile>, res: ServerResponse) => unknown
  > = {
    getMe: () => ({
      ...botUser,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    }),
    deleteWebhook: (body) => {
      if (body.drop_pending_updates === true || body.drop_pending_updates === 'true') queue = [];
      return true;
    },
    setMyCommands: (body) => {
      const list = body.commands as { command: string; description: string }[];
      if (!Array.isArray(list)) throw badRequest('commands must be an array');
      for (const entry of list) {
        if (!/^[a-z0-9_]{1,32}$/.test(entry.command)) throw badRequest('BOT_COMMAND_INVALID');
        if (!entry.description || entry.description.length > 256) {
          throw badRequest('command description is invalid');
        }
      }
      commands = list;
      return true;
    },
    getMyCommands: () => commands,
    getUpdates: (body, _files, res) => getUpdates(body, res),
    sendMessage: (body) => {
      const chat = targetChat(body);
      if (body.text === undefined || body.text === '') throw badRequest('message text is empty');
      const text = parsed(body.text, body.parse_mode, 4096, 'message is too long');
      const replyTo = replyTarget(chat.id, body);
      const markup = checkMarkup(body.reply_markup);
      return apiMessage(
        store({
          chat,
          from: botUser,
          text,
          html: String(body.text),
          ...(markup ? { reply_markup: markup } : {}),
          ...(replyTo === undefined ? {} : { reply_to_message_id: replyTo }),
          fromBot: true,
        }),
      );
    },
    sendPhoto: (body, files) => {
      const chat = targetChat(body);
      const photo = photoOf(files.photo);
      const caption = parsed(body.caption, body.parse_mode, 1024, 'message caption is too long');
      const replyTo = replyTarget(chat.id, body);
      const markup = checkMarkup(body.reply_markup);
      return apiMessage(
        store({
          chat,
          from: botUser,
          ...photo,
          caption,
          html: String(body.caption ?? ''),
          ...(markup ? { reply_markup: markup } : {}),
          ...(replyTo === undefined ? {} : { reply_to_message_id: replyTo }),
          fromBot: true,
        }),
      );
    },
    editMessageText: (body) => {
      const message = editable(body);
      if (message.text === undefined) throw badRequest('there is no text in the message to edit');
      const text = parsed(body.text, body.parse_mode, 4096, 'message is too long');
      const markup = checkMarkup(body.reply_markup);
      if (text === message.text && JSON.stringify(markup) === JSON.stringify(message.reply_markup)) {
        throw badRequest(
          'message is not modified: specified new message content and reply markup are exactly the same',
        );
      }
      Object.assign(message, { text, html: String(body.text), reply_markup: markup, edit_date: now() });
      message.edits += 1;
      return apiMessage(message);
    },
    editMessageMedia: (body, files) => {
      const message = editable(body);
      if (!message.photo) throw badRequest('there is no media in the message to edit');
      const media = body.media as { type?: string; media?: string; caption?: string; parse_mode?: string };
      if (typeof media !== 'object' || media.type !== 'photo') throw badRequest("can't parse InputMedia");
      const attached = media.media?.startsWith('attach://')
        ? files[media.media.slice('attach://'.length)]
        : undefined;
      if (!attached) throw badRequest('wrong file identifier/HTTP URL specified');
      const photo = photoOf(attached);
      const caption = parsed(media.caption, media.parse_mode, 1024, 'message caption is too long');
      const markup = checkMarkup(body.reply_markup);
      Object.assign(message, { ...photo, caption, html: String(media.caption ?? ''), edit_date: now() });
      message.reply_markup = markup;
      message.edits += 1;
      return apiMessage(message);
    },
    answerCallbackQuery: (body) => {
      const query = callbackQueries.get(String(body.callback_query_id));
      if (!query || query.answered) {
        throw badRequest('query is too old and response timeout expired or query ID is invalid');
      }
      if (typeof body.text === 'string' && body.text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
      query.answered = true;
      query.answer = {
        ...(typeof body.text === 'string' ? { text: body.text } : {}),
        ...(body.show_alert === undefined
          ? {}
          : { show_alert: body.show_alert === true || body.show_alert === 'true' }),
      };
      return true;
    },
  };

  async function getUpdates(body: Record<string, unknown>, res: ServerResponse): Promise<Update[]> {
    const offset = asNumber(body.offset);
    if (offset !== undefined && offset > 0) queue = queue.filter((update) => update.update_id >= offset);
    if (Array.isArray(body.allowed_updates)) {
      allowedUpdates =
        body.allowed_updates.length > 0 ? (body.allowed_updates as string[]) : DEFAULT_UPDATE_TYPES;
    }
    const timeoutS = asNumber(body.timeout) ?? 0;
    const limit = asNumber(body.limit) ?? 100;
    const deliverable = () => {
      dropped.push(...queue.filter((update) => !allowedUpdates.includes(updateType(update))));
      queue = queue.filter((update) => allowedUpdates.includes(updateType(update)));
      return queue.slice(0, limit);
    };
    pollWaiter?.conflict();
    if (deliverable().length > 0 || timeoutS <= 0 || closed) return deliverable();
    return new Promise<Update[]>((resolve, reject) => {
      const finish = (result: () => void) => {
        clearTimeout(timer);
        res.off('close', onClose);
        if (pollWaiter === waiter) pollWaiter = undefined;
        result();
      };
      const waiter = {
        wake: () => finish(() => resolve(deliverable())),
        conflict: () =>
          finish(() =>
            reject(
              new ApiError(
                409,
                'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
              ),
            ),
          ),
      };
      const onClose = () => finish(() => resolve([]));
      const timer = setTimeout(waiter.wake, timeoutS * 1000);
      res.on('close', onClose);
      pollWaiter = waiter;
    });
  }

  function send(res: ServerResponse, status: number, payload: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = url.pathname.match(/^\/bot([^/]+)\/([A-Za-z]+)$/);
    if (!route) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, requestToken, method] = route as unknown as [string, string, string];
    const call: ApiCall = { method, body: {}, files: {}, at: Date.now(), status: 0 };
    calls.push(call);
    const answer = (status: number, payload: unknown) => {
      call.status = status;
      send(res, status, payload);
      changed();
    };
    try {
      Object.assign(call, await parseRequest(req, url));
      if (requestToken !== token) throw new ApiError(401, 'Unauthorized');
      const failure = failures.get(method)?.shift();
      if (failure && 'network' in failure) {
        if (failure.network === 'lost-response') await methods[method]?.(call.body, call.files, res);
        call.status = -1;
        res.socket?.destroy();
        changed();
        return;
      }
      if (failure && 'hang' in failure) {
        if (failure.process) await methods[method]?.(call.body, call.files, res);
        hung.set(res, call);
        res.on('close', () => {
          if (hung.delete(res)) call.status = -1;
          changed();
        });
        changed();
        return;
      }
      if (failure) {
        throw failure.status === 429 && 'retryAfter' in failure
          ? new ApiError(429, `Too Many Requests: retry after ${failure.retryAfter}`, {
              retry_after: failure.retryAfter,
            })
          : new ApiError(
              failure.status,
              ('description' in failure && failure.description) || 'Internal Server Error',
            );
      }
      const handler = methods[method];
      if (!handler) throw new ApiError(404, 'Not Found: method not found');
      const result = await handler(call.body, call.files, res);
      answer(200, { ok: true, result });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(400, `Bad Request: ${String(error)}`);
      answer(apiError.code, {
        ok: false,
        error_code: apiError.code,
        description: apiError.description,
        ...(apiError.parameters ? { parameters: apiError.parameters } : {}),
      });
    }
  }

  const server = createServer((req, res) => void onRequest(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  /** Resolves with the predicate's first truthy value, checked on every call and injection. */
  function waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = predicate();
        if (value === undefined || value === null || value === false) return;
        done();
        resolve(value);
      };
      const done = () => {
        clearTimeout(timer);
        clearInterval(ticker);
        events.off('change', check);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`waitFor: nothing matched within ${timeoutMs} ms`));
      }, timeoutMs);
      const ticker = setInterval(check, 25);
      events.on('change', check);
      check();
    });
  }

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    username,
    botUser,
    calls,
    /** Updates filtered out by the bot's allowed_updates. */
    dropped,
    get commands() {
      return commands;
    },

    injectMessage(input: InjectedMessage): StoredMessage {
      const message = userMessage(input);
      queueUpdate('message', apiMessage(message));
      return message;
    },
    injectEditedMessage(input: InjectedMessage): StoredMessage {
      const message = userMessage(input);
      message.edit_date = now();
      queueUpdate('edited_message', apiMessage(message));
      return message;
    },
    injectChannelPost(input: { chatId: number; text: string }): StoredMessage {
      const chat = chatOf(input.chatId, 'channel');
      const message = store({ chat, sender_chat: chat, text: input.text, fromBot: false });
      queueUpdate('channel_post', apiMessage(message));
      return message;
    },
    /** Presses an inline button (found by its callback_data or its label) as user `fromId`; returns the query id. */
    pressButton(input: {
      chatId: number;
      fromId: number;
      messageId: number;
      data?: string;
      label?: string;
    }): string {
      const message = findMessage(input.chatId, input.messageId);
      if (!message) throw new Error(`no message ${input.messageId} in chat ${input.chatId}`);
      const button = message.reply_markup?.inline_keyboard
        .flat()
        .find((candidate) =>
          input.label === undefined ? candidate.callback_data === input.data : candidate.text === input.label,
        );
      if (!button?.callback_data) throw new Error(`message ${input.messageId} has no such button`);
      return callbackQuery(message, input.fromId, button.callback_data);
    },
    /** The answer to a button press, once answerCallbackQuery came. */
    callbackAnswer(queryId: string): CallbackAnswer | undefined {
      return callbackQueries.get(queryId)?.answer;
    },
    /** Queues any update as is, e.g. a sticker message or a service message. */
    injectUpdate(type: string, payload: Record<string, unknown>): void {
      queueUpdate(type, payload);
    },
    /** A button press with any callback_data, as a modified client can send; returns the query id. */
    forgeCallbackQuery(input: { chatId: number; fromId: number; messageId: number; data: string }): string {
      const message = findMessage(input.chatId, input.messageId);
      if (!message) throw new Error(`no message ${input.messageId} in chat ${input.chatId}`);
      return callbackQuery(message, input.fromId, input.data);
    },
    /** Whether a long poll is waiting for updates (a failure armed now hits the poll after it). */
    get pollPending(): boolean {
      return pollWaiter !== undefined;
    },
    /** Calls held open by a `hang` failure. */
    get hungCalls(): ApiCall[] {
      return [...hung.values()];
    },
    /** Drops the connections of every hung call (as a proxy timing out would); returns how many. */
    releaseHung(): number {
      const held = [...hung.keys()];
      for (const res of held) res.socket?.destroy();
      return held.length;
    },
    /** The next call(s) of `method` fail like this, in order. */
    failNext(method: string, failure: Failure): void {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    /** Forgets failures not yet used. */
    clearFailures(): void {
      failures.clear();
    },
    /** The bot's messages in a chat, in order, as they are now. */
    sent(chatId: number): StoredMessage[] {
      return (messages.get(chatId) ?? []).filter((message) => message.fromBot);
    },
    callsTo(method: string, status = 200): ApiCall[] {
      return calls.filter((call) => call.method === method && call.status === status);
    },
    waitFor,
    /** The first successful call of `method` that matches. */
    waitForCall(method: string, predicate: (call: ApiCall) => boolean = () => true, timeoutMs = 5000) {
      return waitFor(
        () => calls.find((call) => call.method === method && call.status === 200 && predicate(call)),
        timeoutMs,
      );
    },

    async close(): Promise<void> {
      closed = true;
      pollWaiter?.wake();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
