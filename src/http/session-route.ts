import { UserError } from '../errors.ts';
import { BadRequest, exact, readJsonBody, sendJson, type Route } from './http-exchange.ts';

const SESSION_BODY =
  'expected a JSON object {"enctoken": "<the enctoken cookie>", "user_id": "<Kite user id>"}';
const USER_ID = /^[A-Za-z0-9]{2,16}$/;

/** The Kite session in use, as POST /api/session switches it (the same path /enctoken takes). */
export interface SessionSwitch {
  /** Checks the web session with Kite, stores it and switches market data to it; answers Kite's user id. */
  useEnctoken(enctoken: string): Promise<string>;
}

/** The enctoken of a POST /api/session body, or BadRequest with what was expected. */
function sessionBody(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest(SESSION_BODY);
  const { enctoken, user_id: userId, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new BadRequest(`unexpected field "${extra[0]}"; ${SESSION_BODY}`);
  if (typeof enctoken !== 'string' || enctoken === '') throw new BadRequest(`no enctoken; ${SESSION_BODY}`);
  if (typeof userId !== 'string' || !USER_ID.test(userId)) {
    throw new BadRequest(
      `user_id must be a Kite user id (letters and digits, e.g. "AB1234"); ${SESSION_BODY}`,
    );
  }
  return enctoken;
}

/**
 * POST /api/session: a Kite web session from `npm run login`, applied as /enctoken applies one. Refused
 * when the API has no token. The enctoken is never echoed or logged.
 */
export function sessionRoute(session: SessionSwitch, token: string | undefined): Route {
  const serve: Route['serve'] = async ({ req, res }) => {
    if (!token) {
      return sendJson(res, 403, {
        success: false,
        message: "POST /api/session needs HTTP_TOKEN: set it in the daemon's settings and restart it",
      });
    }
    let enctoken: string;
    try {
      enctoken = sessionBody(await readJsonBody(req));
    } catch (error) {
      if (error instanceof BadRequest) return sendJson(res, 400, { success: false, message: error.message });
      throw error;
    }
    try {
      const userId = await session.useEnctoken(enctoken);
      sendJson(res, 200, { success: true, user_id: userId });
    } catch (error) {
      if (error instanceof UserError) return sendJson(res, 400, { success: false, message: error.message });
      throw error;
    }
  };
  return { method: 'POST', match: exact('/api/session'), serve };
}
