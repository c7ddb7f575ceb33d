import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The desk's files: plain HTML, CSS and ES modules, served as they are (no build step, no CDN). */
export const DESK_DIR = path.resolve(import.meta.dirname, 'desk');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Only files of these kinds, directly in the desk's folder: no other path can be named. */
const FILE_NAME = /^[a-z0-9-]+\.(html|js|css|svg)$/;

/** Nothing inline, nothing from elsewhere, no framing. */
export const DESK_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

export interface DeskFile {
  contentType: string;
  body: Buffer;
}

/**
 * The file for a request path: `/` is the page, `/desk/<name>` its assets; null for anything else.
 * Read on each request, so a page edited on disk shows on the next reload.
 */
export async function deskFile(requestPath: string, dir = DESK_DIR): Promise<DeskFile | null> {
  const name = requestPath === '/' ? 'index.html' : requestPath.replace(/^\/desk\//, '');
  if (name === requestPath || !FILE_NAME.test(name)) return null;
  try {
    return { contentType: CONTENT_TYPES[path.extname(name)]!, body: await readFile(path.join(dir, name)) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
