import { KiteTicker } from 'kiteconnect';
import { decodeFrame } from '../../src/kite/packet-codec.ts';
import { encodeFrame } from '../../src/kite/packet-encoder.ts';
import { SimMarket } from '../../src/sim/market-model.ts';
import { simTick } from '../../src/sim/sim-tick.ts';
import { compareThroughput, type BenchResult } from './result.ts';

const PACKETS_PER_FRAME = 1000;
const FRAMES = 8;
const BAR = 20;

/** Ticks per second decoding the same 1,000-packet full-mode frames, ours vs `KiteTicker.parseBinary`. */
export function decodeVsKiteconnect(): BenchResult {
  const now = Date.UTC(2026, 10, 24, 5, 0, 0);
  const market = new SimMarket({ seed: 1, asOf: now });
  const options = market.instruments().filter((i) => i.instrumentType === 'CE' || i.instrumentType === 'PE');
  const frames = Array.from({ length: FRAMES }, (_, f) =>
    encodeFrame(
      Array.from({ length: PACKETS_PER_FRAME }, (_, i) => {
        const instrument = options[(f * PACKETS_PER_FRAME + i) % options.length]!;
        return simTick(market, instrument.instrumentToken, now + f * 1000);
      }),
    ),
  );
  const arrayBuffers = frames.map(
    (frame) => frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer,
  );
  const reference = new KiteTicker({ api_key: 'bench', access_token: 'bench' }) as unknown as {
    parseBinary(buffer: ArrayBuffer): unknown[];
  };

  let i = 0;
  let sink = 0;
  const measured = compareThroughput(
    () => {
      const ticks = decodeFrame(frames[i++ % FRAMES]!);
      sink += ticks[0]!.lastPrice;
      return ticks.length;
    },
    () => {
      const ticks = reference.parseBinary(arrayBuffers[i++ % FRAMES]!);
      sink += ticks.length;
      return ticks.length;
    },
  );
  if (Number.isNaN(sink)) console.log(sink);
  const { ratio } = measured;
  return {
    value: Math.round(measured.ours),
    unit: 'ticks/s',
    baseline: Math.round(measured.baseline),
    ratio,
    bar: `≥ ${BAR}× kiteconnect`,
    pass: ratio >= BAR,
  };
}
