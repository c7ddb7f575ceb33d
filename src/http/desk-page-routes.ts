import { requestAuthorization, signInCookie, signOutCookie, tokenMatches } from './desk-auth.ts';
import { DESK_SECURITY_HEADERS, deskFile } from './desk-static.ts';
import { BadRequest, exact, readJsonBody, sendJson, type Route } from './http-exchange.ts';

/** `/` (the desk) and `/desk/<file>`, open to anyone: the page holds no data and asks for sign-in itself. */
export function deskFileRoute(): Route {
  const serve: Route['serve'] = async ({ res, path }) => {
    const file = await deskFile(path);
    if (!file) return sendJson(res, 404, { error: `no desk file ${path}` });
    res.writeHead(200, {
      ...DESK_SECURITY_HEADERS,
      'Content-Type': file.contentType,
      'Content-Length': file.body.length,
      'Cache-Control': 'no-cache',
    });
    res.end(file.body);
  };
  return {
    method: 'GET',
    match: (path) => (path === '/' || path.startsWith('/desk/') ? [] : null),
    open: true,
    serve,
  };
}

/**
 * The desk's sign-in: GET /api/auth says whether a token is needed and whether this browser has signed in;
 * POST /api/auth {"token": "…"} checks it and sets the cookie; POST /api/auth/sign-out clears it.
 */
export function deskAuthRoutes(token: string | undefined): Route[] {
  const state: Route['serve'] = ({ req, res }) =>
    sendJson(res, 200, {
      token_required: Boolean(token),
      signed_in: requestAuthorization(req, token) !== null,
    });
  const signIn: Route['serve'] = async ({ req, res }) => {
    if (!token)
      return sendJson(res, 200, { success: true, message: 'no token is needed (HTTP_TOKEN is not set)' });
    let given: unknown;
    try {
      given = ((await readJsonBody(req)) as { token?: unknown } | null)?.token;
    } catch (error) {
      if (error instanceof BadRequest) return sendJson(res, 400, { success: false, message: error.message });
      throw error;
    }
    if (typeof given !== 'string' || !tokenMatches(given, token)) {
      return sendJson(res, 401, { success: false, message: 'wrong token: use the value of HTTP_TOKEN' });
    }
    res.setHeader('Set-Cookie', signInCookie(req, token));
    sendJson(res, 200, { success: true, message: 'signed in' });
  };
  const signOut: Route['serve'] = ({ req, res }) => {
    res.setHeader('Set-Cookie', signOutCookie(req));
    sendJson(res, 200, { success: true, message: 'signed out' });
  };
  return [
    { method: 'GET', match: exact('/api/auth'), open: true, serve: state },
    { method: 'POST', match: exact('/api/auth'), open: true, serve: signIn },
    { method: 'POST', match: exact('/api/auth/sign-out'), open: true, serve: signOut },
  ];
}
