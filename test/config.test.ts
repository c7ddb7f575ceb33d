import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, readEnvironment } from '../src/config.ts';

describe('loadConfig', () => {
  it('defaults everything, and picks the simulator without Kite credentials', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      marketData: 'sim',
      kite: { apiRoot: 'https://api.kite.trade', wsRoot: 'wss://ws.kite.trade', auth: null },
      sim: { seed: 20_261_125, speed: 1, port: 0, apiKey: 'sim_api_key', accessToken: 'sim_access_token' },
      logLevel: 'info',
    });
  });

  it("keeps the simulator's cycles in their own database, plays a session by choice, and knows Kite's web roots", () => {
    const sim = loadConfig({});
    expect(sim.store.path).toBe('./data/sim.db');
    expect(sim.sim.session).toBe('auto');
    expect(sim.kite).toMatchObject({
      webRoot: 'https://kite.zerodha.com',
      webWsRoot: 'wss://ws.zerodha.com',
    });
    expect(loadConfig({ KITE_API_KEY: 'key', KITE_ACCESS_TOKEN: 'tok' }).store.path).toBe(
      './data/oi-tracker.db',
    );
    expect(loadConfig({ DB_PATH: '/var/lib/oi/x.db' }).store.path).toBe('/var/lib/oi/x.db');
    expect(loadConfig({ SIM_SESSION: 'replay' }).sim.session).toBe('replay');
    expect(() => loadConfig({ SIM_SESSION: 'yesterday' })).toThrow(
      'config: SIM_SESSION="yesterday" is invalid; expected "live" (follow the wall clock) or "replay"',
    );
    expect(loadConfig({ KITE_WEB_ROOT: 'http://127.0.0.1:9/' }).kite.webRoot).toBe('http://127.0.0.1:9');
  });

  it('picks kite when an API key and token are set, and treats empty values as unset', () => {
    const config = loadConfig({
      KITE_API_KEY: 'key',
      KITE_ACCESS_TOKEN: 'tok',
      MARKET_DATA: '',
      SIM_SPEED: ' ',
    });
    expect(config.marketData).toBe('kite');
    expect(config.kite.auth).toEqual({
      kind: 'access_token',
      apiKey: 'key',
      accessToken: 'tok',
      apiSecret: undefined,
    });
    expect(config.sim.speed).toBe(1);
  });

  it('supports an enctoken session', () => {
    const config = loadConfig({
      KITE_ENCTOKEN: 'enc',
      KITE_USER_ID: 'AB1234',
      KITE_API_ROOT: 'https://kite.zerodha.com/oms/',
    });
    expect(config.marketData).toBe('kite');
    expect(config.kite.auth).toEqual({ kind: 'enctoken', enctoken: 'enc', userId: 'AB1234' });
    expect(config.kite.apiRoot).toBe('https://kite.zerodha.com/oms');
  });

  it.each([
    [{ MARKET_DATA: 'live' }, 'config: MARKET_DATA="live" is invalid; expected "sim" or "kite"'],
    [
      { SIM_SPEED: 'fast' },
      'config: SIM_SPEED="fast" is invalid; expected a number from 0.1 to 1000 (1 = real time)',
    ],
    [
      { SIM_PORT: '70000' },
      'config: SIM_PORT="70000" is invalid; expected a port number from 0 to 65535 (0 = any free port)',
    ],
    [{ SIM_SEED: '1.5' }, 'config: SIM_SEED="1.5" is invalid; expected a whole number'],
    [
      { KITE_WS_ROOT: 'https://ws.kite.trade' },
      'config: KITE_WS_ROOT="https://ws.kite.trade" is invalid; expected a ws(s) URL',
    ],
    [
      { LOG_LEVEL: 'loud' },
      'config: LOG_LEVEL="loud" is invalid; expected one of fatal, error, warn, info, debug, trace, silent',
    ],
    [{ KITE_ENCTOKEN: 'enc' }, /^config: KITE_USER_ID is required with KITE_ENCTOKEN/],
  ])('%o is refused with one line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts MARKET_DATA=kite without credentials (the session `npm run login` stored is enough)', () => {
    const config = loadConfig({ MARKET_DATA: 'kite' });
    expect(config.marketData).toBe('kite');
    expect(config.kite.auth).toBeNull();
    expect(config.kite).toMatchObject({
      webRoot: 'https://kite.zerodha.com',
      webWsRoot: 'wss://ws.zerodha.com',
    });
  });

  it('reads a .env file, with the environment winning', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'oi-config-'));
    const file = path.join(dir, '.env');
    writeFileSync(file, '# comment\nSIM_SEED=42\nSIM_SPEED=5\n');
    const env = readEnvironment({ SIM_SPEED: '2' }, file);
    expect(loadConfig(env).sim).toMatchObject({ seed: 42, speed: 2 });
  });
});

describe('start-up with a bad setting', () => {
  it('prints one line naming the variable and exits with code 2', () => {
    const root = path.resolve(import.meta.dirname, '..');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, SIM_SPEED: 'warp', MARKET_DATA: '' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'config: SIM_SPEED="warp" is invalid; expected a number from 0.1 to 1000 (1 = real time)',
    ]);
    expect(result.stdout).toBe('');
  });
});
