import type { InstrumentCatalogue, OptionChainListing, OptionSeries } from '../kite/instrument-catalogue.ts';
import type { ChainOption } from './chain-analytics.ts';
import type { ChainStore, TickerSubscriptions } from './ports.ts';
import { strikeWindow, subscriptionDiff } from './strikes.ts';
import type { ChainSpec } from './types.ts';

export type WindowOption = ChainOption & { type: 'CE' | 'PE' };

export interface OptionWindowDeps {
  spec: ChainSpec;
  series: OptionSeries;
  /** 0 the nearest expiry, 1 the next, … */
  expiryRank: number;
  catalogue: InstrumentCatalogue;
  ticker: TickerSubscriptions;
  store: Pick<ChainStore, 'upsertInstruments'>;
  strikesEachSide: number;
  /** Tokens no longer followed: their live values must go. */
  onDropped: (tokens: Iterable<number>) => void;
  warn: (message: string, error?: unknown) => void;
}

/**
 * The options one tracker follows: its expiry's listing (re-picked as expiries roll), and the strikes
 * around ATM subscribed on the ticker, each stored as an instrument when it is first subscribed.
 */
export class OptionWindow {
  private current: OptionChainListing | null = null;
  private tokens = new Set<number>();
  private byToken = new Map<number, WindowOption>();

  constructor(private readonly deps: OptionWindowDeps) {}

  get listing(): OptionChainListing | null {
    return this.current;
  }

  /** The subscribed options' tokens. */
  get subscribed(): ReadonlySet<number> {
    return this.tokens;
  }

  get options(): ReadonlyMap<number, WindowOption> {
    return this.byToken;
  }

  /** Picks its expiry: the nearest, or the next, … (each rolls on after 15:30 IST on expiry day). */
  refreshListing(now: number): void {
    const { catalogue, series, ticker } = this.deps;
    const expiry = catalogue.upcomingExpiries(series, now)[this.deps.expiryRank];
    if (expiry === this.current?.expiry) return;
    this.current = expiry ? (catalogue.chain(series, expiry) ?? null) : null;
    if (this.tokens.size > 0) ticker.unsubscribe([...this.tokens]);
    this.deps.onDropped(this.tokens);
    this.tokens = new Set();
    this.byToken = new Map();
  }

  /** Subscribes the strikes around `atm` (and a buffer strike each side) and drops the others. */
  follow(atm: number): void {
    const listing = this.current!;
    const { subscribed } = strikeWindow({
      atm,
      step: this.deps.spec.strikeStep,
      eachSide: this.deps.strikesEachSide,
      listed: listing.strikes,
    });
    const wanted = new Map<number, WindowOption>();
    for (const strike of subscribed) {
      for (const type of ['CE', 'PE'] as const) {
        const option = this.deps.catalogue.option(this.deps.series, listing.expiry, strike, type);
        if (option)
          wanted.set(option.instrumentToken, {
            token: option.instrumentToken,
            symbol: option.tradingsymbol,
            strike,
            type,
          });
      }
    }
    const diff = subscriptionDiff(this.tokens, new Set(wanted.keys()));
    if (diff.subscribe.length > 0) {
      this.deps.ticker.subscribe(diff.subscribe, 'full');
      this.saveInstruments(diff.subscribe.map((token) => wanted.get(token)!));
    }
    if (diff.unsubscribe.length > 0) {
      this.deps.ticker.unsubscribe(diff.unsubscribe);
      this.deps.onDropped(diff.unsubscribe);
    }
    this.tokens = new Set(wanted.keys());
    this.byToken = wanted;
  }

  /** Forgets the subscriptions (the caller unsubscribes them) and answers their tokens. */
  release(): number[] {
    const tokens = [...this.tokens];
    this.tokens.clear();
    return tokens;
  }

  private saveInstruments(options: WindowOption[]): void {
    const listing = this.current!;
    try {
      this.deps.store.upsertInstruments(
        options.map((option) => ({
          token: option.token,
          chainId: this.deps.spec.id,
          symbol: option.symbol,
          strike: option.strike,
          optionType: option.type,
          expiry: listing.expiry,
          exchange: this.deps.series.exchange,
          lotSize: listing.lotSize,
        })),
      );
    } catch (error) {
      this.deps.warn(`${this.deps.spec.id}: could not store instruments`, error);
    }
  }
}
