import { PacketSize, Segment, priceDivisor, segmentOf } from './packet-codec.ts';
import type { Tick } from './types.ts';

/** Size of the packet that carries `tick` in its mode (index packets are shorter). */
export function packetSize(tick: Tick): number {
  if (tick.mode === 'ltp') return PacketSize.ltp;
  if (segmentOf(tick.instrumentToken) === Segment.INDICES) {
    return tick.mode === 'full' ? PacketSize.indexFull : PacketSize.indexQuote;
  }
  return tick.mode === 'full' ? PacketSize.full : PacketSize.quote;
}

const toSeconds = (ms: number | null | undefined): number => (ms ? Math.floor(ms / 1000) : 0);

function writePacket(view: DataView, at: number, size: number, tick: Tick): void {
  const divisor = priceDivisor(tick.instrumentToken);
  const price = (value: number | undefined): number => Math.round((value ?? 0) * divisor);
  const ohlc = tick.ohlc ?? { open: 0, high: 0, low: 0, close: 0 };
  view.setUint32(at, tick.instrumentToken);
  view.setInt32(at + 4, price(tick.lastPrice));
  if (size === PacketSize.ltp) return;

  if (size === PacketSize.indexQuote || size === PacketSize.indexFull) {
    view.setInt32(at + 8, price(ohlc.high));
    view.setInt32(at + 12, price(ohlc.low));
    view.setInt32(at + 16, price(ohlc.open));
    view.setInt32(at + 20, price(ohlc.close));
    view.setInt32(at + 24, price(tick.lastPrice - ohlc.close));
    if (size === PacketSize.indexFull) view.setInt32(at + 28, toSeconds(tick.exchangeTimestamp));
    return;
  }

  view.setInt32(at + 8, tick.lastTradedQuantity ?? 0);
  view.setInt32(at + 12, price(tick.averageTradedPrice));
  view.setInt32(at + 16, tick.volumeTraded ?? 0);
  view.setInt32(at + 20, tick.totalBuyQuantity ?? 0);
  view.setInt32(at + 24, tick.totalSellQuantity ?? 0);
  view.setInt32(at + 28, price(ohlc.open));
  view.setInt32(at + 32, price(ohlc.high));
  view.setInt32(at + 36, price(ohlc.low));
  view.setInt32(at + 40, price(ohlc.close));
  if (size === PacketSize.quote) return;

  view.setInt32(at + 44, toSeconds(tick.lastTradeTime));
  view.setInt32(at + 48, tick.oi ?? 0);
  view.setInt32(at + 52, tick.oiDayHigh ?? 0);
  view.setInt32(at + 56, tick.oiDayLow ?? 0);
  view.setInt32(at + 60, toSeconds(tick.exchangeTimestamp));
  const levels = [...(tick.depth?.buy ?? []).slice(0, 5), ...(tick.depth?.sell ?? []).slice(0, 5)];
  levels.forEach((level, i) => {
    const entry = at + 64 + i * 12;
    view.setInt32(entry, level.quantity);
    view.setInt32(entry + 4, price(level.price));
    view.setUint16(entry + 8, level.orders);
  });
}

/** Encodes ticks into one binary ticker frame, each in the packet size of its mode. */
export function encodeFrame(ticks: readonly Tick[]): Buffer {
  const sizes = ticks.map(packetSize);
  const total = 2 + sizes.reduce((sum, size) => sum + 2 + size, 0);
  const frame = Buffer.alloc(total);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  view.setUint16(0, ticks.length);
  let at = 2;
  ticks.forEach((tick, i) => {
    const size = sizes[i]!;
    view.setUint16(at, size);
    writePacket(view, at + 2, size, tick);
    at += 2 + size;
  });
  return frame;
}

export const HEARTBEAT_FRAME: Buffer = Buffer.from([0]);
