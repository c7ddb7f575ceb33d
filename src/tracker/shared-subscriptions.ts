import type { TickMode } from '../kite/types.ts';
import type { TickerSubscriptions } from './ports.ts';

/**
 * One ticker shared by trackers whose tokens overlap (two expiries of a chain share the index, and at
 * the roll the next expiry's options): a token stays subscribed while any tracker wants it.
 */
export class SharedSubscriptions implements TickerSubscriptions {
  private readonly holders = new Map<number, number>();

  constructor(private readonly ticker: TickerSubscriptions) {}

  get connectedCount(): number {
    return this.ticker.connectedCount;
  }

  subscribe(tokens: readonly number[], mode: TickMode): void {
    const fresh: number[] = [];
    for (const token of tokens) {
      const count = this.holders.get(token) ?? 0;
      this.holders.set(token, count + 1);
      if (count === 0) fresh.push(token);
    }
    if (fresh.length > 0) this.ticker.subscribe(fresh, mode);
  }

  unsubscribe(tokens: readonly number[]): void {
    const released: number[] = [];
    for (const token of tokens) {
      const count = this.holders.get(token) ?? 0;
      if (count <= 1) {
        if (count === 1) released.push(token);
        this.holders.delete(token);
      } else this.holders.set(token, count - 1);
    }
    if (released.length > 0) this.ticker.unsubscribe(released);
  }
}
