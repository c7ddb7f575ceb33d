/**
 * The desk as a trader sees it, for the browser tests: what a chain panel shows (read from the DOM in
 * one go) and what it should show for a chain's JSON, in the PNG's formats (src/render/oi-format.ts).
 */
import type { Page } from 'playwright-core';
import type { ChainJson, RowJson } from '../../src/http/chain-json.ts';
import { formatAge, formatChange, formatLevel, formatOi, formatPrice } from '../../src/render/oi-format.ts';

export const CHROMIUM = '/usr/bin/chromium';

export interface PanelView {
  lastUpdate: string;
  fields: Record<string, string>;
  rows: { strike: string; atm: boolean; cells: Record<string, { text: string; breach: boolean }> }[];
}

/** The little of the DOM the reads below use (the project compiles without the DOM's types). */
export interface DomNode {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  classList: { contains(name: string): boolean };
  querySelector(selector: string): DomNode | null;
  querySelectorAll(selector: string): ArrayLike<DomNode>;
}

/** What the page shows for `chainId`, read in one synchronous pass (no redraw can come in between). */
export function readPanel(page: Page, chainId: string): Promise<PanelView> {
  return page.evaluate((id) => {
    const all = (node: DomNode, selector: string) => Array.from(node.querySelectorAll(selector));
    const document = (globalThis as unknown as { document: DomNode }).document;
    const panel = document.querySelector(`.chain[data-chain="${id}"]`)!;
    const fields = Object.fromEntries(
      all(panel, '.chain-header [data-field]').map((node) => [node.dataset.field!, node.textContent!]),
    );
    const rows = all(panel, 'tbody tr').map((tr) => ({
      strike: tr.querySelector('th')!.textContent!,
      atm: tr.classList.contains('atm'),
      cells: Object.fromEntries(
        all(tr, 'td').map((td) => [
          `${td.dataset.side} ${td.dataset.key}`,
          { text: td.textContent!, breach: td.classList.contains('breach') },
        ]),
      ),
    }));
    return { lastUpdate: panel.dataset.lastUpdate ?? '', fields, rows };
  }, chainId);
}

function underlyingChange(json: ChainJson): string {
  const change = json.underlying_change;
  if (change === null || json.underlying_price === null || json.underlying_price === change) return '';
  const previous = json.underlying_price - change;
  const sign = change >= 0 ? '+' : '';
  return `${sign}${change.toFixed(2)} (${sign}${((change * 100) / previous).toFixed(2)}%)`;
}

function sideCells(side: 'CE' | 'PE', row: RowJson | undefined): PanelView['rows'][number]['cells'] {
  if (!row) return {};
  const cells: PanelView['rows'][number]['cells'] = {
    [`${side} ltp`]: { text: formatPrice(row.ltp), breach: false },
    [`${side} iv`]: { text: formatPrice(row.iv, 1), breach: false },
    [`${side} oi`]: { text: formatOi(row.oi), breach: false },
  };
  for (const [window, pct] of Object.entries(row.oi_change_pct)) {
    cells[`${side} ${window}`] = { text: formatChange(pct), breach: row.breaches.includes(window) };
  }
  return cells;
}

/** What the panel of `json` should show. */
export function expectedPanel(json: ChainJson): PanelView {
  const calls = new Map(json.call_options.map((row) => [row.strike, row]));
  const puts = new Map(json.put_options.map((row) => [row.strike, row]));
  const strikes = [...new Set([...calls.keys(), ...puts.keys()])].sort((a, b) => a - b);
  return {
    lastUpdate: json.last_update,
    fields: {
      exchange: json.exchange,
      underlying: json.underlying,
      underlying_price: formatPrice(json.underlying_price),
      underlying_change: underlyingChange(json),
      status: json.status,
      last_update: json.last_update.slice(11, 19),
      data_age_s: formatAge(json.data_age_s),
      atm_strike: formatLevel(json.atm_strike),
      pcr: formatPrice(json.pcr),
      pcr_all: formatPrice(json.pcr_all),
      max_pain: formatLevel(json.max_pain),
      support: formatLevel(json.support),
      resistance: formatLevel(json.resistance),
      expiry: json.expiry ?? 'N/A',
    },
    rows: strikes.map((strike) => ({
      strike: formatLevel(strike),
      atm:
        strike === json.atm_strike ||
        calls.get(strike)?.moneyness === 'ATM' ||
        puts.get(strike)?.moneyness === 'ATM',
      cells: { ...sideCells('CE', calls.get(strike)), ...sideCells('PE', puts.get(strike)) },
    })),
  };
}

/** The server-sent events of `url` as they arrive, kept per event name; `close()` ends the stream. */
export function collectEvents(url: string, headers: Record<string, string>) {
  const seen: { event: string; data: unknown }[] = [];
  const controller = new AbortController();
  const reading = (async () => {
    const response = await fetch(url, { headers, signal: controller.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = frame.match(/^event: (.*)$/m)?.[1];
        const data = frame.match(/^data: (.*)$/m)?.[1];
        if (event && data) seen.push({ event, data: JSON.parse(data) });
      }
    }
  })().catch(() => {});
  return {
    seen,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}
