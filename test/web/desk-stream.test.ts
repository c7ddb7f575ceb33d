import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChainSpecs } from '../../src/chain-specs.ts';
import { startApiServer, type ApiServer } from '../../src/http/api-server.ts';
import { chainJson, type ChainJson } from '../../src/http/chain-json.ts';
import { MetricsRegistry } from '../../src/http/metrics.ts';
import { PALETTE, rgbOf } from '../../src/render/colors.ts';
import { BREACH, SNAPSHOT, WINDOWS } from '../render/chain-fixture.ts';
import { CHROMIUM, expectedPanel, readPanel, type DomNode } from './desk-page.ts';

/**
 * The desk when its event stream drops: against an API on a fixture chain (no daemon), stopped and
 * started again on the same port.
 */

const CHAINS = parseChainSpecs('NSE:NIFTY 50:NIFTY:NFO:50')!;
const listeners = new Set<(event: string, data: unknown) => void>();
let current: ChainJson = chainJson(SNAPSHOT, WINDOWS, 1.2);

function serve(port: number): Promise<ApiServer> {
  return startApiServer({
    host: '127.0.0.1',
    port,
    metrics: new MetricsRegistry(),
    source: {
      chains: () => CHAINS,
      chainJson: () => current,
      health: () => ({ database: { ok: true }, chains: {} }),
      onEvent: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    desk: {
      chains: () => CHAINS,
      pcrHistory: () => [],
      lotSize: () => 75,
      now: () => SNAPSHOT.lastUpdate,
      orders: { maxQtyLots: 50, autoExitPoints: 25, webOwner: 'web' },
    },
  });
}

let server: ApiServer;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  [server, browser] = await Promise.all([
    serve(0),
    chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
  await page.goto(server.url);
  await page.locator('#stream[data-state="up"]').waitFor();
}, 20_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the desk’s event stream', () => {
  it('outlines a breach in the PNG’s red and shows an unknown change as N/A', async () => {
    expect(await readPanel(page, 'NSE')).toEqual(expectedPanel(current));
    const outline = await page.evaluate((breach) => {
      const document = (globalThis as unknown as { document: DomNode }).document;
      const cell = document.querySelector(
        `tr[data-strike="${breach.strike}"] td[data-side="${breach.side}"][data-key="${breach.window}"]`,
      );
      return (
        globalThis as unknown as { getComputedStyle(n: unknown): { outlineColor: string } }
      ).getComputedStyle(cell).outlineColor;
    }, BREACH);
    expect(outline).toBe(`rgb(${rgbOf(PALETTE.breach).join(', ')})`);
  });

  it('says so while the stream is down, reconnects by itself and catches up', async () => {
    const port = Number(new URL(server.url).port);
    await server.close();
    await page.locator('#stream[data-state="down"]').waitFor();
    expect(await page.locator('#stream').textContent()).toMatch(/down: reconnecting/);

    current = { ...current, underlying_price: 25_700.5, last_update: '2026-11-24T14:31:00+05:30' };
    server = await serve(port);
    await page.locator('#stream[data-state="up"]').waitFor();
    // Caught up on what it missed (the chain read again on reconnecting) …
    await expect.poll(async () => (await readPanel(page, 'NSE')).fields.underlying_price).toBe('25700.50');
    // … and live again: the next cycle's event redraws it.
    const next = { ...current, underlying_price: 25_711.25, last_update: '2026-11-24T14:31:30+05:30' };
    for (const listener of listeners) listener('data_update_NSE', next);
    await expect.poll(async () => (await readPanel(page, 'NSE')).lastUpdate).toBe(next.last_update);
    expect(await readPanel(page, 'NSE')).toEqual(expectedPanel(next));
  }, 20_000);
});
