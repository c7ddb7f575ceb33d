import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainJson } from '../../src/http/chain-json.ts';
import type { PositionJson } from '../../src/paper/position.ts';
import { PALETTE, rgbOf } from '../../src/render/colors.ts';
import { startDaemonProcess, type DaemonProcess } from '../support/daemon-process.ts';
import { waitFor } from '../support/wait-for.ts';
import { CHROMIUM, collectEvents, expectedPanel, readPanel, type DomNode } from './desk-page.ts';

/** The desk in a real browser (Debian's chromium) against the daemon on the simulator, with HTTP_TOKEN. */

const TOKEN = 'desk-browser-token';
const BEARER = { authorization: `Bearer ${TOKEN}` };
const ARTIFACTS = path.resolve(import.meta.dirname, '../../out/test-artifacts');
const CHAINS = ['NSE', 'BSE'];

type Book = Record<string, { open_positions: PositionJson[]; closed_positions_today: PositionJson[] }>;

let daemon: DaemonProcess & { apiUrl: string };
let browser: Browser;
let desk: BrowserContext;
let page: Page;
let events: ReturnType<typeof collectEvents>;
/** Every /api/data answer the page read. */
const pageReads: Record<string, ChainJson>[] = [];
const browserErrors: { text: string; url: string }[] = [];

const api = async <T>(route: string): Promise<T> =>
  (await (await fetch(`${daemon.apiUrl}${route}`, { headers: BEARER })).json()) as T;

const rgb = (hex: string) => `rgb(${rgbOf(hex).join(', ')})`;

async function signIn(target: Page, token: string): Promise<void> {
  await target.locator('#token').fill(token);
  await target.locator('#sign-in-form button[type=submit]').click();
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [daemon, browser] = await Promise.all([
    startDaemonProcess({
      env: {
        DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'oi-desk-')), 'oi.db'),
        HTTP_TOKEN: TOKEN,
        REFRESH_INTERVAL_SECONDS: '5',
        SQUARE_OFF_TIME: '',
      },
    }),
    chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }),
  ]);
  events = collectEvents(`${daemon.apiUrl}/api/events`, BEARER);
  await waitFor(
    async () => {
      const data = await api<Record<string, ChainJson | null>>('/api/data');
      return CHAINS.every((id) => {
        const rows = [...(data[id]?.call_options ?? []), ...(data[id]?.put_options ?? [])];
        return data[id]?.status === 'Live' && rows.length === 22 && rows.every((row) => row.ltp !== null);
      });
    },
    { timeoutMs: 45_000, intervalMs: 250, what: 'both chains Live with a price on every row' },
  );
}, 90_000);

afterAll(async () => {
  await events?.close();
  await browser?.close();
  await daemon?.stop();
});

describe('the desk with HTTP_TOKEN', () => {
  it('asks for the token before showing anything, and the API answers 401 without it', async () => {
    for (const route of [
      '/api/data',
      '/api/data/NSE',
      '/api/events',
      '/api/positions',
      '/api/defaults',
      '/api/pcr/NSE',
    ]) {
      expect((await fetch(`${daemon.apiUrl}${route}`)).status, route).toBe(401);
    }
    const order = await fetch(`${daemon.apiUrl}/api/place_order`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ exchange: 'NSE', strike: 25_000, type: 'CE', side: 'B' }),
    });
    expect(order.status).toBe(401);

    const stranger = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const first = await stranger.newPage();
    await first.goto(daemon.apiUrl);
    await first.locator('#sign-in').waitFor({ state: 'visible' });
    expect(await first.locator('#desk').isHidden()).toBe(true);
    await signIn(first, 'not-the-token');
    await expect.poll(() => first.locator('#sign-in-error').textContent()).toMatch(/wrong token/);
    await signIn(first, TOKEN);
    await first.locator('.chain-table tbody tr').first().waitFor();
    const [cookie] = await stranger.cookies();
    expect(cookie).toMatchObject({ name: 'oi_desk', httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(TOKEN);
    await stranger.close();
  }, 30_000);
});

describe('the desk', () => {
  beforeAll(async () => {
    desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    desk.setDefaultTimeout(10_000);
    page = await desk.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error')
        browserErrors.push({ text: message.text(), url: message.location().url });
    });
    page.on('pageerror', (error) => browserErrors.push({ text: error.message, url: '' }));
    page.on('response', async (response) => {
      if (new URL(response.url()).pathname === '/api/data' && response.ok())
        pageReads.push(await response.json());
    });
    await page.goto(daemon.apiUrl);
    await signIn(page, TOKEN);
    await page.locator('#stream[data-state="up"]').waitFor();
  }, 30_000);

  it('shows every header figure and every cell of both chains as /api/data has them, in the PNG’s formats', async () => {
    for (const chainId of CHAINS) {
      await page.locator(`.chain[data-chain="${chainId}"] tbody tr`).first().waitFor({ state: 'attached' });
      const view = await readPanel(page, chainId);
      // What the page was given for the instant it shows: its /api/data read, or a cycle's event.
      const given = [
        ...pageReads.map((data) => data[chainId]!),
        ...events.seen.filter((e) => e.event === `data_update_${chainId}`).map((e) => e.data as ChainJson),
      ].filter((json) => json.last_update === view.lastUpdate);
      expect(given.length, `${chainId} data for ${view.lastUpdate}`).toBeGreaterThan(0);
      expect(view.rows).toHaveLength(11);
      expect(given.map(expectedPanel)).toContainEqual(view);
    }
    await page.locator('#tab-BSE').click();
    expect(await page.locator('.chain[data-chain="BSE"]').isVisible()).toBe(true);
    expect(await page.locator('.chain[data-chain="NSE"]').isVisible()).toBe(false);
    await page.locator('#tab-NSE').click();
  }, 20_000);

  it('shades and colours cells as the PNG does', async () => {
    const colours = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: DomNode }).document;
      const style = (selector: string) => {
        const node = document.querySelector(`.chain[data-chain="NSE"] ${selector}`);
        const css =
          node &&
          (
            globalThis as unknown as { getComputedStyle(n: unknown): Record<string, string> }
          ).getComputedStyle(node);
        return css
          ? { background: css.backgroundColor!, color: css.color!, outline: css.outlineColor! }
          : null;
      };
      return {
        itm: style('td.itm'),
        otm: style('td.otm'),
        atm: style('tr.atm td'),
        strike: style('tbody tr:not(.atm) th.strike'),
        up: style('tr:not(.atm) td.up'),
        down: style('tr:not(.atm) td.down'),
        breach: style('td.breach'),
      };
    });
    expect(colours.itm!.background).toBe(rgb(PALETTE.itm));
    expect(colours.otm!.background).toBe(rgb(PALETTE.otm));
    expect(colours.atm!.background).toBe(rgb(PALETTE.atm));
    expect(colours.strike!.background).toBe(rgb(PALETTE.strikeCell));
    if (colours.up) expect(colours.up.color).toBe(rgb(PALETTE.up));
    if (colours.down) expect(colours.down.color).toBe(rgb(PALETTE.down));
    if (colours.breach) expect(colours.breach.outline).toBe(rgb(PALETTE.breach));
  });

  it('redraws a chain at its next cycle without a reload', async () => {
    await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));
    const before = await readPanel(page, 'NSE');
    const after = await waitFor(
      async () => {
        const view = await readPanel(page, 'NSE');
        return view.lastUpdate !== before.lastUpdate && view;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'the next NSE cycle on the page' },
    );
    expect(
      await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);
    const event = await waitFor(
      () =>
        events.seen.find(
          (e) => e.event === 'data_update_NSE' && (e.data as ChainJson).last_update === after.lastUpdate,
        ),
      { what: `the data_update_NSE event of ${after.lastUpdate}` },
    );
    expect(after).toEqual(expectedPanel(event.data as ChainJson));
  }, 20_000);

  it('places an order from a row into WEB_OWNER’s book, shows refusals in the API’s words, exits one and all', async () => {
    const defaults = await api<{ chains: Record<string, { lot_size: number }>; max_qty_lots: number }>(
      '/api/defaults',
    );
    const lot = defaults.chains.NSE!.lot_size;
    await page.locator('.chain[data-chain="NSE"] tr.atm td[data-side="PE"][data-key="ltp"]').click();
    const ticket = page.locator('.ticket-form');
    await ticket.waitFor();
    expect(await ticket.locator('input[name=lots]').inputValue()).toBe('1');
    expect(await ticket.locator('input[name=tp]').inputValue()).toBe('25');
    const symbol = (await ticket.locator('.ticket-option').textContent())!.split(' · ')[1]!;

    // Too many lots: the page shows what the API says about the same order.
    const tooMany = defaults.max_qty_lots + 1;
    await ticket.locator('input[name=lots]').fill(String(tooMany));
    await ticket.locator('button.buy').click();
    const refusal = await fetch(`${daemon.apiUrl}/api/place_order`, {
      method: 'POST',
      headers: { ...BEARER, 'Content-Type': 'application/json' },
      body: JSON.stringify({ exchange: 'NSE', symbol, side: 'B', qty: tooMany * lot, tp: 25, sl: 25 }),
    });
    expect(refusal.status).toBe(400);
    const { message } = (await refusal.json()) as { message: string };
    await expect.poll(() => page.locator('#message.refused').textContent()).toBe(message);

    await ticket.locator('input[name=lots]').fill('1');
    await ticket.locator('input[name=tp]').fill('400');
    await ticket.locator('input[name=sl]').fill('400');
    await ticket.locator('button.buy').click();
    const position = await waitFor(
      async () =>
        (await api<Book>('/api/positions?owner=web')).NSE!.open_positions.find((p) => p.symbol === symbol),
      { what: `an open ${symbol} position in the web book` },
    );
    expect(position).toMatchObject({ owner: 'web', side: 'BUY', qty: lot });
    expect(position.target - position.entry_price).toBeCloseTo(400, 6);
    const row = page.locator(`.open-book tr[data-position-id="${position.id}"]`);
    await row.waitFor();

    await row.locator('button.exit').click();
    await waitFor(
      async () =>
        (await api<Book>('/api/positions?owner=web')).NSE!.closed_positions_today.some(
          (p) => p.id === position.id,
        ),
      { what: `${position.id} closed` },
    );
    await page.locator(`.closed-book tr[data-position-id="${position.id}"]`).waitFor();
    expect(await row.count()).toBe(0);

    // Two more, then "Exit all": the first click arms it, the second closes both.
    await ticket.locator('button.sell').click();
    await ticket.locator('button.buy').click();
    await expect.poll(() => page.locator('.open-book tr[data-position-id]').count()).toBe(2);
    await page.locator('button.exit-all').click();
    expect(await api<Book>('/api/positions?owner=web')).toMatchObject({ NSE: { open_positions: [{}, {}] } });
    await page.locator('button.exit-all[data-armed="true"]').click();
    await waitFor(
      async () => (await api<Book>('/api/positions?owner=web')).NSE!.open_positions.length === 0,
      {
        what: 'every web position closed',
      },
    );
    await page.locator('.open-positions .book-empty').waitFor();
    expect(await page.locator('.closed-book tr[data-position-id]').count()).toBe(3);
    await page.screenshot({ path: path.join(ARTIFACTS, 'desk-1280.png'), fullPage: true });
  }, 30_000);

  it('fits a phone (390 px): the table scrolls sideways, the strike column stays in view', async () => {
    const phone = await desk.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    phone.on('console', (message) => {
      if (message.type() === 'error')
        browserErrors.push({ text: message.text(), url: message.location().url });
    });
    await phone.goto(daemon.apiUrl);
    await phone.locator('.chain[data-chain="NSE"] tbody tr').first().waitFor();
    const layout = await phone.evaluate(() => {
      type Box = DomNode & {
        scrollWidth: number;
        clientWidth: number;
        scrollLeft: number;
        getBoundingClientRect(): { left: number; right: number };
      };
      const document = (globalThis as unknown as { document: Box & { documentElement: Box } }).document;
      const wrap = document.querySelector('.chain[data-chain="NSE"] .table-wrap') as Box;
      const strike = document.querySelector('.chain[data-chain="NSE"] tbody th.strike') as Box;
      const inView = () => {
        const box = wrap.getBoundingClientRect();
        const cell = strike.getBoundingClientRect();
        return cell.left >= box.left - 1 && cell.right <= box.right + 1;
      };
      const shown = [inView()];
      for (const left of [0, wrap.scrollWidth]) {
        wrap.scrollLeft = left;
        shown.push(inView());
      }
      return {
        page: document.documentElement.scrollWidth,
        table: wrap.scrollWidth,
        wrap: wrap.clientWidth,
        shown,
      };
    });
    expect(layout.page).toBeLessThanOrEqual(390);
    expect(layout.table).toBeGreaterThan(layout.wrap);
    expect(layout.shown).toEqual([true, true, true]);
    // Back to where the page opens it: the strike and the prices beside it in the middle.
    await phone.evaluate(() => {
      const document = (globalThis as unknown as { document: DomNode }).document;
      const wrap = document.querySelector('.chain[data-chain="NSE"] .table-wrap') as unknown as {
        scrollLeft: number;
        scrollWidth: number;
        clientWidth: number;
      };
      wrap.scrollLeft = (wrap.scrollWidth - wrap.clientWidth) / 2;
    });
    await phone.screenshot({ path: path.join(ARTIFACTS, 'desk-390.png'), fullPage: true });
    await phone.close();
  }, 20_000);

  it('logged no error in the browser console', () => {
    // Chromium logs every non-2xx answer; the one 400 is the refusal the order test asks for.
    const refusal = (e: { text: string; url: string }) =>
      e.url.endsWith('/api/place_order') && e.text.includes('status of 400');
    expect(browserErrors.filter(refusal)).toHaveLength(1);
    expect(browserErrors.filter((e) => !refusal(e))).toEqual([]);
  });
});
