import { createHash } from 'node:crypto';
import { KiteConnect } from 'kiteconnect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionExpiredError } from '../../src/errors.ts';
import { InstrumentCatalogue } from '../../src/kite/instrument-catalogue.ts';
import { KiteRestClient } from '../../src/kite/rest-client.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';

let sim: SimServer;
beforeAll(async () => {
  sim = await startSimServer({ seed: 3 });
});
afterAll(() => sim.close());

const official = () =>
  new KiteConnect({
    api_key: sim.credentials.apiKey,
    access_token: sim.credentials.accessToken,
    root: sim.apiRoot,
  });
const ours = (accessToken = sim.credentials.accessToken) =>
  new KiteRestClient({
    apiRoot: sim.apiRoot,
    webRoot: sim.webRoot,
    credentials: { kind: 'access_token', apiKey: sim.credentials.apiKey, accessToken },
    backoff: { initialMs: 250, maxMs: 1000, jitter: 0.5 },
  });

describe('the official kiteconnect client against the simulator', () => {
  it('parses the instruments CSV: tokens, lot sizes, expiries', async () => {
    const rows = (await official().getInstruments('NFO' as never)) as unknown as Record<string, unknown>[];
    const options = rows.filter((row) => row.name === 'NIFTY');
    expect(options.length).toBeGreaterThan(100);
    for (const row of options.slice(0, 50)) {
      expect(row.segment).toBe('NFO-OPT');
      expect(row.lot_size).toBe(75);
      expect(row.expiry).toBeInstanceOf(Date);
      expect(Number(row.instrument_token) & 0xff).toBe(2);
      expect(Number(row.instrument_token)).toBe(Number(row.exchange_token) * 256 + 2);
    }
  });

  it('gets minute candles with OI as the 7th element', async () => {
    const kite = official();
    const now = sim.now();
    const [option] = sim.market.instruments().filter((i) => i.instrumentType === 'PE');
    const candles = (await kite.getHistoricalData(
      option!.instrumentToken,
      'minute',
      new Date(now - 40 * 60_000),
      new Date(now),
      false,
      true,
    )) as unknown as { date: Date; oi?: number; close: number }[];
    expect(candles.length).toBeGreaterThanOrEqual(30);
    expect(candles.every((candle) => (candle.oi ?? 0) > 0)).toBe(true);
    expect(candles[1]!.date.getTime() - candles[0]!.date.getTime()).toBe(60_000);
  });

  it('creates a session only with the right sha256 checksum', async () => {
    const kite = new KiteConnect({ api_key: sim.credentials.apiKey, root: sim.apiRoot });
    const session = await kite.generateSession('request123', sim.credentials.apiSecret);
    expect(session.access_token).toBe(sim.credentials.accessToken);
    await expect(kite.generateSession('request123', 'wrong secret')).rejects.toMatchObject({
      error_type: 'TokenException',
    });
    const checksum = createHash('sha256').update(
      `${sim.credentials.apiKey}request123${sim.credentials.apiSecret}`,
    );
    expect(checksum.digest('hex')).toHaveLength(64);
  });

  it('a wrong access token gets Kite’s 403 TokenException envelope', async () => {
    const kite = new KiteConnect({
      api_key: sim.credentials.apiKey,
      access_token: 'stale',
      root: sim.apiRoot,
    });
    await expect(kite.getProfile()).rejects.toMatchObject({
      error_type: 'TokenException',
      message: 'Incorrect `api_key` or `access_token`.',
    });
  });
});

describe('KiteRestClient', () => {
  it('loads instruments into a catalogue with the nearest expiry and a strike ladder', async () => {
    const rows = [...(await ours().instruments('NSE')), ...(await ours().instruments('NFO'))];
    const catalogue = new InstrumentCatalogue(rows);
    expect(catalogue.index('NIFTY 50')?.instrumentToken).toBe(256265);
    const series = { name: 'NIFTY', exchange: 'NFO' };
    const expiry = catalogue.nearestExpiry(series, sim.now())!;
    const chain = catalogue.chain(series, expiry)!;
    expect(chain).toMatchObject({ strikeStep: 50, lotSize: 75, tickSize: 0.05 });
    const strike = chain.strikes[10]!;
    const call = catalogue.option(series, expiry, strike, 'CE')!;
    expect(catalogue.byInstrumentToken(call.instrumentToken)).toBe(call);
    expect(catalogue.byTradingsymbol(call.tradingsymbol)).toBe(call);
    expect(catalogue.byTradingsymbol(`NFO:${call.tradingsymbol.toLowerCase()}`)).toBe(call);
  });

  it('historical candles carry OI and use IST wall-clock from/to whatever the machine’s zone', async () => {
    const now = sim.now();
    const [option] = sim.market.instruments().filter((i) => i.instrumentType === 'CE');
    const candles = await ours().historicalMinutes(option!.instrumentToken, now - 10 * 60_000, now);
    expect(candles.length).toBeGreaterThanOrEqual(9);
    expect(candles.length).toBeLessThanOrEqual(11);
    const last = candles.at(-1)!;
    expect(now - last.time).toBeLessThan(3 * 60_000);
    expect(last.oi).toBe(sim.market.candles(option!.instrumentToken, last.time, last.time)[0]!.oi);
  });

  it('never starts more than 3 historical calls in any second', async () => {
    const own = await startSimServer({ seed: 3 });
    try {
      const client = new KiteRestClient({
        apiRoot: own.apiRoot,
        webRoot: own.webRoot,
        credentials: {
          kind: 'access_token',
          apiKey: own.credentials.apiKey,
          accessToken: own.credentials.accessToken,
        },
      });
      const token = own.market.instruments().find((i) => i.instrumentType === 'CE')!.instrumentToken;
      const now = own.now();
      await Promise.all(
        Array.from({ length: 10 }, () => client.historicalMinutes(token, now - 5 * 60_000, now)),
      );
      const calls = own.requestLog.filter((entry) => entry.route.includes('/historical/'));
      expect(calls.map((entry) => entry.status)).toEqual(Array(10).fill(200));
      for (const call of calls) {
        const inWindow = calls.filter((other) => other.at >= call.at && other.at - call.at < 1000);
        expect(inWindow.length).toBeLessThanOrEqual(3);
      }
    } finally {
      await own.close();
    }
  });

  it('retries a 429 with backoff and then succeeds', async () => {
    const client = ours();
    // The official client, unthrottled, uses up the quote budget (1/s) first.
    await official().getLTP(['NSE:NIFTY 50']);
    const before = sim.requestLog.length;
    const prices = await client.ltp(['NSE:NIFTY 50', 'BSE:SENSEX']);
    expect(prices.get('NSE:NIFTY 50')).toBeGreaterThan(10_000);
    expect(prices.get('BSE:SENSEX')).toBeGreaterThan(50_000);
    const statuses = sim.requestLog.slice(before).map((entry) => entry.status);
    expect(statuses[0]).toBe(429);
    expect(statuses.at(-1)).toBe(200);
  });

  it('turns 403 TokenException into SessionExpiredError without retrying', async () => {
    const before = sim.requestLog.length;
    await expect(ours('expired').profile()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(sim.requestLog.length - before).toBe(1);
  });

  it('sends a web session to `<webRoot>/oms` with `Authorization: enctoken …`, an API-key session to apiRoot', async () => {
    const roots = { apiRoot: sim.apiRoot, webRoot: sim.webRoot };
    const client = new KiteRestClient({
      ...roots,
      credentials: { kind: 'enctoken', enctoken: sim.credentials.accessToken },
    });
    const before = sim.requestLog.length;
    expect((await client.profile()).user_id).toBe(sim.credentials.userId);
    client.setCredentials({
      kind: 'access_token',
      apiKey: sim.credentials.apiKey,
      accessToken: sim.credentials.accessToken,
    });
    expect((await client.profile()).user_id).toBe(sim.credentials.userId);
    expect(sim.requestLog.slice(before).map((entry) => `${entry.route} ${entry.status}`)).toEqual([
      'GET /oms/user/profile 200',
      'GET /user/profile 200',
    ]);
    const stale = new KiteRestClient({ ...roots, credentials: { kind: 'enctoken', enctoken: 'stale' } });
    await expect(stale.profile()).rejects.toBeInstanceOf(SessionExpiredError);
  });

  it('the simulator, as Kite, refuses an enctoken at the Kite Connect root and an access token under /oms', async () => {
    const token = sim.credentials.accessToken;
    const enctokenAtApi = await fetch(`${sim.apiRoot}/user/profile`, {
      headers: { Authorization: `enctoken ${token}` },
    });
    const accessTokenAtWeb = await fetch(`${sim.webRoot}/oms/user/profile`, {
      headers: { Authorization: `token ${sim.credentials.apiKey}:${token}` },
    });
    expect([enctokenAtApi.status, accessTokenAtWeb.status]).toEqual([403, 403]);
    expect(await enctokenAtApi.json()).toMatchObject({ status: 'error', error_type: 'TokenException' });
  });

  it('fetches full quotes with OI', async () => {
    const instruments = sim.market
      .instruments()
      .filter((i) => i.instrumentType === 'PE')
      .slice(0, 3);
    const quotes = await ours().quote(instruments.map((i) => `${i.exchange}:${i.tradingsymbol}`));
    expect(quotes.size).toBe(3);
    for (const quote of quotes.values()) expect(quote.oi).toBeGreaterThan(0);
  });
});
