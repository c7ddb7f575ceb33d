import type { Quote } from '../kite/rest-client.ts';
import type { Candle } from '../kite/types.ts';
import type { MarketRest } from './ports.ts';

interface Waiting {
  keys: readonly string[];
  resolve(quotes: Map<string, Quote>): void;
  reject(error: unknown): void;
}

/**
 * Quote calls made in the same turn of the event loop (every chain and expiry of one cycle round) go to
 * Kite as one request, which the REST client splits at its batch size: Kite's quote budget of one
 * request a second then serves several chains and expiries each round.
 */
export class QuoteBatcher implements MarketRest {
  private waiting: Waiting[] = [];

  constructor(private readonly rest: MarketRest) {}

  historicalMinutes(token: number, fromMs: number, toMs: number): Promise<Candle[]> {
    return this.rest.historicalMinutes(token, fromMs, toMs);
  }

  quote(keys: readonly string[]): Promise<Map<string, Quote>> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => void this.flush());
      this.waiting.push({ keys, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting.splice(0);
    try {
      const quotes = await this.rest.quote([...new Set(batch.flatMap((waiting) => waiting.keys))]);
      for (const { keys, resolve } of batch) {
        resolve(new Map(keys.flatMap((key) => (quotes.has(key) ? [[key, quotes.get(key)!] as const] : []))));
      }
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }
}
