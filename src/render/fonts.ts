import { existsSync } from 'node:fs';
import { registerFont, type CanvasRenderingContext2D } from 'canvas';

/**
 * DejaVu from Debian's `fonts-dejavu-core` (scripts/setup.sh installs it). Registered with
 * node-canvas by file, so the picture does not depend on what fontconfig happens to find.
 */
export const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
export const SANS = 'DejaVu Sans';
export const MONO = 'DejaVu Sans Mono';

const FACES: readonly { file: string; family: string; weight: 'normal' | 'bold' }[] = [
  { file: 'DejaVuSans.ttf', family: SANS, weight: 'normal' },
  { file: 'DejaVuSans-Bold.ttf', family: SANS, weight: 'bold' },
  { file: 'DejaVuSansMono.ttf', family: MONO, weight: 'normal' },
  { file: 'DejaVuSansMono-Bold.ttf', family: MONO, weight: 'bold' },
];

export class FontError extends Error {
  override readonly name = 'FontError';
}

let missing: string[] | null = null;

function registerAll(): string[] {
  const absent: string[] = [];
  for (const face of FACES) {
    const path = `${FONT_DIR}/${face.file}`;
    if (existsSync(path)) registerFont(path, { family: face.family, weight: face.weight });
    else absent.push(path);
  }
  return absent;
}

/**
 * Registers the fonts once (node-canvas needs that before the first canvas is created) and
 * throws a FontError naming the missing files when the system package is not installed.
 */
export function ensureRenderFonts(): void {
  missing ??= registerAll();
  if (missing.length > 0)
    throw new FontError(
      `fonts missing: ${missing.join(', ')}; install the Debian package fonts-dejavu-core (scripts/setup.sh does)`,
    );
}

/** A CSS font string for canvas: `font(20, 'mono', true)` → `bold 20px "DejaVu Sans Mono"`. */
export function font(sizePx: number, family: 'sans' | 'mono' = 'sans', bold = false): string {
  return `${bold ? 'bold ' : ''}${sizePx}px "${family === 'mono' ? MONO : SANS}"`;
}

/** DejaVu Sans Mono's advance width as a share of the font size (1233 / 2048 units). */
const MONO_ADVANCE = 1233 / 2048;
const lastFont = new WeakMap<CanvasRenderingContext2D, string>();

/** Sets `ctx.font` unless it is already that font (parsing a font is not free in node-canvas). */
export function setFont(ctx: CanvasRenderingContext2D, value: string): void {
  if (lastFont.get(ctx) === value) return;
  ctx.font = value;
  lastFont.set(ctx, value);
}

/**
 * Sets the largest font up to `sizePx` at which `text` fits `maxWidth`, and returns its size
 * (monospace widths are computed, proportional ones measured).
 */
export function fitFont(
  ctx: CanvasRenderingContext2D,
  text: string,
  maxWidth: number,
  sizePx: number,
  family: 'sans' | 'mono' = 'sans',
  bold = false,
): number {
  let size = sizePx;
  if (family === 'mono') {
    const fitting = Math.floor(maxWidth / (Math.max(text.length, 1) * MONO_ADVANCE));
    size = Math.max(10, Math.min(sizePx, fitting));
    setFont(ctx, font(size, family, bold));
    return size;
  }
  setFont(ctx, font(size, family, bold));
  while (size > 10 && ctx.measureText(text).width > maxWidth) {
    size -= 1;
    setFont(ctx, font(size, family, bold));
  }
  return size;
}

// Importing any render module registers the fonts before it can create a canvas; a missing
// font is reported when something is rendered, not when the daemon merely imports this file.
try {
  ensureRenderFonts();
} catch {
  // reported again by the first render
}
