import { Segment, segmentOf } from '../kite/packet-codec.ts';
import type { Tick } from '../kite/types.ts';
import type { SimMarket } from './market-model.ts';

/** The full-mode tick the simulator's ticker sends for `token` at instant `now`. */
export function simTick(market: SimMarket, token: number, now: number): Tick {
  const q = market.quote(token, now);
  const change = q.ohlc.close === 0 ? 0 : ((q.lastPrice - q.ohlc.close) * 100) / q.ohlc.close;
  if (segmentOf(token) === Segment.INDICES) {
    return {
      mode: 'full',
      tradable: false,
      instrumentToken: token,
      lastPrice: q.lastPrice,
      ohlc: q.ohlc,
      change,
      exchangeTimestamp: now,
    };
  }
  return {
    mode: 'full',
    tradable: true,
    instrumentToken: token,
    lastPrice: q.lastPrice,
    lastTradedQuantity: q.lastQuantity,
    averageTradedPrice: q.averagePrice,
    volumeTraded: q.volume,
    totalBuyQuantity: q.buyQuantity,
    totalSellQuantity: q.sellQuantity,
    ohlc: q.ohlc,
    change,
    lastTradeTime: q.lastTradeTime,
    exchangeTimestamp: now,
    oi: q.oi,
    oiDayHigh: q.oiDayHigh,
    oiDayLow: q.oiDayLow,
    depth: q.depth,
  };
}
