import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { startApiServer, type ApiServer, type SessionSwitch } from '../../src/http/api-server.ts';
import { MetricsRegistry } from '../../src/http/metrics.ts';
import { stubApiSource } from '../support/api-source.ts';

/** A session port that records what it was handed and refuses one enctoken as Kite would. */
function recordingSession(): SessionSwitch & { handed: string[] } {
  const handed: string[] = [];
  return {
    handed,
    useEnctoken: async (enctoken) => {
      handed.push(enctoken);
      if (enctoken === 'RefusedByKite1') throw new UserError('Kite refused that session; nothing changed.');
      return 'AB1234';
    },
  };
}

describe('POST /api/session', () => {
  let server: ApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (token: string | undefined, session: SessionSwitch) => {
    server = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      ...(token ? { token } : {}),
      source: stubApiSource(),
      metrics: new MetricsRegistry(),
      session,
    });
    return (body: unknown, bearer = token) =>
      fetch(`${server!.url}/api/session`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as unknown }));
  };

  it('is refused when the API has no HTTP_TOKEN: anyone on the machine could swap the session', async () => {
    const session = recordingSession();
    const post = await start(undefined, session);
    const answer = await post({ enctoken: 'Kx9enctokenvalue', user_id: 'AB1234' });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      success: false,
      message: "POST /api/session needs HTTP_TOKEN: set it in the daemon's settings and restart it",
    });
    expect(session.handed).toEqual([]);
  });

  it('needs the bearer token, validates the body strictly and applies a good session', async () => {
    const session = recordingSession();
    const post = await start('s3cret-token', session);
    expect((await post({ enctoken: 'Kx9enctokenvalue', user_id: 'AB1234' }, 'wrong')).status).toBe(401);
    const refusals: [unknown, RegExp][] = [
      ['not json', /^body is not valid JSON$/],
      [[], /^expected a JSON object/],
      [{ user_id: 'AB1234' }, /^no enctoken; expected/],
      [{ enctoken: 'Kx9enctokenvalue' }, /^user_id must be a Kite user id/],
      [{ enctoken: 'Kx9enctokenvalue', user_id: 'AB 12' }, /^user_id must be a Kite user id/],
      [{ enctoken: 'Kx9enctokenvalue', user_id: 'AB1234', password: 'x' }, /^unexpected field "password"/],
    ];
    for (const [body, message] of refusals) {
      const answer = (await post(body)) as { status: number; body: { success: boolean; message: string } };
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.success).toBe(false);
      expect(answer.body.message).toMatch(message);
    }
    expect(session.handed).toEqual([]);

    const refused = await post({ enctoken: 'RefusedByKite1', user_id: 'AB1234' });
    expect(refused).toEqual({
      status: 400,
      body: { success: false, message: 'Kite refused that session; nothing changed.' },
    });
    const applied = await post({ enctoken: 'Kx9enctokenvalue', user_id: 'AB1234' });
    expect(applied).toEqual({ status: 200, body: { success: true, user_id: 'AB1234' } });
    expect(JSON.stringify(applied.body)).not.toContain('Kx9enctokenvalue');
  });
});
