import { describe, expect, it } from 'vitest';
import { decodeFrame, newDecodeStats } from '../../src/kite/packet-codec.ts';
import { encodeFrame } from '../../src/kite/packet-encoder.ts';
import type { Tick, TickMode } from '../../src/kite/types.ts';
import { SimMarket } from '../../src/sim/market-model.ts';
import { simTick } from '../../src/sim/sim-tick.ts';
import { inKiteShape, referenceParse } from '../support/kite-reference.ts';
import {
  FIXTURES_ABSENT_MESSAGE,
  fixture,
  fixtureJson,
  fixturesPresent,
} from '../support/shared-fixtures.ts';

interface DocumentedTick {
  [field: string]: unknown;
  change: number;
  last_trade_time: string;
  timestamp: string;
}

const NIFTY_OPTION = 10_000 * 256 + 2; // NFO
const SENSEX_OPTION = 20_000 * 256 + 5; // BFO
const CDS_FUTURE = 3_000 * 256 + 3;
const BCD_FUTURE = 4_000 * 256 + 6;

const depth = (price: number) => ({
  buy: [0, 1, 2, 3, 4].map((i) => ({ quantity: 75 * (i + 1), price: price - 0.05 * (i + 1), orders: i + 1 })),
  sell: [0, 1, 2, 3, 4].map((i) => ({
    quantity: 75 * (i + 2),
    price: price + 0.05 * (i + 1),
    orders: 65535 - i,
  })),
});

function fullTick(token: number, lastPrice: number, extra: Partial<Tick> = {}): Tick {
  return {
    mode: 'full',
    tradable: true,
    instrumentToken: token,
    lastPrice,
    lastTradedQuantity: 75,
    averageTradedPrice: lastPrice - 1.25,
    volumeTraded: 12_345_675,
    totalBuyQuantity: 98_765,
    totalSellQuantity: 45_600,
    ohlc: { open: lastPrice + 3, high: lastPrice + 10, low: lastPrice - 10, close: lastPrice + 5 },
    lastTradeTime: Date.UTC(2026, 10, 24, 9, 0, 15),
    exchangeTimestamp: Date.UTC(2026, 10, 24, 9, 0, 16),
    oi: 1_234_500,
    oiDayHigh: 1_300_000,
    oiDayLow: 1_100_025,
    depth: depth(lastPrice),
    ...extra,
  };
}

const handMade: Tick[] = [
  fullTick(NIFTY_OPTION, 223.6),
  fullTick(SENSEX_OPTION, 0.05, { ohlc: { open: 0.1, high: 0.2, low: 0.05, close: 0 } }),
  fullTick(NIFTY_OPTION + 256, -12.5, { averageTradedPrice: -3.45 }),
  fullTick(NIFTY_OPTION + 512, 21_474_836.47, { volumeTraded: 2_147_483_647, oi: 2_147_483_647 }),
  fullTick(NIFTY_OPTION + 768, 150, { lastTradeTime: null, exchangeTimestamp: null }),
  fullTick(CDS_FUTURE, 83.1234567),
  fullTick(BCD_FUTURE, 83.1234),
  {
    mode: 'full',
    tradable: false,
    instrumentToken: 256265,
    lastPrice: 25_612.35,
    ohlc: { open: 25_550, high: 25_640.1, low: 25_530.95, close: 25_580.4 },
    exchangeTimestamp: Date.UTC(2026, 10, 24, 9, 0, 15),
  },
  {
    mode: 'quote',
    tradable: false,
    instrumentToken: 265,
    lastPrice: 84_210.55,
    ohlc: { open: 84_000, high: 84_300.25, low: 83_950.7, close: 84_512.9 },
  },
];

function inMode(tick: Tick, mode: TickMode): Tick {
  return { ...tick, mode };
}

describe('decodeFrame agrees with kiteconnect’s KiteTicker.parseBinary', () => {
  it.each(['ltp', 'quote', 'full'] as const)(
    'hand-made %s frames: indices, options, negative and large values',
    (mode) => {
      const frame = encodeFrame(handMade.map((tick) => inMode(tick, mode)));
      const ours = decodeFrame(frame).map(inKiteShape);
      expect(ours).toHaveLength(handMade.length);
      expect(ours).toEqual(referenceParse(frame));
    },
  );

  it.each(['ltp', 'quote', 'full'] as const)('frames the simulator sends in %s mode', (mode) => {
    const now = Date.UTC(2026, 10, 24, 5, 0, 0);
    const market = new SimMarket({ seed: 7, asOf: now });
    const tokens = market.instruments().map((instrument) => instrument.instrumentToken);
    const ticks = tokens.slice(0, 400).map((token) => inMode(simTick(market, token, now), mode));
    const frame = encodeFrame(ticks);
    const ours = decodeFrame(frame);
    expect(ours.map(inKiteShape)).toEqual(referenceParse(frame));
    expect(ours.map((tick) => tick.lastPrice)).toEqual(ticks.map((tick) => tick.lastPrice));
    if (mode === 'full') expect(ours.some((tick) => (tick.oi ?? 0) > 0)).toBe(true);
  });
});

const fixturesTitle = `decodeFrame on the real frames in ../shared/kite-fixtures${fixturesPresent ? '' : ` (${FIXTURES_ABSENT_MESSAGE})`}`;

describe.skipIf(!fixturesPresent)(fixturesTitle, () => {
  it.each(['ltp', 'quote', 'full'])('kiteconnectjs %s frame', (mode) => {
    const frame = fixture(`kiteconnectjs_${mode}Mode_binary.packet`);
    const expected = fixtureJson(`kiteconnectjs_${mode}Mode_binary.expected.json`);
    const ours = JSON.parse(JSON.stringify(decodeFrame(frame).map(inKiteShape)));
    expect(ours).toEqual(expected);
  });

  it.each(['full', 'quote'])('documented %s packet', (mode) => {
    const packet = Buffer.from(fixture(`ticker_${mode}.packet`).toString('utf8').trim(), 'base64');
    const frame = Buffer.concat([Buffer.from([0, 1, packet.length >> 8, packet.length & 0xff]), packet]);
    const [tick] = decodeFrame(frame);
    const doc = fixtureJson<DocumentedTick>(`ticker_${mode}.json`);
    expect(tick).toMatchObject({
      mode: doc.mode,
      tradable: doc.tradable,
      instrumentToken: doc.instrument_token,
      lastPrice: doc.last_price,
      lastTradedQuantity: doc.last_quantity,
      averageTradedPrice: doc.average_price,
      volumeTraded: doc.volume,
      totalBuyQuantity: doc.buy_quantity,
      totalSellQuantity: doc.sell_quantity,
      ohlc: doc.ohlc,
    });
    if (mode === 'full') {
      // Zerodha's documentation gives `change` in points; the client (and we) give percent.
      // (The documented quote packet repeats the full packet's change, so only full is checked.)
      expect(tick!.lastPrice - tick!.ohlc!.close).toBeCloseTo(doc.change, 6);
      expect(tick).toMatchObject({
        oi: doc.oi,
        oiDayHigh: doc.oi_day_high,
        oiDayLow: doc.oi_day_low,
        lastTradeTime: Date.parse(doc.last_trade_time),
        exchangeTimestamp: Date.parse(doc.timestamp),
      });
      expect(tick!.depth).toEqual(doc.depth);
    }
  });
});

describe('decodeFrame on malformed input: skips and counts, never throws', () => {
  const good = encodeFrame([fullTick(NIFTY_OPTION, 100), fullTick(NIFTY_OPTION + 256, 101)]);

  it('a heartbeat is no tick and no error', () => {
    const stats = newDecodeStats();
    expect(decodeFrame(Buffer.from([0]), stats)).toEqual([]);
    expect(stats).toMatchObject({ truncatedFrames: 0, overrunPackets: 0, unknownSizePackets: 0 });
  });

  it('an empty frame is counted as truncated', () => {
    const stats = newDecodeStats();
    expect(decodeFrame(Buffer.alloc(0), stats)).toEqual([]);
    expect(stats.truncatedFrames).toBe(1);
  });

  it('a frame cut inside the second packet keeps the first packet', () => {
    const stats = newDecodeStats();
    const ticks = decodeFrame(good.subarray(0, good.length - 10), stats);
    expect(ticks.map((tick) => tick.lastPrice)).toEqual([100]);
    expect(stats.overrunPackets).toBe(1);
  });

  it('a packet count larger than the packets present', () => {
    const lying = Buffer.from(good);
    lying.writeUInt16BE(5, 0);
    const stats = newDecodeStats();
    expect(decodeFrame(lying, stats)).toHaveLength(2);
    expect(stats.truncatedFrames).toBe(1);
  });

  it('an unknown packet size is skipped and the next packet still read', () => {
    const odd = Buffer.alloc(13);
    const frame = Buffer.concat([Buffer.from([0, 2, 0, 13]), odd, good.subarray(2 + 0)]);
    frame.writeUInt16BE(2, 0);
    // second packet: the first packet of `good` (its length prefix follows the odd packet)
    const stats = newDecodeStats();
    const ticks = decodeFrame(frame, stats);
    expect(stats.unknownSizePackets).toBe(1);
    expect(ticks.map((tick) => tick.lastPrice)).toEqual([100]);
  });

  it('random bytes never throw', () => {
    const stats = newDecodeStats();
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: i % 300 }, () => Math.floor(Math.random() * 256)));
      expect(() => decodeFrame(bytes, stats)).not.toThrow();
    }
    expect(stats.frames).toBe(2000);
  });
});
