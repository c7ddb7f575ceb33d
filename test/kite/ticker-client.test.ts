import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TickerClient, tickerUrl, type TickerCredentials } from '../../src/kite/ticker-client.ts';
import type { Tick } from '../../src/kite/types.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import { startSilentTicker, type SilentTicker } from '../fakes/silent-ticker.ts';
import { waitFor as waitUntil } from '../support/wait-for.ts';

const NIFTY = 256265;
const SENSEX = 265;
const FAST_BACKOFF = { initialMs: 50, maxMs: 200, jitter: 0.5 };

function waitFor<T>(
  client: TickerClient,
  event: 'connected' | 'disconnected' | 'ticks',
  accept: (...args: never[]) => T | undefined = () => true as T,
  timeoutMs = 8000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no matching "${event}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const listener = (...args: never[]) => {
      const result = accept(...args);
      if (result === undefined || result === false) return;
      clearTimeout(timer);
      client.off(event, listener as never);
      resolve(result);
    };
    client.on(event, listener as never);
  });
}

const tokensIn = (ticks: Tick[]) => new Set(ticks.map((tick) => tick.instrumentToken));

const until = (check: () => boolean, timeoutMs = 8000) => waitUntil(check, { timeoutMs, intervalMs: 20 });

describe('TickerClient against the simulator', () => {
  let sim: SimServer;
  let client: TickerClient | undefined;
  let credentials: TickerCredentials;

  beforeEach(async () => {
    sim = await startSimServer({ seed: 11, tickIntervalMs: 200, heartbeatMs: 200 });
    credentials = {
      kind: 'access_token',
      apiKey: sim.credentials.apiKey,
      accessToken: sim.credentials.accessToken,
    };
  });
  afterEach(async () => {
    client?.stop();
    client = undefined;
    await sim.close();
  });

  const optionTokens = () =>
    sim.market
      .instruments()
      .filter((instrument) => instrument.instrumentType === 'CE')
      .slice(0, 4)
      .map((instrument) => instrument.instrumentToken);

  it('streams full-mode ticks with OI for what is subscribed, in the requested modes', async () => {
    client = new TickerClient({
      wsRoot: sim.wsRoot,
      webWsRoot: sim.webWsRoot,
      credentials,
      backoff: FAST_BACKOFF,
    });
    const [option] = optionTokens();
    client.subscribe([NIFTY, option!], 'full');
    client.subscribe([SENSEX], 'ltp');
    client.start();
    const ticks = await waitFor(client, 'ticks', (batch: Tick[]) => (batch.length === 3 ? batch : undefined));
    const byToken = new Map(ticks.map((tick) => [tick.instrumentToken, tick]));
    expect(byToken.get(NIFTY)).toMatchObject({ mode: 'full', tradable: false });
    expect(byToken.get(NIFTY)!.lastPrice).toBeGreaterThan(10_000);
    expect(byToken.get(SENSEX)).toMatchObject({ mode: 'ltp' });
    expect(byToken.get(option!)!.mode).toBe('full');
    expect(byToken.get(option!)!.oi).toBeGreaterThan(0);
  });

  it('unsubscribe stops a token’s ticks; mode switches its packet size', async () => {
    client = new TickerClient({
      wsRoot: sim.wsRoot,
      webWsRoot: sim.webWsRoot,
      credentials,
      backoff: FAST_BACKOFF,
    });
    client.subscribe([NIFTY, SENSEX], 'full');
    client.start();
    await waitFor(client, 'ticks', (batch: Tick[]) => (tokensIn(batch).size === 2 ? true : undefined));
    client.unsubscribe([SENSEX]);
    client.setMode('quote', [NIFTY]);
    const later = await waitFor(client, 'ticks', (batch: Tick[]) =>
      batch.every((tick) => tick.mode === 'quote') ? batch : undefined,
    );
    expect([...tokensIn(later)]).toEqual([NIFTY]);
  });

  it('re-establishes a dropped connection and gets every subscription back in its mode', async () => {
    client = new TickerClient({
      wsRoot: sim.wsRoot,
      webWsRoot: sim.webWsRoot,
      credentials,
      backoff: FAST_BACKOFF,
    });
    const options = optionTokens();
    client.subscribe([NIFTY, ...options], 'full');
    client.subscribe([SENSEX], 'quote');
    client.start();
    await waitFor(client, 'connected');
    const reconnected = waitFor(client, 'connected');
    const disconnected = waitFor(client, 'disconnected', (_shard: number, reason: string) => reason);
    sim.ticker.dropConnections();
    expect(await disconnected).toMatch(/closed/);
    await reconnected;
    const ticks = await waitFor(client, 'ticks', (batch: Tick[]) =>
      batch.length === options.length + 2 ? batch : undefined,
    );
    expect(tokensIn(ticks)).toEqual(new Set([NIFTY, SENSEX, ...options]));
    expect(ticks.find((tick) => tick.instrumentToken === SENSEX)!.mode).toBe('quote');
    expect(ticks.filter((tick) => tick.mode === 'full')).toHaveLength(options.length + 1);
  });

  it('keeps retrying while the server refuses connections, and recovers when it accepts again', async () => {
    sim.ticker.refuseConnections = true;
    client = new TickerClient({
      wsRoot: sim.wsRoot,
      webWsRoot: sim.webWsRoot,
      credentials,
      backoff: FAST_BACKOFF,
    });
    client.subscribe([NIFTY], 'full');
    client.start();
    const reasons: string[] = [];
    client.on('disconnected', (_shard, reason) => reasons.push(reason));
    await until(() => reasons.length >= 3);
    expect(reasons[0]).toMatch(/503/);
    sim.ticker.refuseConnections = false;
    await waitFor(client, 'ticks');
  });

  it('wrong credentials are refused with HTTP 403 at the handshake', async () => {
    client = new TickerClient({
      wsRoot: sim.wsRoot,
      webWsRoot: sim.webWsRoot,
      credentials: { kind: 'access_token', apiKey: sim.credentials.apiKey, accessToken: 'wrong' },
      backoff: FAST_BACKOFF,
    });
    client.subscribe([NIFTY], 'full');
    client.start();
    const reason = await waitFor(client, 'disconnected', (_shard: number, why: string) => why);
    expect(reason).toMatch(/403/);
  });

  it("connects a web session (api_key=kitefront, user_id, enctoken) to the web ticker, not Kite Connect's", async () => {
    const web = { kind: 'enctoken', userId: 'SIM001', enctoken: sim.credentials.accessToken } as const;
    client = new TickerClient({
      wsRoot: sim.wsRoot,
      webWsRoot: sim.webWsRoot,
      credentials: web,
      backoff: FAST_BACKOFF,
    });
    client.subscribe([NIFTY], 'ltp');
    client.start();
    const ticks = await waitFor(client, 'ticks', (batch: Tick[]) => batch);
    expect(ticks[0]!.instrumentToken).toBe(NIFTY);
    expect(sim.ticker.handshakes).toEqual({ api: 0, web: 1 });

    client.setCredentials(credentials);
    await until(() => sim.ticker.handshakes.api === 1);
    await waitFor(client, 'ticks');
    expect(sim.ticker.handshakes).toEqual({ api: 1, web: 1 });
  });

  it("refuses an enctoken at Kite Connect's ticker root with HTTP 403", async () => {
    client = new TickerClient({
      wsRoot: sim.wsRoot,
      webWsRoot: sim.wsRoot,
      credentials: { kind: 'enctoken', userId: 'SIM001', enctoken: sim.credentials.accessToken },
      backoff: FAST_BACKOFF,
    });
    client.subscribe([NIFTY], 'ltp');
    client.start();
    const reason = await waitFor(client, 'disconnected', (_shard: number, why: string) => why);
    expect(reason).toMatch(/403/);
  });

  it('shards tokens over connections of a fixed size and refuses more than all of them hold', async () => {
    client = new TickerClient({
      wsRoot: sim.wsRoot,
      webWsRoot: sim.webWsRoot,
      credentials,
      backoff: FAST_BACKOFF,
      tokensPerConnection: 3,
      maxConnections: 2,
    });
    const tokens = sim.market
      .instruments()
      .slice(0, 6)
      .map((instrument) => instrument.instrumentToken);
    client.subscribe(tokens, 'ltp');
    expect(() => client!.subscribe([tokens[0]! + 256 * 9999], 'ltp')).toThrow(/0 slots left/);
    client.start();
    const seen = new Set<number>();
    await waitFor(client, 'ticks', (batch: Tick[]) => {
      batch.forEach((tick) => seen.add(tick.instrumentToken));
      return seen.size === 6 ? true : undefined;
    });
    expect(client.connectedCount).toBe(2);
    expect(sim.ticker.connectionCount).toBe(2);
  });
});

describe('TickerClient watchdog', () => {
  let silent: SilentTicker;
  let client: TickerClient | undefined;
  beforeEach(async () => {
    silent = await startSilentTicker();
  });
  afterEach(async () => {
    client?.stop();
    await silent.close();
  });

  it('treats a connection that sends nothing for the watchdog period as dead, never as connected, and reconnects', async () => {
    client = new TickerClient({
      wsRoot: silent.url,
      webWsRoot: silent.url,
      credentials: { kind: 'access_token', apiKey: 'k', accessToken: 't' },
      watchdogMs: 500,
      backoff: FAST_BACKOFF,
    });
    let connectedEvents = 0;
    client.on('connected', () => connectedEvents++);
    client.subscribe([NIFTY], 'full');
    client.start();
    const startedAt = Date.now();
    const reason = await waitFor(client, 'disconnected', (_shard: number, why: string) => why);
    expect(reason).toBe('no frame for 500 ms');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(450);
    await until(() => silent.connections >= 2);
    expect(connectedEvents).toBe(0);
    expect(client.connectedCount).toBe(0);
  });

  it('surfaces text frames: order updates, errors and messages', async () => {
    client = new TickerClient({
      wsRoot: silent.url,
      webWsRoot: silent.url,
      credentials: { kind: 'access_token', apiKey: 'k', accessToken: 't' },
      backoff: FAST_BACKOFF,
    });
    const orders: unknown[] = [];
    const messages: unknown[] = [];
    const errors: Error[] = [];
    client.on('order', (order) => orders.push(order));
    client.on('message', (message) => messages.push(message));
    client.on('error', (error) => errors.push(error));
    client.subscribe([NIFTY], 'full');
    client.start();
    await until(() => silent.connections >= 1);
    silent.sendText(
      JSON.stringify({ type: 'order', data: { order_id: '151220000000000', status: 'COMPLETE' } }),
    );
    silent.sendText(JSON.stringify({ type: 'error', data: 'token limit exceeded' }));
    silent.sendText('not json');
    await until(() => orders.length + messages.length + errors.length >= 4);
    expect(orders).toEqual([{ order_id: '151220000000000', status: 'COMPLETE' }]);
    expect(messages).toHaveLength(2);
    expect(errors.map((error) => error.message)).toEqual([
      'token limit exceeded',
      expect.stringMatching(/^unreadable text frame/),
    ]);
  });
});

describe('tickerUrl', () => {
  it('builds both of Kite’s URL schemes', () => {
    expect(
      tickerUrl('wss://ws.kite.trade', { kind: 'access_token', apiKey: 'key', accessToken: 'tok' }),
    ).toBe('wss://ws.kite.trade/?api_key=key&access_token=tok');
    expect(
      tickerUrl('wss://ws.zerodha.com', { kind: 'enctoken', userId: 'AB1234', enctoken: 'a+b/c==' }),
    ).toBe('wss://ws.zerodha.com/?api_key=kitefront&user_id=AB1234&enctoken=a%2Bb%2Fc%3D%3D');
  });
});
