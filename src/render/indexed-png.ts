import { createCanvas, type Canvas, type PngConfig } from 'canvas';

/** PNG palettes hold at most 256 colours. */
const PALETTE_SIZE = 256;
/** Colours are counted in buckets of 5 bits per channel (32,768 buckets). */
const BUCKET_BITS = 5;
const SHIFT = 8 - BUCKET_BITS;
const BUCKETS = 1 << (3 * BUCKET_BITS);

const bucketOf = (r: number, g: number, b: number): number =>
  ((r >> SHIFT) << (2 * BUCKET_BITS)) | ((g >> SHIFT) << BUCKET_BITS) | (b >> SHIFT);

interface Histogram {
  counts: Uint32Array;
  sums: Float64Array;
}

function histogramOf(rgba: Uint8ClampedArray): Histogram {
  const counts = new Uint32Array(BUCKETS);
  const sums = new Float64Array(BUCKETS * 3);
  for (let i = 0; i < rgba.length; i += 4) {
    const r = rgba[i]!;
    const g = rgba[i + 1]!;
    const b = rgba[i + 2]!;
    const key = bucketOf(r, g, b);
    counts[key] = counts[key]! + 1;
    sums[key * 3] = sums[key * 3]! + r;
    sums[key * 3 + 1] = sums[key * 3 + 1]! + g;
    sums[key * 3 + 2] = sums[key * 3 + 2]! + b;
  }
  return { counts, sums };
}

/** The 256 most used colour buckets (each its mean colour), most used first: RGBA, opaque. */
function paletteOf({ counts, sums }: Histogram): { palette: Uint8ClampedArray; chosen: number[] } {
  const used: number[] = [];
  for (let key = 0; key < BUCKETS; key++) if (counts[key]! > 0) used.push(key);
  used.sort((a, b) => counts[b]! - counts[a]!);
  const chosen = used.slice(0, PALETTE_SIZE);
  const palette = new Uint8ClampedArray(chosen.length * 4);
  chosen.forEach((key, i) => {
    const n = counts[key]!;
    palette[i * 4] = Math.round(sums[key * 3]! / n);
    palette[i * 4 + 1] = Math.round(sums[key * 3 + 1]! / n);
    palette[i * 4 + 2] = Math.round(sums[key * 3 + 2]! / n);
    palette[i * 4 + 3] = 255;
  });
  return { palette, chosen };
}

function nearest(palette: Uint8ClampedArray, r: number, g: number, b: number): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let i = 0; i < palette.length; i += 4) {
    const dr = palette[i]! - r;
    const dg = palette[i + 1]! - g;
    const db = palette[i + 2]! - b;
    // Weighted for the eye (green counts most, blue least).
    const distance = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i / 4;
    }
  }
  return best;
}

/**
 * An opaque canvas as an 8-bit indexed-colour PNG: the 256 most used colours (flat fills, text colours
 * and the commonest anti-aliasing shades) become the palette and every other pixel takes its nearest
 * entry. A table of flat cells and text loses nothing a reader sees and shrinks to about a third of
 * the RGBA file; every flat fill keeps its exact colour.
 */
export function indexedPng(canvas: Canvas, compressionLevel: PngConfig['compressionLevel'] = 6): Buffer {
  const { width, height } = canvas;
  const rgba = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const { palette, chosen } = paletteOf(histogramOf(rgba));
  const indexOfBucket = new Int16Array(BUCKETS).fill(-1);
  chosen.forEach((key, i) => (indexOfBucket[key] = i));
  const indexed = createCanvas(width, height);
  const ctx = indexed.getContext('2d', { pixelFormat: 'A8' });
  const image = ctx.getImageData(0, 0, width, height);
  const indices = image.data;
  for (let i = 0, p = 0; i < rgba.length; i += 4, p++) {
    const r = rgba[i]!;
    const g = rgba[i + 1]!;
    const b = rgba[i + 2]!;
    const key = bucketOf(r, g, b);
    let index = indexOfBucket[key]!;
    if (index < 0) {
      index = nearest(palette, r, g, b);
      indexOfBucket[key] = index;
    }
    indices[p] = index;
  }
  ctx.putImageData(image, 0, 0);
  return indexed.toBuffer('image/png', { compressionLevel, palette });
}
