/** The API server's plumbing shared by its routes: a request as a route sees it, JSON in and out. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request as a route sees it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  params: string[];
  query: URLSearchParams;
  pageOwner?: string;
}

/** Every route, built-in or added, has this one shape. */
export interface Route {
  method: 'GET' | 'POST';
  match(path: string): string[] | null;
  /** Served without the bearer token (the health check, the desk's files and its sign-in). */
  open?: boolean;
  serve(exchange: Exchange): Promise<void> | void;
}

const MAX_BODY_BYTES = 64 * 1024;

/** A request body the API cannot take; its message says what was expected. */
export class BadRequest extends Error {}

export const exact = (path: string) => (candidate: string) => (candidate === path ? [] : null);
export const under = (prefix: string) => (candidate: string) =>
  candidate.startsWith(prefix) ? [candidate.slice(prefix.length)] : null;

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
