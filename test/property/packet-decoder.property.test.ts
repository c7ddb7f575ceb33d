import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, newDecodeStats } from '../../src/kite/packet-codec.ts';
import { encodeFrame } from '../../src/kite/packet-encoder.ts';
import type { Tick } from '../../src/kite/types.ts';

const NFO = 2;
/** Prices on the 0.05 grid, in whole paise so that ÷100 is exact. */
const price = fc.integer({ min: 0, max: 2_000_000 }).map((paise) => paise / 100);
const ltpTick = fc.record({
  mode: fc.constant('ltp' as const),
  tradable: fc.constant(true),
  instrumentToken: fc.integer({ min: 1, max: 0xffffff }).map((base) => base * 256 + NFO),
  lastPrice: price,
});
const frames = fc.uint8Array({ minLength: 0, maxLength: 600 });

/** Every packet of a frame is decoded or counted as skipped; nothing throws. */
function accounted(frame: Uint8Array) {
  const stats = newDecodeStats();
  const ticks = decodeFrame(frame, stats);
  const skipped = stats.truncatedFrames + stats.overrunPackets + stats.unknownSizePackets;
  return { ticks, skipped, stats };
}

describe('packet decoder under random and mutated frames', () => {
  it('never throws on random bytes, and yields only ticks with finite numbers', () => {
    fc.assert(
      fc.property(frames, (frame) => {
        const { ticks } = accounted(frame);
        for (const tick of ticks) {
          expect(Number.isFinite(tick.lastPrice)).toBe(true);
          expect(Number.isInteger(tick.instrumentToken)).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('gives back what was encoded', () => {
    fc.assert(
      fc.property(fc.array(ltpTick, { minLength: 1, maxLength: 40 }), (ticks: Tick[]) => {
        const decoded = decodeFrame(encodeFrame(ticks));
        expect(decoded.map((t) => [t.instrumentToken, t.lastPrice])).toEqual(
          ticks.map((t) => [t.instrumentToken, t.lastPrice]),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('on a truncated or corrupted frame decodes at most the packets it declares, counting the rest', () => {
    const mutated = fc
      .tuple(
        fc.array(ltpTick, { minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      )
      .map(([ticks, cut, flips]) => {
        const bytes = Uint8Array.from(encodeFrame(ticks));
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        return { declared: ticks.length, bytes: bytes.subarray(0, Math.max(0, bytes.length - (cut % 12))) };
      });
    fc.assert(
      fc.property(mutated, ({ bytes }) => {
        const { ticks, skipped } = accounted(bytes);
        const count = bytes.length >= 2 ? (bytes[0]! << 8) | bytes[1]! : 0;
        expect(ticks.length).toBeLessThanOrEqual(count);
        if (bytes.length > 1 && ticks.length < count) expect(skipped).toBeGreaterThan(0);
      }),
      { numRuns: 5000 },
    );
  });
});
