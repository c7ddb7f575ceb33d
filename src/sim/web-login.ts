import { randomBytes } from 'node:crypto';
import type { SimCredentials } from './credentials.ts';

/** What the web login answers: Kite's JSON envelope, and the cookies it sets. */
export interface WebLoginAnswer {
  status: number;
  payload: unknown;
  cookies: string[];
}

const SESSION_COOKIE = 'kf_session';
/** A login's request id is good for one 2FA attempt within this long. */
const REQUEST_TTL_MS = 5 * 60_000;

function kiteError(status: number, message: string): WebLoginAnswer {
  return {
    status,
    payload: { status: 'error', message, data: null, error_type: 'InputException' },
    cookies: [],
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * Kite's web login as the web app does it: `POST /api/login` (user_id, password) answers a
 * request_id and sets a session cookie; `POST /api/twofa` (user_id, request_id, twofa_value,
 * twofa_type) with that cookie sets the `enctoken` cookie. Form-encoded bodies.
 */
export class SimWebLogin {
  private readonly pending = new Map<string, { userId: string; session: string; until: number }>();

  constructor(private readonly credentials: SimCredentials) {}

  login(body: URLSearchParams): WebLoginAnswer {
    const userId = body.get('user_id') ?? '';
    if (!userId || !body.get('password')) return kiteError(400, 'User ID and password are required.');
    if (userId !== this.credentials.userId || body.get('password') !== this.credentials.password) {
      return kiteError(400, 'Invalid username or password.');
    }
    const requestId = randomBytes(24).toString('base64url');
    const session = randomBytes(16).toString('hex');
    this.pending.set(requestId, { userId, session, until: Date.now() + REQUEST_TTL_MS });
    return {
      status: 200,
      payload: {
        status: 'success',
        data: {
          user_id: userId,
          request_id: requestId,
          twofa_type: 'totp',
          twofa_types: ['totp'],
          twofa_status: 'active',
          profile: { user_name: 'Simulated Trader', user_shortname: 'Sim', avatar_url: null },
        },
      },
      cookies: [`${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`],
    };
  }

  twofa(body: URLSearchParams, cookieHeader: string | undefined): WebLoginAnswer {
    const requestId = body.get('request_id') ?? '';
    const request = this.pending.get(requestId);
    const fresh =
      request !== undefined &&
      request.until > Date.now() &&
      request.userId === body.get('user_id') &&
      request.session === cookieValue(cookieHeader, SESSION_COOKIE);
    if (!fresh) return kiteError(400, 'Invalid or expired login request. Please log in again.');
    this.pending.delete(requestId);
    if (body.get('twofa_value') !== this.credentials.twofaCode) return kiteError(400, 'Invalid TOTP');
    return {
      status: 200,
      payload: { status: 'success', data: { profile: {} } },
      cookies: [`enctoken=${this.credentials.accessToken}; Path=/; Secure; SameSite=None`],
    };
  }
}
