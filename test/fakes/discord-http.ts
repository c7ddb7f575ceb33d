import type { IncomingMessage } from 'node:http';
import { snowflake, type StoredAttachment } from './discord-records.ts';
import type { MessageInput } from './discord-state.ts';

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: unknown;
  uploads: Map<string, StoredAttachment>;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A Discord error body: `{ message, code, errors? }`. */
export const apiError = (status: number, code: number, message: string, errors?: unknown): RestResponse => ({
  status,
  body: { message, code, ...(errors === undefined ? {} : { errors }) },
});
export const invalidForm = (problems: string[]) =>
  apiError(400, 50035, 'Invalid Form Body', {
    _errors: problems.map((message) => ({ code: 'INVALID', message })),
  });
export const unknownInteraction = () => apiError(404, 10062, 'Unknown interaction');
export const unknownMessage = () => apiError(404, 10008, 'Unknown Message');

/** A message body with its uploads, `files[n]` matched to `attachments[{id: n}]`. */
export function messageInput(request: RestRequest): MessageInput {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const listed = Array.isArray(body.attachments) ? (body.attachments as Record<string, unknown>[]) : [];
  const uploads: StoredAttachment[] = [];
  for (const [field, upload] of request.uploads) {
    const index = field.match(/^files\[(\d+)\]$/)?.[1];
    const entry = listed.find((attachment) => String(attachment.id) === index);
    uploads.push({
      ...upload,
      ...(typeof entry?.filename === 'string' ? { filename: entry.filename } : {}),
      ...(typeof entry?.description === 'string' ? { description: entry.description } : {}),
    });
  }
  return { body, uploads };
}

/** The request body: JSON, or multipart with `payload_json` and `files[n]`. */
export async function readBody(
  request: IncomingMessage,
  url: URL,
): Promise<{ body: unknown; uploads: Map<string, StoredAttachment> }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const uploads = new Map<string, StoredAttachment>();
  const type = request.headers['content-type'] ?? '';
  if (raw.length === 0) return { body: undefined, uploads };
  if (type.startsWith('application/json')) return { body: JSON.parse(raw.toString('utf8')), uploads };
  if (!type.startsWith('multipart/form-data')) return { body: raw.toString('utf8'), uploads };
  const form = await new Request(url, {
    method: request.method,
    headers: { 'content-type': type },
    body: raw,
    duplex: 'half',
  } as RequestInit).formData();
  let body: unknown;
  for (const [field, value] of form) {
    if (field === 'payload_json') body = JSON.parse(String(value));
    else if (typeof value !== 'string') {
      uploads.set(field, {
        id: snowflake(),
        filename: value.name,
        contentType: value.type || 'application/octet-stream',
        data: Buffer.from(await value.arrayBuffer()),
      });
    }
  }
  return { body, uploads };
}
