import type { InstrumentCatalogue } from './kite/instrument-catalogue.ts';
import type { TickerClient } from './kite/ticker-client.ts';
import type { Logger } from './log.ts';

/** Logs what the feed is delivering every `everyMs`: the last price of each index and tick counts. */
export function logFeedActivity(
  ticker: TickerClient,
  catalogue: InstrumentCatalogue,
  logger: Logger,
  everyMs = 5000,
): () => void {
  const last = new Map<number, { price: number; oi?: number }>();
  let ticks = 0;
  const onTicks = (batch: { instrumentToken: number; lastPrice: number; oi?: number }[]) => {
    ticks += batch.length;
    for (const tick of batch) last.set(tick.instrumentToken, { price: tick.lastPrice, oi: tick.oi });
  };
  ticker.on('ticks', onTicks);
  const timer = setInterval(() => {
    const prices: Record<string, string> = {};
    for (const [token, { price, oi }] of last) {
      const symbol = catalogue.byInstrumentToken(token)?.tradingsymbol ?? String(token);
      prices[symbol] = oi ? `${price} (OI ${oi})` : String(price);
    }
    logger.info({ ticks, connections: ticker.connectedCount, prices }, 'feed');
    ticks = 0;
  }, everyMs);
  return () => {
    clearInterval(timer);
    ticker.off('ticks', onTicks);
  };
}
