import { afterEach, describe, expect, it } from 'vitest';
import { InstrumentCatalogue } from '../src/kite/instrument-catalogue.ts';
import { SimMarket } from '../src/sim/market-model.ts';
import { computeChainSnapshot } from '../src/tracker/chain-analytics.ts';
import { oiWindows } from '../src/tracker/oi-change.ts';
import { OiHistory } from '../src/tracker/oi-history.ts';
import { strikeWindow, atmStrike } from '../src/tracker/strikes.ts';
import { formatIstDateTime, formatIstIso, istWallClock } from '../src/util/ist.ts';

const originalTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = originalTz;
});

/** Everything time-dependent the tracker computes for one NIFTY cycle at a fixed instant. */
function computeEverything(): string {
  const now = istWallClock('2026-11-24', '14:30:15');
  const market = new SimMarket({ seed: 99, asOf: now });
  const catalogue = new InstrumentCatalogue(market.instruments());
  const series = { name: 'NIFTY', exchange: 'NFO' };
  const expiry = catalogue.nearestExpiry(series, now)!;
  const listing = catalogue.chain(series, expiry)!;
  const price = market.underlyingPrice(256265, now);
  const atm = atmStrike(price, 50);
  const { subscribed } = strikeWindow({ atm, step: 50, eachSide: 5, listed: listing.strikes });
  const history = new OiHistory();
  const options = subscribed.flatMap((strike) =>
    (['CE', 'PE'] as const).map((type) => ({ ...catalogue.option(series, expiry, strike, type)!, type })),
  );
  const quotes = new Map<number, { ltp: number; oi: number }>();
  for (const option of options) {
    const candles = market.candles(option.instrumentToken, now - 40 * 60_000, now - 60_000);
    history.mergeBackfill(
      option.instrumentToken,
      candles.map((c) => ({ time: c.time, oi: c.oi, ltp: c.close })),
    );
    quotes.set(option.instrumentToken, {
      ltp: market.optionPrice(option.instrumentToken, now),
      oi: market.openInterest(option.instrumentToken, now),
    });
  }
  const asChainOption = (o: (typeof options)[number]) => ({
    token: o.instrumentToken,
    symbol: o.tradingsymbol,
    strike: o.strike,
  });
  const snapshot = computeChainSnapshot({
    spec: { id: 'NSE', strikeStep: 50 },
    underlying: 'NIFTY 50',
    underlyingPrice: price,
    now,
    expiry,
    listedStrikes: listing.strikes,
    strikesEachSide: 5,
    calls: options.filter((o) => o.type === 'CE').map(asChainOption),
    puts: options.filter((o) => o.type === 'PE').map(asChainOption),
    quotes,
    history,
    windows: oiWindows(),
    wholeChain: null,
    status: 'Live',
    notes: [],
  });
  const expiryRoll = catalogue.nearestExpiry(series, istWallClock(expiry, '15:31'));
  return JSON.stringify({
    snapshot,
    iso: formatIstIso(now),
    kite: formatIstDateTime(now),
    expiry,
    expiryRoll,
  });
}

describe('all times are IST whatever the machine’s time zone', () => {
  it('gives the same numbers under TZ=UTC, Asia/Kolkata and America/Los_Angeles', () => {
    const results = ['UTC', 'Asia/Kolkata', 'America/Los_Angeles'].map((tz) => {
      process.env.TZ = tz;
      return computeEverything();
    });
    expect(new Date(0).getTimezoneOffset()).toBe(480); // the last zone really was in effect
    expect(results[1]).toBe(results[0]);
    expect(results[2]).toBe(results[0]);
    const parsed = JSON.parse(results[0]!);
    expect(parsed.iso).toBe('2026-11-24T14:30:15+05:30');
    expect(parsed.kite).toBe('2026-11-24 14:30:15');
    expect(parsed.expiryRoll > parsed.expiry).toBe(true);
    expect(parsed.snapshot.calls).toHaveLength(11);
    expect(
      parsed.snapshot.calls.filter(
        (row: { oiChangePct: Record<string, number | null> }) => row.oiChangePct['5'] !== null,
      ),
    ).toHaveLength(11);
  });
});
