import type { DepthLevel, Tick } from './types.ts';

/** Kite's exchange segment codes, as carried in the low byte of an instrument token. */
export const Segment = {
  NSE: 1,
  NFO: 2,
  CDS: 3,
  BSE: 4,
  BFO: 5,
  BCD: 6,
  MCX: 7,
  MCXSX: 8,
  INDICES: 9,
} as const;

export const PacketSize = {
  ltp: 8,
  indexQuote: 28,
  indexFull: 32,
  quote: 44,
  full: 184,
} as const;

export function segmentOf(instrumentToken: number): number {
  return instrumentToken & 0xff;
}

export function priceDivisor(instrumentToken: number): number {
  const segment = segmentOf(instrumentToken);
  if (segment === Segment.CDS) return 10_000_000;
  if (segment === Segment.BCD) return 10_000;
  return 100;
}

/** Why packets were skipped; counters only grow. */
export interface DecodeStats {
  frames: number;
  packets: number;
  truncatedFrames: number;
  overrunPackets: number;
  unknownSizePackets: number;
}

export function newDecodeStats(): DecodeStats {
  return { frames: 0, packets: 0, truncatedFrames: 0, overrunPackets: 0, unknownSizePackets: 0 };
}

const seconds = (value: number): number | null => (value === 0 ? null : value * 1000);

function percentChange(last: number, close: number): number {
  return close === 0 ? 0 : ((last - close) * 100) / close;
}

function decodeIndexPacket(view: DataView, at: number, size: number, token: number): Tick {
  const divisor = priceDivisor(token);
  const lastPrice = view.getInt32(at + 4) / divisor;
  const ohlc = {
    high: view.getInt32(at + 8) / divisor,
    low: view.getInt32(at + 12) / divisor,
    open: view.getInt32(at + 16) / divisor,
    close: view.getInt32(at + 20) / divisor,
  };
  const tick: Tick = {
    mode: size === PacketSize.indexFull ? 'full' : 'quote',
    tradable: false,
    instrumentToken: token,
    lastPrice,
    ohlc,
    change: ohlc.close === 0 ? view.getInt32(at + 24) : percentChange(lastPrice, ohlc.close),
  };
  if (size === PacketSize.indexFull) tick.exchangeTimestamp = seconds(view.getInt32(at + 28));
  return tick;
}

function decodeDepth(view: DataView, at: number, divisor: number): { buy: DepthLevel[]; sell: DepthLevel[] } {
  const buy: DepthLevel[] = [];
  const sell: DepthLevel[] = [];
  for (let i = 0; i < 10; i++) {
    const entry = at + i * 12;
    (i < 5 ? buy : sell).push({
      quantity: view.getInt32(entry),
      price: view.getInt32(entry + 4) / divisor,
      orders: view.getUint16(entry + 8),
    });
  }
  return { buy, sell };
}

function decodeQuotePacket(view: DataView, at: number, size: number, token: number): Tick {
  const divisor = priceDivisor(token);
  const lastPrice = view.getInt32(at + 4) / divisor;
  const ohlc = {
    open: view.getInt32(at + 28) / divisor,
    high: view.getInt32(at + 32) / divisor,
    low: view.getInt32(at + 36) / divisor,
    close: view.getInt32(at + 40) / divisor,
  };
  const tick: Tick = {
    mode: size === PacketSize.full ? 'full' : 'quote',
    tradable: segmentOf(token) !== Segment.INDICES,
    instrumentToken: token,
    lastPrice,
    lastTradedQuantity: view.getInt32(at + 8),
    averageTradedPrice: view.getInt32(at + 12) / divisor,
    volumeTraded: view.getInt32(at + 16),
    totalBuyQuantity: view.getInt32(at + 20),
    totalSellQuantity: view.getInt32(at + 24),
    ohlc,
    change: percentChange(lastPrice, ohlc.close),
  };
  if (size === PacketSize.full) {
    tick.lastTradeTime = seconds(view.getInt32(at + 44));
    tick.oi = view.getInt32(at + 48);
    tick.oiDayHigh = view.getInt32(at + 52);
    tick.oiDayLow = view.getInt32(at + 56);
    tick.exchangeTimestamp = seconds(view.getInt32(at + 60));
    tick.depth = decodeDepth(view, at + 64, divisor);
  }
  return tick;
}

const KNOWN_SIZES = new Set<number>([
  PacketSize.ltp,
  PacketSize.indexQuote,
  PacketSize.indexFull,
  PacketSize.quote,
  PacketSize.full,
]);

function decodePacket(view: DataView, at: number, size: number): Tick | null {
  // Sizes are checked before any read: a short packet at the end of a frame must not read past it.
  if (!KNOWN_SIZES.has(size)) return null;
  const token = view.getUint32(at);
  if (size === PacketSize.ltp) {
    return {
      mode: 'ltp',
      tradable: segmentOf(token) !== Segment.INDICES,
      instrumentToken: token,
      lastPrice: view.getInt32(at + 4) / priceDivisor(token),
    };
  }
  if (size === PacketSize.indexQuote || size === PacketSize.indexFull) {
    return decodeIndexPacket(view, at, size, token);
  }
  if (size === PacketSize.quote || size === PacketSize.full) {
    return decodeQuotePacket(view, at, size, token);
  }
  return null;
}

/**
 * Decodes one binary ticker frame: a 2-byte packet count, then per packet a 2-byte length and
 * the packet. Reads straight from the frame's memory. Malformed parts are skipped and counted
 * in `stats`; this never throws for any input.
 */
export function decodeFrame(frame: Uint8Array, stats: DecodeStats = newDecodeStats()): Tick[] {
  stats.frames++;
  const ticks: Tick[] = [];
  if (frame.byteLength < 2) {
    if (frame.byteLength === 1) return ticks; // heartbeat
    stats.truncatedFrames++;
    return ticks;
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = view.getUint16(0);
  let at = 2;
  for (let i = 0; i < count; i++) {
    if (at + 2 > frame.byteLength) {
      stats.truncatedFrames++;
      break;
    }
    const size = view.getUint16(at);
    at += 2;
    if (at + size > frame.byteLength) {
      stats.overrunPackets++;
      break;
    }
    const tick = decodePacket(view, at, size);
    if (tick) {
      ticks.push(tick);
      stats.packets++;
    } else {
      stats.unknownSizePackets++;
    }
    at += size;
  }
  return ticks;
}

export function isHeartbeat(frame: Uint8Array): boolean {
  return frame.byteLength === 1;
}
