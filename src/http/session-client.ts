/** Where the running daemon's JSON API is, as its settings say (HTTP_HOST, HTTP_PORT, HTTP_TOKEN). */
export interface DaemonApi {
  host: string;
  port: number;
  token?: string;
}

/** The daemon could not take the session; the message says why and what to do. */
export class SessionHandOffError extends Error {
  override name = 'SessionHandOffError';
}

const TIMEOUT_MS = 30_000;

/** The URL to reach an API listening on `host` (a wildcard address is reached on loopback). */
export function daemonApiUrl(api: DaemonApi): string {
  const host = api.host === '0.0.0.0' ? '127.0.0.1' : api.host === '::' ? '::1' : api.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${api.port}`;
}

/** Hands a Kite web session to the running daemon (POST /api/session); answers Kite's user id. */
export async function handSessionToDaemon(
  api: DaemonApi,
  session: { enctoken: string; userId: string },
): Promise<string> {
  if (!api.token) {
    throw new SessionHandOffError(
      'set HTTP_TOKEN (the same value for the daemon and here) so the session can be handed to it; nothing changed',
    );
  }
  if (api.port === 0) {
    throw new SessionHandOffError(
      'HTTP_PORT is 0 (any free port), so the daemon cannot be found; set a fixed port',
    );
  }
  const url = `${daemonApiUrl(api)}/api/session`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${api.token}` },
      body: JSON.stringify({ enctoken: session.enctoken, user_id: session.userId }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new SessionHandOffError(`the daemon's API at ${url} did not answer: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => ({}))) as {
    user_id?: string;
    message?: string;
    error?: string;
  };
  if (!response.ok) {
    throw new SessionHandOffError(
      `the daemon refused the session (HTTP ${response.status}): ${body.message ?? body.error ?? 'no reason given'}`,
    );
  }
  return body.user_id ?? session.userId;
}
