import { createCanvas, loadImage } from 'canvas';
import { expect } from 'vitest';
import type { Rect } from '../../src/render/chain-table-layout.ts';
import { rgbOf } from '../../src/render/colors.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, after checking the signature. */
export function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Decodes a PNG; the returned function reads the RGBA pixels of a rectangle given in PNG pixels. */
export async function decode(png: Buffer): Promise<(rect: Rect) => Uint8ClampedArray> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return (rect) => ctx.getImageData(rect.x, rect.y, rect.width, rect.height).data;
}

/** The share of pixels within `tolerance` (per channel) of `color`. */
export function share(data: Uint8ClampedArray, color: string, tolerance = 10): number {
  const [r, g, b] = rgbOf(color);
  let hits = 0;
  for (let i = 0; i < data.length; i += 4) {
    const near =
      Math.abs(data[i]! - r) <= tolerance &&
      Math.abs(data[i + 1]! - g) <= tolerance &&
      Math.abs(data[i + 2]! - b) <= tolerance;
    if (near) hits++;
  }
  return hits / (data.length / 4);
}

/** A rectangle shrunk by `inset` on every side. */
export function inset(rect: Rect, by: number): Rect {
  return { x: rect.x + by, y: rect.y + by, width: rect.width - 2 * by, height: rect.height - 2 * by };
}
