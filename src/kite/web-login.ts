/** What a Kite web login needs; the password is only ever sent to Kite. */
export interface WebLoginInput {
  userId: string;
  password: string;
  /** The 2FA code (TOTP) from the authenticator app. */
  twofaCode: string;
}

export interface WebSession {
  enctoken: string;
  userId: string;
}

/** Kite refused the login (its message as-is), or could not be reached. */
export class WebLoginError extends Error {
  override name = 'WebLoginError';
}

interface KiteEnvelope {
  status?: string;
  message?: string;
  data?: { request_id?: unknown; user_id?: unknown } | null;
}

const TIMEOUT_MS = 15_000;

/** The `name=value` pairs of Set-Cookie headers (attributes dropped). */
function cookiesOf(response: Response): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const [pair = ''] = header.split(';');
    const at = pair.indexOf('=');
    if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return cookies;
}

/** POSTs a form to Kite's web app; answers the parsed envelope and the response, or throws Kite's message. */
async function postForm(
  url: string,
  form: Record<string, string>,
  cookies: Map<string, string>,
): Promise<{ body: KiteEnvelope; response: Response }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Kite-Version': '3',
        ...(cookies.size > 0
          ? { Cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') }
          : {}),
      },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new WebLoginError(
      `Kite could not be reached at ${new URL(url).origin}: ${(error as Error).message}`,
    );
  }
  let body: KiteEnvelope;
  try {
    body = (await response.json()) as KiteEnvelope;
  } catch {
    throw new WebLoginError(`Kite answered ${url} with HTTP ${response.status} and no JSON`);
  }
  if (!response.ok || body.status !== 'success') {
    throw new WebLoginError(body.message ?? `Kite refused the login (HTTP ${response.status})`);
  }
  return { body, response };
}

/**
 * Kite's web login, as its web app does it: the user id and password to `<webRoot>/api/login`, then
 * the 2FA code to `<webRoot>/api/twofa` with the cookies the first answer set; the session is the
 * `enctoken` cookie of the second answer.
 */
export async function kiteWebLogin(webRoot: string, input: WebLoginInput): Promise<WebSession> {
  const cookies = new Map<string, string>();
  const login = await postForm(
    `${webRoot}/api/login`,
    { user_id: input.userId, password: input.password },
    cookies,
  );
  const requestId = login.body.data?.request_id;
  if (typeof requestId !== 'string' || requestId === '') {
    throw new WebLoginError('Kite accepted the password but sent no request_id for the 2FA step');
  }
  const userId = typeof login.body.data?.user_id === 'string' ? login.body.data.user_id : input.userId;
  for (const [name, value] of cookiesOf(login.response)) cookies.set(name, value);
  const twofa = await postForm(
    `${webRoot}/api/twofa`,
    { user_id: userId, request_id: requestId, twofa_value: input.twofaCode, twofa_type: 'totp' },
    cookies,
  );
  const enctoken = cookiesOf(twofa.response).get('enctoken');
  if (!enctoken) throw new WebLoginError('Kite accepted the 2FA code but set no enctoken cookie');
  return { enctoken, userId };
}
