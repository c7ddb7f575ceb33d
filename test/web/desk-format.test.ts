import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DESK_DIR } from '../../src/http/desk-static.ts';
import { PALETTE } from '../../src/render/colors.ts';
import { formatAge, formatChange, formatLevel, formatOi, formatPrice } from '../../src/render/oi-format.ts';

type Format = (value: number | null) => string;
/** The page's copy of the PNG's formats (the browser cannot import TypeScript). */
const page = (await import(pathToFileURL(path.join(DESK_DIR, 'format.js')).href)) as Record<string, Format>;

const SAMPLES = [
  null,
  Number.NaN,
  0,
  0.004,
  -0.004,
  0.005,
  1.2345,
  -3.3,
  9.96,
  59.6,
  999,
  1000,
  85_249,
  99_999,
  100_000,
  1_234_567,
  -2_500_000,
  3599.6,
  7260,
  25_612.345,
];

describe('the desk formats numbers as the chain PNG does', () => {
  it.each([
    ['formatOi', formatOi],
    ['formatChange', formatChange],
    ['formatPrice', formatPrice],
    ['formatLevel', formatLevel],
    ['formatAge', formatAge],
  ] as const)('%s', (name, png) => {
    for (const value of SAMPLES) expect(page[name]!(value), `${name}(${value})`).toBe(png(value));
  });

  it('desk.css holds the PNG’s palette', () => {
    const css = readFileSync(path.join(DESK_DIR, 'desk.css'), 'utf8');
    const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    for (const [name, colour] of Object.entries(PALETTE)) {
      expect(css, name).toContain(`--${kebab(name)}: ${colour};`);
    }
  });
});
