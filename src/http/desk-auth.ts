import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The desk's sign-in: a correct HTTP_TOKEN earns a cookie the API accepts like the bearer header (the
 * browser's EventSource cannot send headers). The cookie holds an HMAC of the token, not the token.
 */
export const DESK_COOKIE = 'oi_desk';
const COOKIE_MAX_AGE_S = 24 * 60 * 60;

function sameBytes(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(token: string): string {
  return createHmac('sha256', token).update('oi-tracker desk session').digest('base64url');
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** Whether `given` is the token, compared in constant time. */
export function tokenMatches(given: string, token: string): boolean {
  return sameBytes(given, token);
}

export function bearerAuthorized(req: IncomingMessage, token: string): boolean {
  return sameBytes(req.headers.authorization ?? '', `Bearer ${token}`);
}

export function cookieAuthorized(req: IncomingMessage, token: string): boolean {
  const given = cookieOf(req, DESK_COOKIE);
  return given !== undefined && sameBytes(given, cookieValue(token));
}

/** Behind a reverse proxy with TLS the cookie is also marked Secure. */
function secureSuffix(req: IncomingMessage): string {
  return req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
}

export function signInCookie(req: IncomingMessage, token: string): string {
  return (
    `${DESK_COOKIE}=${cookieValue(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${COOKIE_MAX_AGE_S}` +
    secureSuffix(req)
  );
}

export function signOutCookie(req: IncomingMessage): string {
  return `${DESK_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secureSuffix(req)}`;
}

/** A request sent by a page of this API's own origin (a browser always names the origin of a POST). */
export function fromOwnOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`;
}

/** How a request proved itself: no token is set, the bearer header, or the desk's sign-in cookie; else null. */
export function requestAuthorization(
  req: IncomingMessage,
  token: string | undefined,
): 'open' | 'bearer' | 'cookie' | null {
  if (!token) return 'open';
  if (bearerAuthorized(req, token)) return 'bearer';
  return cookieAuthorized(req, token) ? 'cookie' : null;
}
