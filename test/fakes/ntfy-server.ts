import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NtfyMessage {
  topic: string;
  title: string;
  message: string;
  priority: number;
  tags: string[];
  authorization?: string;
  /** X-Sequence-ID: ntfy shows a message with a known one in place of the first. */
  sequenceId?: string;
  attachment?: { filename: string; bytes: Buffer };
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`) as ntfy does. */
function decodeHeader(value: string | undefined): string {
  if (!value) return '';
  return value.replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi, (_, b64: string) =>
    Buffer.from(b64, 'base64').toString('utf8'),
  );
}

const PRIORITIES: Record<string, number> = { min: 1, low: 2, default: 3, high: 4, max: 5, urgent: 5 };

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** An ntfy-style receiver: PUT/POST /<topic> with ntfy's headers; can answer errors on request. */
export async function startNtfyServer() {
  const messages: NtfyMessage[] = [];
  const failures: number[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const failWith = failures.shift();
    if (failWith !== undefined) {
      res.writeHead(failWith, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ code: failWith * 100, http: failWith, error: 'failure injected by the test' }),
      );
      return;
    }
    const topic = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0]!);
    if (!/^[-_A-Za-z0-9]{1,64}$/.test(topic) || (req.method !== 'PUT' && req.method !== 'POST')) {
      res.writeHead(404).end();
      return;
    }
    const filename = req.headers['filename'] as string | undefined;
    const priorityHeader = String(req.headers['priority'] ?? '3');
    const message: NtfyMessage = {
      topic,
      title: decodeHeader(req.headers['title'] as string | undefined),
      message: filename
        ? decodeHeader(req.headers['message'] as string | undefined).replaceAll('\\n', '\n')
        : body.toString('utf8'),
      priority: PRIORITIES[priorityHeader] ?? Number(priorityHeader),
      tags: decodeHeader(req.headers['tags'] as string | undefined)
        .split(',')
        .filter(Boolean),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers['x-sequence-id'] ? { sequenceId: String(req.headers['x-sequence-id']) } : {}),
      ...(filename ? { attachment: { filename, bytes: body } } : {}),
    };
    messages.push(message);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({ id: String(messages.length), event: 'message', topic, message: message.message }),
    );
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    /** The next `count` requests answer this HTTP status. */
    fail(status: number, count = 1) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    /** Forgets the failures still to answer: the server is up again. */
    recover() {
      failures.splice(0);
    },
    async waitFor(predicate: (message: NtfyMessage) => boolean, timeoutMs = 10_000): Promise<NtfyMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`ntfy: no matching message within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
