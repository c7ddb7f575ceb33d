import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startApiServer, type ApiServer } from '../../src/http/api-server.ts';
import { MetricsRegistry } from '../../src/http/metrics.ts';
import { stubApiSource } from '../support/api-source.ts';

/** Orders the API took: a POST refused before its route runs leaves this empty. */
const placed: unknown[] = [];

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    source: stubApiSource(),
    metrics: new MetricsRegistry(),
    routes: [
      {
        method: 'POST',
        match: (path) => (path === '/api/place_order' ? [] : null),
        handle: ({ body }) => {
          placed.push(body);
          return { status: 200, body: { success: true } };
        },
      },
    ],
  });
});
afterAll(() => server.close());

const order = JSON.stringify({ exchange: 'NSE', strike: 25600, type: 'CE', side: 'B' });
const post = (headers: Record<string, string>, body = order) =>
  fetch(`${server.url}/api/place_order`, { method: 'POST', headers, body });

describe('a POST another web page could send', () => {
  it('refuses a form post (text/plain, or no type) with 403 and places nothing', async () => {
    const forms: Record<string, string>[] = [
      { 'Content-Type': 'text/plain' },
      {},
      { 'Content-Type': 'application/x-www-form-urlencoded' },
    ];
    for (const headers of forms) {
      const response = await post(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(((await response.json()) as { error: string }).error).toMatch(
        /needs "Content-Type: application\/json"/,
      );
    }
    expect(placed).toEqual([]);
  });

  it('refuses JSON from a foreign Origin with 403, and takes it from its own origin or none', async () => {
    const foreign = await post({ 'Content-Type': 'application/json', Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: string }).error).toContain(
      'another origin (https://evil.example)',
    );
    expect(placed).toEqual([]);

    const own = await post({ 'Content-Type': 'application/json; charset=utf-8', Origin: server.url });
    const none = await post({ 'Content-Type': 'application/json' });
    expect([own.status, none.status]).toEqual([200, 200]);
    expect(placed).toHaveLength(2);
  });
});

describe('HTTP_HOST beyond this machine', () => {
  it('refuses to start without HTTP_TOKEN, naming both settings, and starts with one', () => {
    expect(() => loadConfig({ HTTP_HOST: '0.0.0.0' })).toThrow(
      /^config: HTTP_HOST=0\.0\.0\.0 lets other machines reach the API, so HTTP_TOKEN is required/,
    );
    expect(loadConfig({ HTTP_HOST: '0.0.0.0', HTTP_TOKEN: 's3cret' }).http.host).toBe('0.0.0.0');
    for (const host of ['127.0.0.1', '127.0.1.1', 'localhost', '::1']) {
      expect(loadConfig({ HTTP_HOST: host }).http.host).toBe(host);
    }
  });
});
