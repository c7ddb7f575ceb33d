/**
 * The morning web login end to end: `npm run login`'s script as a process with piped input against
 * the simulator's Kite web login, then the daemon on that stored session alone (REST under /oms, the
 * web ticker), the hand-off to a running daemon, and the refusals.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/daemon.ts';
import { SIM_PASSWORD, SIM_TWOFA_CODE, SIM_USER_ID } from '../../src/sim/credentials.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import { configAgainstSim } from '../support/daemon-config.ts';
import { spawnDaemon, startDaemonProcess } from '../support/daemon-process.ts';
import { waitFor } from '../support/wait-for.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SMALL_CHAIN = { CHAINS: 'NSE:NIFTY 50:NIFTY:NFO:50', STRIKES_EACH_SIDE: '2' };
/** No Kite credentials from the environment the tests run in. */
const NO_CREDENTIALS = {
  KITE_API_KEY: '',
  KITE_API_SECRET: '',
  KITE_ACCESS_TOKEN: '',
  KITE_ENCTOKEN: '',
  KITE_USER_ID: '',
  HTTP_TOKEN: '',
};

interface LoginRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run login`'s script as a process, its three lines piped in. */
function runLogin(env: Record<string, string>, lines: string[]): Promise<LoginRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/login.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...NO_CREDENTIALS, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(lines.map((line) => `${line}\n`).join(''));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Every file under `dir` that holds `secret`, as bytes. */
function filesHolding(dir: string, secret: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => readFileSync(file).includes(secret));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run login (the Kite web login)', () => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSimServer({ seed: 31, tickIntervalMs: 250, heartbeatMs: 250 });
  });
  afterAll(() => sim.close());

  const webRoots = () => ({ KITE_WEB_ROOT: sim.webRoot, KITE_WEB_WS_ROOT: sim.webWsRoot });

  it('stores the session from piped input; the daemon with no credentials in its settings runs on it over /oms and the web ticker; the password is nowhere', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'oi-login-'));
    const dbPath = path.join(dataDir, 'oi.db');
    const login = await runLogin({ ...webRoots(), DB_PATH: dbPath }, [
      SIM_USER_ID,
      SIM_PASSWORD,
      SIM_TWOFA_CODE,
    ]);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`Kite web session for ${SIM_USER_ID} stored in ${dbPath}`);

    const requestsBefore = sim.requestLog.length;
    const daemon = await startDaemonProcess({
      env: {
        ...NO_CREDENTIALS,
        ...webRoots(),
        ...SMALL_CHAIN,
        MARKET_DATA: 'kite',
        DB_PATH: dbPath,
        MARKET_HOURS: 'always',
        REFRESH_INTERVAL_SECONDS: '1',
      },
    });
    try {
      await waitFor(
        async () => {
          const chain = (await (await fetch(`${daemon.apiUrl}/api/data/NSE`)).json()) as { status?: string };
          return chain.status === 'Live';
        },
        { timeoutMs: 20_000, intervalMs: 200, what: 'NSE to be Live on the stored web session' },
      );
    } finally {
      await daemon.stop();
    }
    const routes = sim.requestLog.slice(requestsBefore).map((entry) => entry.route);
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((route) => !/^(GET|POST|DELETE) \/oms\//.test(route))).toEqual([]);
    expect(routes).toContain('GET /oms/instruments/NFO');
    expect(sim.ticker.handshakes.api).toBe(0);
    expect(sim.ticker.handshakes.web).toBeGreaterThan(0);

    expect(daemon.output()).toContain('using the Kite session set from chat or by npm run login');
    for (const output of [login.stdout, login.stderr, daemon.output()])
      expect(output).not.toContain(SIM_PASSWORD);
    expect(filesHolding(dataDir, SIM_PASSWORD)).toEqual([]);
    expect(filesHolding(dataDir, sim.credentials.accessToken).length).toBeGreaterThan(0);
  }, 60_000);

  it('a wrong password or 2FA code exits non-zero with Kite message and changes nothing', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'oi-login-wrong-'));
    const dbPath = path.join(dataDir, 'oi.db');
    const env = { ...webRoots(), DB_PATH: dbPath };
    const [password, code] = await Promise.all([
      runLogin(env, [SIM_USER_ID, 'not-the-password', SIM_TWOFA_CODE]),
      runLogin({ ...env, KITE_USER_ID: SIM_USER_ID }, ['', SIM_PASSWORD, '000000']),
    ]);
    expect(password).toEqual({
      code: 1,
      stdout: '',
      stderr: 'npm run login: Invalid username or password.\n',
    });
    expect(code).toEqual({ code: 1, stdout: '', stderr: 'npm run login: Invalid TOTP\n' });
    expect(existsSync(dbPath)).toBe(false);
    expect(password.stderr + code.stderr).not.toContain(SIM_PASSWORD);
  }, 30_000);

  it('with no session stored or configured, MARKET_DATA=kite stops with one line saying what to do', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-login-none-')), 'oi.db');
    const daemon = spawnDaemon({
      env: { ...NO_CREDENTIALS, ...webRoots(), MARKET_DATA: 'kite', DB_PATH: dbPath, LOG_LEVEL: 'silent' },
    });
    const exit = await daemon.exited;
    expect(exit.code).toBe(2);
    expect(daemon.output().trim().split('\n')).toHaveLength(1);
    expect(daemon.output()).toMatch(/MARKET_DATA=kite needs a Kite session: run `npm run login`/);
  }, 30_000);

  it('hands the session to a running daemon (POST /api/session), which switches to /oms and the web ticker within a cycle', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-login-handoff-')), 'oi.db');
    const port = String(await freePort());
    let logs = '';
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          logs += String(chunk);
          done();
        },
      }),
    );
    const settings = { ...SMALL_CHAIN, DB_PATH: dbPath, HTTP_PORT: port, HTTP_TOKEN: 'handoff-token' };
    const daemon = await startDaemon(
      configAgainstSim(sim, { ...settings, REFRESH_INTERVAL_SECONDS: '1' }),
      logger,
    );
    try {
      const handshakes = { ...sim.ticker.handshakes };
      const loginAt = sim.requestLog.length;
      const login = await runLogin({ ...webRoots(), ...settings }, [
        SIM_USER_ID,
        SIM_PASSWORD,
        SIM_TWOFA_CODE,
      ]);
      expect(login.stderr).toBe('');
      expect(login.code).toBe(0);
      expect(login.stdout).toMatch(
        new RegExp(
          `^Kite web session for ${SIM_USER_ID} handed to the running daemon \\(pid ${process.pid}\\)`,
        ),
      );
      await waitFor(() => sim.ticker.handshakes.web > handshakes.web, {
        timeoutMs: 5000,
        what: 'the web ticker to be connected',
      });
      await waitFor(
        async () => {
          await daemon.runCycles();
          const response = await fetch(`http://127.0.0.1:${port}/api/data/NSE`, {
            headers: { Authorization: 'Bearer handoff-token' },
          });
          const chain = (await response.json()) as { status?: string };
          return chain.status === 'Live';
        },
        { timeoutMs: 5000, intervalMs: 200, what: 'NSE Live on the web session' },
      );
      const routes = sim.requestLog.slice(loginAt).map((entry) => entry.route);
      expect(routes).toEqual(
        expect.arrayContaining(['POST /api/login', 'POST /api/twofa', 'GET /oms/user/profile']),
      );
      expect(sim.ticker.connectionCount).toBe(1);
      expect(daemon.store.sessionStore().load()).toMatchObject({ kind: 'enctoken', userId: SIM_USER_ID });
      expect(logs).toContain('Kite session renewed');
      expect(logs).not.toContain(SIM_PASSWORD);
    } finally {
      await daemon.stop();
    }
  }, 60_000);
});
