import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../src/kite/types.ts';
import { INSTRUMENTS_CSV_HEADER, instrumentsCsv } from '../../src/sim/instruments.ts';
import { istDateOf, istMidnight, istWallClock, istWeekday } from '../../src/util/ist.ts';
import { SIM_UNDERLYINGS, SimMarket, type SimUnderlying } from '../../src/sim/market-model.ts';
import { hashNormal, hashUniform } from '../../src/sim/random.ts';

const NIFTY = 256265;
const SENSEX = 265;
const MINUTE = 60_000;
const asOf = istWallClock('2026-11-24', '09:00');
const market = new SimMarket({ seed: 7, asOf });

function find(m: SimMarket, tradingsymbol: string): Instrument {
  const row = m.instruments().find((r) => r.tradingsymbol === tradingsymbol);
  if (!row) throw new Error(`missing ${tradingsymbol}`);
  return row;
}

function onTick(price: number): boolean {
  return Math.abs(price * 20 - Math.round(price * 20)) < 1e-6;
}

/** Options of the two nearest expiries within ±5 strikes of the money at `t`, of one underlying or all. */
function nearMoney(m: SimMarket, t: number, only?: SimUnderlying): Instrument[] {
  return SIM_UNDERLYINGS.filter((u) => !only || u === only).flatMap((u) => {
    const atm = Math.round(m.underlyingPrice(u.indexToken, t) / u.strikeStep) * u.strikeStep;
    const rows = m.instruments().filter((r) => r.name === u.name && r.segment === u.optionSegment);
    const expiries = [...new Set(rows.map((r) => r.expiry))].sort().slice(0, 2);
    return rows.filter((r) => expiries.includes(r.expiry) && Math.abs(r.strike - atm) <= 5 * u.strikeStep);
  });
}

describe('random and IST helpers', () => {
  it('hashes deterministically into [0, 1)', () => {
    expect(hashUniform(1, 2, 3)).toBe(hashUniform(1, 2, 3));
    expect(hashUniform(1, 2, 3)).not.toBe(hashUniform(1, 3, 2));
    expect(hashUniform(1, 2 ** 40)).not.toBe(hashUniform(1, 2 ** 40 + 2 ** 32));
    const values = Array.from({ length: 10_000 }, (_, i) => hashUniform(9, i));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const normals = Array.from({ length: 10_000 }, (_, i) => hashNormal(9, i));
    const mean = normals.reduce((a, b) => a + b, 0) / normals.length;
    const variance = normals.reduce((a, b) => a + (b - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(variance).toBeGreaterThan(0.9);
    expect(variance).toBeLessThan(1.1);
  });

  it('does IST calendar arithmetic', () => {
    expect(istWallClock('2026-11-24', '09:15')).toBe(Date.UTC(2026, 10, 24, 3, 45));
    expect(istWallClock('2026-11-24', '00:00:30')).toBe(Date.UTC(2026, 10, 23, 18, 30, 30));
    expect(istDateOf(Date.UTC(2026, 10, 23, 18, 29, 59))).toBe('2026-11-23');
    expect(istDateOf(Date.UTC(2026, 10, 23, 18, 30))).toBe('2026-11-24');
    expect(istMidnight(istWallClock('2026-11-24', '23:59'))).toBe(istWallClock('2026-11-24', '00:00'));
    expect(istWeekday('2026-11-24')).toBe(2);
    expect(istWeekday('2026-11-26')).toBe(4);
  });
});

describe('instruments', () => {
  const rows = market.instruments();
  const options = rows.filter((r) => r.segment !== 'INDICES');

  it('lists five indices, each with its expiries x 81 strikes x CE/PE', () => {
    expect(
      rows.slice(0, 5).map((r) => [r.instrumentToken, r.exchangeToken, r.tradingsymbol, r.exchange]),
    ).toEqual([
      [NIFTY, 1001, 'NIFTY 50', 'NSE'],
      [SENSEX, 1, 'SENSEX', 'BSE'],
      [260105, 1016, 'NIFTY BANK', 'NSE'],
      [257801, 1007, 'NIFTY FIN SERVICE', 'NSE'],
      [288009, 1125, 'NIFTY MID SELECT', 'NSE'],
    ]);
    expect(options).toHaveLength((2 * 4 + 3 * 3) * 81 * 2);
    for (const u of SIM_UNDERLYINGS) {
      const own = options.filter((r) => r.name === u.name);
      expect(own).toHaveLength(u.listedExpiries * 81 * 2);
      expect(new Set(own.map((r) => r.strike)).size).toBe(81);
      expect(own.every((r) => r.strike % u.strikeStep === 0 && r.lotSize === u.lotSize)).toBe(true);
      expect(own.every((r) => r.exchange === u.optionExchange && r.segment === u.optionSegment)).toBe(true);
    }
  });

  it('lists the monthly index options on the month’s last Tuesday, with the current lot sizes and steps', () => {
    const listed = (name: string) => {
      const own = options.filter((r) => r.name === name);
      const strikes = [...new Set(own.map((r) => r.strike))].sort((a, b) => a - b);
      return {
        expiries: [...new Set(own.map((r) => r.expiry))].sort(),
        lot: own[0]?.lotSize,
        step: (strikes[1] ?? 0) - (strikes[0] ?? 0),
      };
    };
    const monthly = ['2026-11-24', '2026-12-29', '2027-01-26'];
    expect(listed('BANKNIFTY')).toEqual({ expiries: monthly, lot: 30, step: 100 });
    expect(listed('FINNIFTY')).toEqual({ expiries: monthly, lot: 60, step: 50 });
    expect(listed('MIDCPNIFTY')).toEqual({ expiries: monthly, lot: 120, step: 25 });
    expect(monthly.every((date) => istWeekday(date) === 2)).toBe(true);
    expect(find(market, 'BANKNIFTY26DEC58000CE').expiry).toBe('2026-12-29');
    expect(find(market, 'MIDCPNIFTY27JAN13000PE').expiry).toBe('2027-01-26');
  });

  it('builds tokens by the exchange_token * 256 + segment rule, unique and below 2^31', () => {
    const segmentCodes: Record<string, number> = { NFO: 2, BFO: 5, NSE: 9, BSE: 9 };
    for (const row of rows) {
      expect(row.instrumentToken).toBe(row.exchangeToken * 256 + (segmentCodes[row.exchange] ?? -1));
      expect(row.instrumentToken).toBeLessThan(2 ** 31);
    }
    expect(new Set(rows.map((r) => r.instrumentToken)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.exchangeToken)).size).toBe(rows.length);
    const later = new SimMarket({ seed: 7, asOf: asOf + 3 * 86_400_000 });
    expect(find(later, 'NIFTY26D0125600CE').instrumentToken).toBe(
      find(market, 'NIFTY26D0125600CE').instrumentToken,
    );
  });

  it('lists the expiry of the day itself, with weekly and monthly tradingsymbols', () => {
    const expiries = (name: string, m = market): string[] =>
      [
        ...new Set(
          m
            .instruments()
            .filter((r) => r.name === name && r.expiry)
            .map((r) => r.expiry),
        ),
      ].sort();
    expect(expiries('NIFTY')).toEqual(['2026-11-24', '2026-12-01', '2026-12-08', '2026-12-15']);
    expect(expiries('SENSEX')).toEqual(['2026-11-26', '2026-12-03', '2026-12-10', '2026-12-17']);
    const evening = new SimMarket({ seed: 7, asOf: istWallClock('2026-11-24', '23:59') });
    expect(expiries('NIFTY', evening)[0]).toBe('2026-11-24');
    const nextDay = new SimMarket({ seed: 7, asOf: istWallClock('2026-11-25', '00:00') });
    expect(expiries('NIFTY', nextDay)[0]).toBe('2026-12-01');

    expect(find(market, 'NIFTY26NOV25600CE').expiry).toBe('2026-11-24');
    expect(find(market, 'NIFTY26D0125600CE').expiry).toBe('2026-12-01');
    expect(find(market, 'SENSEX26D0385000PE').expiry).toBe('2026-12-03');
    expect(find(market, 'SENSEX26NOV84000PE').expiry).toBe('2026-11-26');
    const december = new SimMarket({ seed: 7, asOf: istWallClock('2026-12-22', '10:00') });
    expect(find(december, 'NIFTY26DEC25600PE').expiry).toBe('2026-12-29');
    expect(find(december, 'NIFTY2710525600CE').expiry).toBe('2027-01-05');
    expect(find(december, 'SENSEX26DEC84000CE').expiry).toBe('2026-12-31');
  });

  it('writes Kite’s CSV format, optionally for one exchange', () => {
    const csv = instrumentsCsv(rows);
    const lines = csv.split('\n');
    expect(lines[0]).toBe(INSTRUMENTS_CSV_HEADER);
    expect(lines[1]).toBe('256265,1001,NIFTY 50,NIFTY 50,0.0,,0.0,0.0,0,EQ,INDICES,NSE');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(rows.length + 2);
    const option = find(market, 'NIFTY26D0125600CE');
    expect(csv).toContain(
      `${option.instrumentToken},${option.exchangeToken},NIFTY26D0125600CE,NIFTY,0.0,2026-12-01,25600.0,0.05,75,CE,NFO-OPT,NFO\n`,
    );
    const bfo = instrumentsCsv(rows, 'BFO').trimEnd().split('\n').slice(1);
    expect(bfo).toHaveLength(4 * 81 * 2);
    expect(bfo.every((line) => line.endsWith(',BFO-OPT,BFO'))).toBe(true);
    expect(instrumentsCsv(rows, 'BSE').trimEnd().split('\n')).toHaveLength(2);
  });
});

describe('SimMarket prices', () => {
  const t = istWallClock('2026-11-24', '11:07:23');
  const atmCall = find(market, 'NIFTY26D0125600CE');
  const atmPut = find(market, 'NIFTY26D0125600PE');

  it('is deterministic per seed', () => {
    const twin = new SimMarket({ seed: 7, asOf });
    const other = new SimMarket({ seed: 8, asOf });
    for (const token of [NIFTY, SENSEX, atmCall.instrumentToken]) {
      expect(twin.price(token, t)).toBe(market.price(token, t));
      expect(twin.candles(token, t - 10 * MINUTE, t)).toEqual(market.candles(token, t - 10 * MINUTE, t));
    }
    expect(twin.quote(atmPut.instrumentToken, t)).toEqual(market.quote(atmPut.instrumentToken, t));
    expect(other.underlyingPrice(NIFTY, t)).not.toBe(market.underlyingPrice(NIFTY, t));
    expect(other.openInterest(atmCall.instrumentToken, t)).not.toBe(
      market.openInterest(atmCall.instrumentToken, t),
    );
  });

  it('does not depend on the process time zone', () => {
    const original = process.env.TZ;
    const snapshot = (zone: string) => {
      process.env.TZ = zone;
      const m = new SimMarket({ seed: 3, asOf: istWallClock('2026-11-24', '02:00') });
      const token = find(m, 'SENSEX26D0384000CE').instrumentToken;
      return {
        hour: new Date(0).getHours(),
        rows: instrumentsCsv(m.instruments()),
        quote: m.quote(token, t),
        index: m.quote(NIFTY, t),
        candles: m.candles(token, t - 30 * MINUTE, t),
        date: istDateOf(t),
      };
    };
    try {
      const utc = snapshot('UTC');
      const pacific = snapshot('America/Los_Angeles');
      const kiritimati = snapshot('Pacific/Kiritimati');
      expect(pacific.hour).not.toBe(utc.hour);
      expect({ ...pacific, hour: 0 }).toEqual({ ...utc, hour: 0 });
      expect({ ...kiritimati, hour: 0 }).toEqual({ ...utc, hour: 0 });
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });

  it('quotes on 0.05 ticks, never below one tick, and moves every second even at night', () => {
    for (let s = 0; s < 120; s += 7) {
      for (const row of market.instruments().filter((_, i) => i % 37 === 0)) {
        const price = market.price(row.instrumentToken, t + s * 1000);
        expect(onTick(price)).toBe(true);
        expect(price).toBeGreaterThanOrEqual(0.05);
      }
    }
    const night = istWallClock('2026-11-24', '21:00');
    const seconds = Array.from({ length: 60 }, (_, s) => market.underlyingPrice(SENSEX, night + s * 1000));
    expect(new Set(seconds).size).toBeGreaterThan(20);
  });

  it('prices options close to put-call parity', () => {
    const spot = market.underlyingPrice(NIFTY, t);
    const years = (istWallClock('2026-12-01', '15:30') - t) / (365 * 86_400_000);
    const parity = spot - 25_600 * Math.exp(-0.1 * years);
    const diff =
      market.optionPrice(atmCall.instrumentToken, t) - market.optionPrice(atmPut.instrumentToken, t);
    expect(Math.abs(diff - parity)).toBeLessThanOrEqual(0.1);
  });

  it('keeps daily index ranges sane over several days', () => {
    for (const u of SIM_UNDERLYINGS) {
      for (let day = 0; day < 6; day++) {
        const start = istWallClock('2026-11-24', '09:15') + day * 86_400_000;
        const session = Array.from({ length: 376 }, (_, m) =>
          market.underlyingPrice(u.indexToken, start + m * MINUTE),
        );
        const high = Math.max(...session);
        const low = Math.min(...session);
        expect((high - low) / low).toBeGreaterThan(0.002);
        expect((high - low) / low).toBeLessThan(0.025);
        expect(Math.abs(high / u.referenceLevel - 1)).toBeLessThan(0.05);
      }
    }
  });
});

describe('SimMarket open interest, quotes and candles', () => {
  const option = find(market, 'SENSEX26D0384000PE');
  const token = option.instrumentToken;

  it('keeps OI a positive multiple of the lot, building through the day', () => {
    const day = istWallClock('2026-11-25', '00:00');
    const far = find(market, 'SENSEX26D1780000CE');
    for (const row of [option, far]) {
      for (let m = 0; m < 1440; m += 13) {
        const oi = market.openInterest(row.instrumentToken, day + m * MINUTE);
        expect(oi).toBeGreaterThan(0);
        expect(oi % row.lotSize).toBe(0);
      }
    }
    const atm = find(market, 'NIFTY26D0125600CE').instrumentToken;
    const mean = (from: string, to: string) => {
      const a = istWallClock('2026-11-25', from);
      const b = istWallClock('2026-11-25', to);
      let sum = 0;
      for (let x = a; x < b; x += 5 * MINUTE) sum += market.openInterest(atm, x);
      return sum / ((b - a) / (5 * MINUTE));
    };
    expect(mean('16:00', '18:00') / mean('04:00', '06:00')).toBeGreaterThan(1.1);
  });

  it('bursts: near-money 5-minute OI rises of 8%+ a few times an hour, not most of the time', () => {
    for (const seed of [1, 2]) {
      const m = new SimMarket({ seed, asOf });
      const start = istWallClock('2026-11-24', '10:00');
      for (const underlying of SIM_UNDERLYINGS) {
        let hits = 0;
        let pairs = 0;
        const minutesWithHit = new Set<number>();
        for (let k = 0; k < 120; k++) {
          const at = start + k * MINUTE;
          for (const row of nearMoney(m, at, underlying)) {
            pairs++;
            const change =
              m.openInterest(row.instrumentToken, at) / m.openInterest(row.instrumentToken, at - 5 * MINUTE) -
              1;
            if (change >= 0.08) {
              hits++;
              minutesWithHit.add(k);
            }
          }
        }
        expect(hits).toBeGreaterThanOrEqual(2);
        expect(hits / pairs).toBeLessThan(0.02);
        expect(minutesWithHit.size).toBeLessThan(40);
      }
    }
  });

  it('builds candles that agree with prices and OI at the minute’s last second', () => {
    const from = istWallClock('2026-11-24', '13:00');
    const candles = market.candles(token, from - 1, from + 30 * MINUTE + 59_999);
    expect(candles).toHaveLength(31);
    expect(candles[0]?.time).toBe(from);
    for (const c of candles) {
      expect(c.oi).toBe(market.openInterest(token, c.time + 59_000));
      expect(c.close).toBe(market.optionPrice(token, c.time + 59_000));
      expect(c.open).toBe(market.optionPrice(token, c.time));
      expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
      expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
      expect(c.volume).toBeGreaterThanOrEqual(0);
    }
    const index = market.candles(NIFTY, from, from + 5 * MINUTE);
    expect(index.every((c) => c.oi === 0 && c.volume === 0)).toBe(true);
    expect(index[2]?.close).toBe(market.underlyingPrice(NIFTY, from + 2 * MINUTE + 59_000));
  });

  it('quotes everything a full tick needs, consistently over time', () => {
    const t = istWallClock('2026-11-24', '14:20:10');
    const quote = market.quote(token, t);
    expect(quote.tradable).toBe(true);
    expect(quote.lastPrice).toBe(market.optionPrice(token, t));
    expect(quote.oi).toBe(market.openInterest(token, t));
    expect(quote.oiDayHigh).toBeGreaterThanOrEqual(quote.oi);
    expect(quote.oiDayLow).toBeLessThanOrEqual(quote.oi);
    expect(quote.ohlc.high).toBeGreaterThanOrEqual(Math.max(quote.ohlc.open, quote.lastPrice));
    expect(quote.ohlc.low).toBeLessThanOrEqual(Math.min(quote.ohlc.open, quote.lastPrice));
    expect(quote.ohlc.open).toBe(market.optionPrice(token, istWallClock('2026-11-24', '00:00')));
    expect(quote.ohlc.close).toBe(market.optionPrice(token, istWallClock('2026-11-23', '23:59:59')));
    expect(quote.depth.buy).toHaveLength(5);
    expect(quote.depth.sell).toHaveLength(5);
    expect(quote.depth.buy[0]?.price).toBeLessThan(quote.depth.sell[0]?.price ?? 0);
    expect([...quote.depth.buy, ...quote.depth.sell].every((l) => onTick(l.price))).toBe(true);
    expect(quote.volume).toBeGreaterThan(0);
    expect(quote.volume % option.lotSize).toBe(0);
    expect(market.quote(token, t + 90_000).volume).toBeGreaterThanOrEqual(quote.volume);

    const dayStart = istWallClock('2026-11-24', '00:00');
    const minutes = market.candles(token, dayStart, t - MINUTE);
    const doneVolume = minutes.reduce((sum, c) => sum + c.volume, 0);
    expect(quote.volume).toBeGreaterThanOrEqual(doneVolume);
    const quoteAtMinuteEnd = market.quote(token, istWallClock('2026-11-24', '14:20:00'));
    expect(quoteAtMinuteEnd.volume).toBe(doneVolume);

    const index = market.quote(SENSEX, t);
    expect(index.tradable).toBe(false);
    expect(index.lastPrice).toBe(market.underlyingPrice(SENSEX, t));
    expect(index.change).toBeCloseTo(((index.lastPrice - index.ohlc.close) / index.ohlc.close) * 100, 10);
  });
});
