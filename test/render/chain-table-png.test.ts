import { describe, expect, it } from 'vitest';
import {
  chainTableLayout,
  findCell,
  renderChainTable,
  toPixels,
  type Rect,
} from '../../src/render/chain-table-png.ts';
import { PALETTE } from '../../src/render/colors.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { ATM, BREACH, NULL_CHANGE, SNAPSHOT, STRIKES, WINDOWS } from './chain-fixture.ts';
import { decode, inset, pngSize, share } from './png-pixels.ts';

const layout = chainTableLayout(SNAPSHOT, WINDOWS);
const png = renderChainTable(SNAPSHOT, { windows: WINDOWS, dataAgeS: 1.2 });
const pixelsOf = decode(png);

function cell(strike: number, side: 'CE' | 'PE' | 'STRIKE', key: string): Rect {
  const found = findCell(layout, strike, side, key);
  if (!found) throw new Error(`no cell ${strike} ${side} ${key}`);
  return toPixels(found);
}

/**
 * The top edge of a cell, where a breach box runs (the text sits in the middle): the box's 3-CSS-px
 * line runs 1–4 CSS px in from the cell's edge, PNG pixels 2 and 3 at the table's 16/15 scale.
 */
const topEdge = (rect: Rect): Rect => ({ x: rect.x + 8, y: rect.y + 2, width: rect.width - 16, height: 2 });
const leftEdge = (rect: Rect): Rect => ({ x: rect.x + 2, y: rect.y + 8, width: 2, height: rect.height - 16 });

describe('chainTableLayout', () => {
  it('lays out 11 rows, CE 30M…5M OI LTP │ STRIKE │ PE LTP OI 5M…30M, across 1200 CSS px', () => {
    expect(layout.rows.map((row) => row.strike)).toEqual(STRIKES);
    expect(layout.columns.map((column) => `${column.side}:${column.label}`)).toEqual([
      'CE:30M', 'CE:15M', 'CE:10M', 'CE:5M', 'CE:OI', 'CE:LTP',
      'STRIKE:STRIKE',
      'PE:LTP', 'PE:OI', 'PE:5M', 'PE:10M', 'PE:15M', 'PE:30M',
    ]); // prettier-ignore
    const last = layout.columns.at(-1)!;
    expect(last.x + last.width).toBe(1200);
    expect(layout.rows.filter((row) => row.atm).map((row) => row.strike)).toEqual([ATM]);
    layout.rows.forEach((row, i) => {
      if (i > 0) expect(row.y).toBe(layout.rows[i - 1]!.y + layout.rows[i - 1]!.height);
    });
    expect(layout.footer.y).toBe(layout.rows.at(-1)!.y + layout.rows.at(-1)!.height);
  });
});

describe('renderChainTable', () => {
  it("is an 8-bit palette PNG 1280 px wide (Telegram's largest), at most 150 KB", () => {
    expect(pngSize(png)).toEqual({ width: 1280, height: Math.round((layout.height * 1280) / 1200) });
    expect(pngSize(png)).toEqual({ width: layout.pixelWidth, height: layout.pixelHeight });
    expect(png.readUInt8(24)).toBe(8); // bit depth
    expect(png.readUInt8(25)).toBe(3); // colour type 3: indexed
    expect(png.length).toBeLessThanOrEqual(150 * 1024);
  });

  it('fills the ATM row with cyan, and no other row', async () => {
    const pixels = await pixelsOf;
    for (const row of layout.rows) {
      const cyan = share(pixels(inset(toPixels(row), 6)), PALETTE.atm);
      if (row.strike === ATM) expect(cyan).toBeGreaterThan(0.6);
      else expect(cyan).toBe(0);
    }
  });

  it('shades ITM green and OTM red on each side', async () => {
    const pixels = await pixelsOf;
    const corner = (rect: Rect) => pixels({ x: rect.x + 6, y: rect.y + 6, width: 8, height: 8 });
    const [low, high] = [STRIKES[0]!, STRIKES.at(-1)!];
    expect(share(corner(cell(low, 'CE', 'oi')), PALETTE.itm, 2)).toBe(1);
    expect(share(corner(cell(high, 'CE', 'oi')), PALETTE.otm, 2)).toBe(1);
    expect(share(corner(cell(low, 'PE', 'oi')), PALETTE.otm, 2)).toBe(1);
    expect(share(corner(cell(high, 'PE', 'oi')), PALETTE.itm, 2)).toBe(1);
  });

  it('writes rises green and falls red', async () => {
    const pixels = await pixelsOf;
    const rise = pixels(inset(cell(STRIKES.at(-1)!, 'CE', '5'), 8)); // +8.50
    const fall = pixels(inset(cell(STRIKES[0]!, 'CE', '5'), 8)); // -8.50
    expect(share(rise, PALETTE.up, 30)).toBeGreaterThan(0.02);
    expect(share(rise, PALETTE.down, 30)).toBe(0);
    expect(share(fall, PALETTE.down, 30)).toBeGreaterThan(0.02);
    expect(share(fall, PALETTE.up, 30)).toBe(0);
  });

  it('boxes the breach in red where the data says, and nowhere else', async () => {
    const pixels = await pixelsOf;
    const breach = cell(BREACH.strike, BREACH.side, BREACH.window);
    expect(share(pixels(topEdge(breach)), PALETTE.breach, 30)).toBeGreaterThan(0.9);
    expect(share(pixels(leftEdge(breach)), PALETTE.breach, 30)).toBeGreaterThan(0.9);
    for (const row of layout.rows)
      for (const tableCell of row.cells) {
        const { side, key } = tableCell.column;
        if (row.strike === BREACH.strike && side === BREACH.side && key === BREACH.window) continue;
        expect(
          share(pixels(topEdge(toPixels(tableCell))), PALETTE.breach, 30),
          `${row.strike} ${side} ${key}`,
        ).toBe(0);
      }
  });

  it('writes N/A in a cell whose change is unknown, and leaves a missing option blank', async () => {
    // The same chain without the 25850 put: its cells are empty, the control for "not empty".
    const partial: ChainSnapshot = {
      ...SNAPSHOT,
      puts: SNAPSHOT.puts.filter((row) => row.strike !== 25_850),
    };
    const partialPng = renderChainTable(partial, {
      windows: WINDOWS,
      dataAgeS: null,
      now: SNAPSHOT.lastUpdate + 5000,
    });
    expect(pngSize(partialPng)).toEqual({ width: layout.pixelWidth, height: layout.pixelHeight });
    const pixels = await decode(partialPng);
    const inked = (rect: Rect, fill: string) => 1 - share(pixels(inset(rect, 6)), fill, 6);
    expect(inked(cell(NULL_CHANGE.strike, 'CE', NULL_CHANGE.window), PALETTE.itm)).toBeGreaterThan(0.02);
    expect(inked(cell(NULL_CHANGE.strike, 'PE', NULL_CHANGE.window), PALETTE.otm)).toBeGreaterThan(0.02);
    expect(
      share(pixels(inset(cell(NULL_CHANGE.strike, 'CE', NULL_CHANGE.window), 8)), PALETTE.muted, 40),
    ).toBeGreaterThan(0.01);
    expect(inked(cell(25_850, 'PE', '5'), PALETTE.background)).toBe(0);
    expect(inked(cell(25_850, 'PE', 'ltp'), PALETTE.background)).toBe(0);
  });

  it('draws the header bar and survives an empty, unknown chain', () => {
    const empty: ChainSnapshot = {
      ...SNAPSHOT,
      underlyingPrice: null,
      atmStrike: null,
      pcr: null,
      pcrAll: null,
      maxPain: null,
      support: null,
      resistance: null,
      expiry: null,
      status: 'Starting',
      notes: ['historical API unavailable: live data only'],
      calls: [],
      puts: [],
    };
    const emptyLayout = chainTableLayout(empty, WINDOWS);
    expect(emptyLayout.rows).toHaveLength(0);
    expect(pngSize(renderChainTable(empty, { windows: WINDOWS, dataAgeS: null }))).toEqual({
      width: emptyLayout.pixelWidth,
      height: emptyLayout.pixelHeight,
    });
  });
});
