import type { OptionChainListing, OptionSeries } from '../kite/instrument-catalogue.ts';
import type { InstrumentCatalogue } from '../kite/instrument-catalogue.ts';
import type { StrikeOi } from './chain-figures.ts';
import type { MarketRest } from './ports.ts';

/** OI of every strike of the expiry from the quote API (batched by the REST client). */
export async function fetchWholeChainOi(
  rest: MarketRest,
  catalogue: InstrumentCatalogue,
  series: OptionSeries,
  listing: OptionChainListing,
): Promise<StrikeOi[]> {
  const keys: string[] = [];
  const sideOf = new Map<string, { strike: number; type: 'CE' | 'PE' }>();
  for (const strike of listing.strikes) {
    for (const type of ['CE', 'PE'] as const) {
      const option = catalogue.option(series, listing.expiry, strike, type);
      if (!option) continue;
      const key = `${option.exchange}:${option.tradingsymbol}`;
      keys.push(key);
      sideOf.set(key, { strike, type });
    }
  }
  const quotes = await rest.quote(keys);
  const byStrike = new Map<number, StrikeOi>();
  for (const [key, quote] of quotes) {
    const side = sideOf.get(key);
    if (!side) continue;
    const row = byStrike.get(side.strike) ?? { strike: side.strike, callOi: 0, putOi: 0 };
    if (side.type === 'CE') row.callOi += quote.oi;
    else row.putOi += quote.oi;
    byStrike.set(side.strike, row);
  }
  return [...byStrike.values()].sort((a, b) => a.strike - b.strike);
}
