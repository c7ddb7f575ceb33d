import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginInputError, readLoginInput } from '../../src/kite/login-input.ts';
import { kiteWebLogin, WebLoginError } from '../../src/kite/web-login.ts';
import { SIM_PASSWORD, SIM_TWOFA_CODE, SIM_USER_ID } from '../../src/sim/credentials.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';

let sim: SimServer;
beforeAll(async () => {
  sim = await startSimServer({ seed: 7 });
});
afterAll(() => sim.close());

const good = { userId: SIM_USER_ID, password: SIM_PASSWORD, twofaCode: SIM_TWOFA_CODE };

describe('kiteWebLogin against the simulator', () => {
  it('posts the password to /api/login and the code to /api/twofa (form-encoded, with the first cookies) and takes the enctoken cookie', async () => {
    const before = sim.requestLog.length;
    expect(await kiteWebLogin(sim.webRoot, good)).toEqual({
      enctoken: sim.credentials.accessToken,
      userId: SIM_USER_ID,
    });
    expect(sim.requestLog.slice(before).map((entry) => `${entry.route} ${entry.status}`)).toEqual([
      'POST /api/login 200',
      'POST /api/twofa 200',
    ]);
  });

  it("throws Kite's message for a wrong password or code", async () => {
    await expect(kiteWebLogin(sim.webRoot, { ...good, password: 'wrong' })).rejects.toThrow(
      new WebLoginError('Invalid username or password.'),
    );
    await expect(kiteWebLogin(sim.webRoot, { ...good, twofaCode: '000000' })).rejects.toThrow(
      new WebLoginError('Invalid TOTP'),
    );
  });

  it('the 2FA step needs the cookies the password step set', async () => {
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const login = await fetch(
      `${sim.webRoot}/api/login`,
      form({ user_id: SIM_USER_ID, password: SIM_PASSWORD }),
    );
    const { data } = (await login.json()) as { data: { request_id: string } };
    const twofa = await fetch(
      `${sim.webRoot}/api/twofa`,
      form({
        user_id: SIM_USER_ID,
        request_id: data.request_id,
        twofa_value: SIM_TWOFA_CODE,
        twofa_type: 'totp',
      }),
    );
    expect(twofa.status).toBe(400);
    expect(twofa.headers.getSetCookie()).toEqual([]);
  });

  it('says where Kite could not be reached', async () => {
    await expect(kiteWebLogin('http://127.0.0.1:1', good)).rejects.toThrow(
      /^Kite could not be reached at http:\/\/127\.0\.0\.1:1/,
    );
  });
});

describe('readLoginInput from piped input', () => {
  const read = (text: string, defaultUserId?: string) =>
    readLoginInput({
      input: Readable.from([text]),
      output: new Writable({ write: (_chunk, _encoding, done) => done() }),
      ...(defaultUserId ? { defaultUserId } : {}),
    });

  it('reads three lines; an empty user id is KITE_USER_ID', async () => {
    expect(await read('ab1234\npass word\n123456\n')).toEqual({
      userId: 'AB1234',
      password: 'pass word',
      twofaCode: '123456',
    });
    expect(await read('\nsecret\n 654321 \n', 'ZX9876')).toMatchObject({
      userId: 'ZX9876',
      twofaCode: '654321',
    });
  });

  it('refuses missing lines and a code that is not 6 digits, without echoing the password', async () => {
    await expect(read('\nsecret\n123456\n')).rejects.toThrow(/no Zerodha user id/);
    await expect(read('AB1234\n')).rejects.toThrow(new LoginInputError('no password given; nothing changed'));
    const refused = read('AB1234\nsecret-pw\n12345\n');
    await expect(refused).rejects.toThrow(/the 2FA code must be the 6 digits/);
    await expect(refused).rejects.not.toThrow(/secret-pw/);
  });
});
