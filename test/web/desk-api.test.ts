import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChainSpecs, DEFAULT_CHAINS } from '../../src/chain-specs.ts';
import { startApiServer, type ApiRoute, type ApiServer } from '../../src/http/api-server.ts';
import type { DeskSource } from '../../src/http/desk-routes.ts';
import { DESK_DIR } from '../../src/http/desk-static.ts';
import { MetricsRegistry } from '../../src/http/metrics.ts';
import { istWallClock } from '../../src/util/ist.ts';
import { stubApiSource } from '../support/api-source.ts';
import { spawnDaemon } from '../support/daemon-process.ts';

const TOKEN = 'desk-test-token';
const NOW = istWallClock('2026-12-02', '11:00');

/** The owners the fake order route was called with (undefined: the request did not come from the page). */
const pageOwners: (string | undefined)[] = [];
const orderRoute: ApiRoute = {
  method: 'POST',
  match: (p) => (p === '/api/place_order' ? [] : null),
  handle: ({ pageOwner }) => {
    pageOwners.push(pageOwner);
    return { status: 200, body: { success: true } };
  },
};
const straddleRoute: ApiRoute = {
  method: 'GET',
  match: (p) => (p.startsWith('/api/straddle/') ? [] : null),
  handle: () => ({ status: 200, body: { entries: [] } }),
};

const desk: DeskSource = {
  chains: () => parseChainSpecs(DEFAULT_CHAINS)!,
  pcrHistory: (chainId, sinceMs) =>
    chainId === 'NSE'
      ? [
          { time: sinceMs - 60_000, pcr: 9 },
          { time: istWallClock('2026-12-02', '09:15'), pcr: null },
          { time: istWallClock('2026-12-02', '09:16'), pcr: 0.98765 },
          { time: istWallClock('2026-12-02', '09:17'), pcr: 1.0049 },
        ].filter((point) => point.time >= sinceMs)
      : [],
  lotSize: (chainId) => (chainId === 'NSE' ? 75 : null),
  now: () => NOW,
  orders: { defaultQty: 150, maxQtyLots: 40, autoExitPoints: 12.5, webOwner: 'desk-book' },
};

function server(token: string | undefined, routes: ApiRoute[] = [orderRoute]): Promise<ApiServer> {
  return startApiServer({
    host: '127.0.0.1',
    port: 0,
    token,
    webOwner: 'desk-book',
    desk,
    source: stubApiSource({ chains: () => desk.chains() }),
    metrics: new MetricsRegistry(),
    routes,
  });
}

let open: ApiServer;
let guarded: ApiServer;
beforeAll(async () => {
  [open, guarded] = await Promise.all([server(undefined, [orderRoute, straddleRoute]), server(TOKEN)]);
});
afterAll(async () => {
  await Promise.all([open.close(), guarded.close()]);
});

const json = { 'Content-Type': 'application/json' };
const order = JSON.stringify({ exchange: 'NSE', strike: 25600, type: 'CE', side: 'B', owner: 'telegram:1' });

describe('the desk’s files', () => {
  it('serves the page and its modules with their types and a CSP without inline script, to anyone', async () => {
    for (const base of [open.url, guarded.url]) {
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      const script = await fetch(`${base}/desk/desk.js`);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect((await fetch(`${base}/desk/desk.css`)).headers.get('content-type')).toBe(
        'text/css; charset=utf-8',
      );
    }
  });

  it('names no other file and nothing from another host', async () => {
    for (const p of ['/desk/nope.js', '/desk/%2e%2e%2fpackage.json', '/desk/..%2f..%2fpackage.json']) {
      expect((await fetch(`${open.url}${p}`)).status, p).toBe(404);
    }
    for (const name of ['index.html', 'desk.css', 'desk.js', 'chain-view.js', 'charts.js']) {
      const text = readFileSync(path.join(DESK_DIR, name), 'utf8');
      expect(text, name).not.toMatch(/https?:\/\//);
    }
    const html = readFileSync(path.join(DESK_DIR, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\son[a-z]+=|\sstyle=/);
  });
});

describe('signing in with HTTP_TOKEN', () => {
  it('every data route answers 401 until a correct token sets an HttpOnly, SameSite=Strict cookie', async () => {
    for (const route of ['/api/defaults', '/api/pcr/NSE', '/api/data', '/api/events', '/api/positions']) {
      expect((await fetch(`${guarded.url}${route}`)).status, route).toBe(401);
    }
    expect(await (await fetch(`${guarded.url}/api/auth`)).json()).toEqual({
      token_required: true,
      signed_in: false,
    });
    const signIn = (token: string) =>
      fetch(`${guarded.url}/api/auth`, { method: 'POST', headers: json, body: JSON.stringify({ token }) });
    const wrong = await signIn('nope');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(((await wrong.json()) as { message: string }).message).toMatch(/wrong token/);

    const right = await signIn(TOKEN);
    expect(right.status).toBe(200);
    const setCookie = right.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^oi_desk=[\w-]+; HttpOnly; SameSite=Strict; Path=\//);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;
    expect((await fetch(`${guarded.url}/api/defaults`, { headers: { cookie } })).status).toBe(200);
    expect(await (await fetch(`${guarded.url}/api/auth`, { headers: { cookie } })).json()).toMatchObject({
      signed_in: true,
    });
    expect((await fetch(`${guarded.url}/api/defaults`, { headers: { cookie: `${cookie}x` } })).status).toBe(
      401,
    );
    const out = await fetch(`${guarded.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { ...json, cookie },
    });
    expect(out.headers.get('set-cookie')).toMatch(/^oi_desk=; .*Max-Age=0/);
  });

  it('a sign-in from another web page is refused like any cross-site POST', async () => {
    const response = await fetch(`${guarded.url}/api/auth`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});

describe('orders from the page go into WEB_OWNER’s book', () => {
  it('a cookie or the page’s own origin makes the owner WEB_OWNER; the bearer alone keeps the body’s', async () => {
    pageOwners.length = 0;
    const signed = await fetch(`${guarded.url}/api/auth`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token: TOKEN }),
    });
    const cookie = signed.headers.get('set-cookie')!.split(';')[0]!;
    const post = (base: string, headers: Record<string, string>) =>
      fetch(`${base}/api/place_order`, { method: 'POST', headers: { ...json, ...headers }, body: order });
    expect((await post(guarded.url, { cookie })).status).toBe(200);
    expect((await post(guarded.url, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await post(open.url, { Origin: open.url })).status).toBe(200);
    expect((await post(open.url, {})).status).toBe(200);
    expect(pageOwners).toEqual(['desk-book', undefined, 'desk-book', undefined]);
  });
});

describe('the desk’s data routes', () => {
  it('GET /api/pcr/:chain: today’s PCR at each stored cycle, IST times, 2 decimals; unknown chain 404', async () => {
    expect(await (await fetch(`${open.url}/api/pcr/nifty`)).json()).toEqual({
      exchange: 'NSE',
      points: [
        { time: '2026-12-02T09:16:00+05:30', pcr: 0.99 },
        { time: '2026-12-02T09:17:00+05:30', pcr: 1 },
      ],
    });
    const unknown = await fetch(`${open.url}/api/pcr/XYZ`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown chain "XYZ"; tracked chains: NSE, BSE' });
  });

  it('GET /api/defaults: lots, target and stop, lot sizes, WEB_OWNER and the straddle chart when served', async () => {
    expect(await (await fetch(`${open.url}/api/defaults`)).json()).toEqual({
      web_owner: 'desk-book',
      max_qty_lots: 40,
      tp_points: 12.5,
      sl_points: 12.5,
      chains: { NSE: { lot_size: 75, default_lots: 2 }, BSE: { lot_size: null, default_lots: 1 } },
      charts: { straddle: true },
    });
    const cookie = (
      await fetch(`${guarded.url}/api/auth`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ token: TOKEN }),
      })
    ).headers
      .get('set-cookie')!
      .split(';')[0]!;
    const withoutStraddle = await (
      await fetch(`${guarded.url}/api/defaults`, { headers: { cookie } })
    ).json();
    expect(withoutStraddle).toMatchObject({ charts: { straddle: false } });
  });
});

describe('HTTP_HOST beyond this machine, as a process', () => {
  it('exits 2 with one line naming HTTP_HOST and HTTP_TOKEN without a token', async () => {
    const refused = spawnDaemon({
      env: { HTTP_HOST: '0.0.0.0', HTTP_TOKEN: '', DB_PATH: '/nonexistent/x.db' },
    });
    expect((await refused.exited).code).toBe(2);
    const lines = refused.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config: HTTP_HOST=0\.0\.0\.0 .*HTTP_TOKEN is required/);
  }, 20_000);

  it('starts with a token, and answers 401 without it', async () => {
    const daemon = spawnDaemon({
      env: {
        HTTP_HOST: '0.0.0.0',
        HTTP_TOKEN: 'a-long-secret',
        DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'oi-open-host-')), 'oi.db'),
      },
    });
    try {
      const [, port] = await daemon.waitForOutput(
        /"url":"http:\/\/0\.0\.0\.0:(\d+)","msg":"JSON API listening"/,
        30_000,
      );
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).not.toBe(401);
      expect((await fetch(`${base}/api/data`)).status).toBe(401);
      const signedIn = await fetch(`${base}/api/data`, {
        headers: { Authorization: 'Bearer a-long-secret' },
      });
      expect(signedIn.status).toBe(200);
    } finally {
      await daemon.stop();
    }
  }, 40_000);
});
