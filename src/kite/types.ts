/** Shapes of Kite Connect data as the rest of the project sees them. */

export type TickMode = 'ltp' | 'quote' | 'full';

export interface Ohlc {
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface DepthLevel {
  quantity: number;
  price: number;
  orders: number;
}

/** One decoded ticker packet. Optional fields are present only in the modes that carry them. */
export interface Tick {
  mode: TickMode;
  tradable: boolean;
  instrumentToken: number;
  lastPrice: number;
  lastTradedQuantity?: number;
  averageTradedPrice?: number;
  volumeTraded?: number;
  totalBuyQuantity?: number;
  totalSellQuantity?: number;
  ohlc?: Ohlc;
  /** Percent change of lastPrice over the previous close (0 when close is 0). */
  change?: number;
  /** Epoch milliseconds, or null when the packet carries 0. */
  lastTradeTime?: number | null;
  exchangeTimestamp?: number | null;
  oi?: number;
  oiDayHigh?: number;
  oiDayLow?: number;
  depth?: { buy: DepthLevel[]; sell: DepthLevel[] };
}

export type OptionType = 'CE' | 'PE';

/** One row of Kite's instruments CSV, typed. */
export interface Instrument {
  instrumentToken: number;
  exchangeToken: number;
  tradingsymbol: string;
  name: string;
  lastPrice: number;
  /** `YYYY-MM-DD`, or '' for instruments without expiry. */
  expiry: string;
  strike: number;
  tickSize: number;
  lotSize: number;
  instrumentType: string;
  segment: string;
  exchange: string;
}

/** One minute candle; `time` is epoch ms of the minute's start. */
export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  oi: number;
}
