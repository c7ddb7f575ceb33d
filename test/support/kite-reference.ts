import { KiteTicker } from 'kiteconnect';

type Parsed = Record<string, unknown>;

/** The official `kiteconnect` parser (`KiteTicker.parseBinary`), the reference our decoder must agree with. */
export function referenceParse(frame: Uint8Array): Parsed[] {
  const ticker = new KiteTicker({ api_key: 'reference', access_token: 'reference' });
  const copy = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer;
  return (ticker as unknown as { parseBinary(buffer: ArrayBuffer): Parsed[] }).parseBinary(copy);
}

const dateOrNull = (ms: number | null | undefined) => (ms ? new Date(ms) : null);

/** Our Tick in the official parser's field names, to compare the two field by field. */
export function inKiteShape(tick: import('../../src/kite/types.ts').Tick): Parsed {
  const shaped: Parsed = {
    tradable: tick.tradable,
    mode: tick.mode,
    instrument_token: tick.instrumentToken,
    last_price: tick.lastPrice,
  };
  if (tick.mode === 'ltp') return shaped;
  if (tick.lastTradedQuantity !== undefined) {
    Object.assign(shaped, {
      last_traded_quantity: tick.lastTradedQuantity,
      average_traded_price: tick.averageTradedPrice,
      volume_traded: tick.volumeTraded,
      total_buy_quantity: tick.totalBuyQuantity,
      total_sell_quantity: tick.totalSellQuantity,
    });
  }
  shaped.ohlc = tick.ohlc;
  shaped.change = tick.change;
  if (tick.lastTradeTime !== undefined) shaped.last_trade_time = dateOrNull(tick.lastTradeTime);
  if (tick.exchangeTimestamp !== undefined) shaped.exchange_timestamp = dateOrNull(tick.exchangeTimestamp);
  if (tick.oi !== undefined) {
    Object.assign(shaped, {
      oi: tick.oi,
      oi_day_high: tick.oiDayHigh,
      oi_day_low: tick.oiDayLow,
      depth: tick.depth,
    });
  }
  return shaped;
}
