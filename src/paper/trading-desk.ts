import { findChain } from '../chain-specs.ts';
import { UserError } from '../errors.ts';
import type { ExitRequest, OrderRequest, TradingDesk } from './types.ts';
import type { ChainTracker } from '../tracker/chain-tracker.ts';
import { resolveTradableOption } from '../tracker/tradable-option.ts';
import type { PaperBook, PriceOf } from './paper-book.ts';
import type { PositionJson } from './position.ts';

/** Paper trading over the tracked chains: resolves options in their windows and prices them from the feed. */
export class PaperTradingDesk implements TradingDesk {
  constructor(
    private readonly book: PaperBook,
    private readonly trackers: readonly ChainTracker[],
    private readonly feedUp: () => boolean,
    private readonly defaultQty?: number,
  ) {}

  placeOrder(request: OrderRequest): PositionJson {
    const { tracker, option } = resolveTradableOption(this.trackers, request);
    return this.book.placeOrder({
      owner: request.owner,
      chainId: tracker.spec.id,
      instrument: option,
      side: request.side,
      qty: request.qty ?? this.defaultQty,
      tp: request.tp,
      sl: request.sl,
      price: tracker.latestPrice(option.token),
      feedUp: this.feedUp(),
    });
  }

  exit(request: ExitRequest): PositionJson[] {
    if ('positionId' in request) return this.book.exit(request, this.priceOf);
    return this.book.exit(
      { owner: request.owner, chainId: this.chainId(request.chain), all: true },
      this.priceOf,
    );
  }

  summary(filter: { owner?: string; chain?: string }) {
    const ids =
      filter.chain === undefined ? this.trackers.map((t) => t.spec.id) : [this.chainId(filter.chain)];
    return this.book.summary(ids, filter.owner);
  }

  private readonly priceOf: PriceOf = (token) => {
    for (const tracker of this.trackers) {
      const price = tracker.latestPrice(token);
      if (price) return price;
    }
    return null;
  };

  private chainId(name: string): string {
    const spec = findChain(
      this.trackers.map((tracker) => tracker.spec),
      name,
    );
    if (!spec) {
      const known = this.trackers.map((tracker) => tracker.spec.id).join(', ');
      throw new UserError(`unknown chain "${name}"; use one of ${known}`);
    }
    return spec.id;
  }
}
