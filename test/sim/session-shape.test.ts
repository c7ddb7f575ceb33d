import { describe, expect, it } from 'vitest';
import { SIM_UNDERLYINGS, SimMarket } from '../../src/sim/market-model.ts';
import { oiWindows } from '../../src/tracker/oi-change.ts';
import { istWallClock } from '../../src/util/ist.ts';

const MINUTE = 60_000;
const WINDOWS = oiWindows(); // the defaults: 5, 10, 15, 30 minutes at 8, 10, 15, 25 %
const DEFAULT_CHAINS = SIM_UNDERLYINGS.filter((u) => u.name === 'NIFTY' || u.name === 'SENSEX');
const SESSIONS = ['2026-12-02', '2026-11-27'];

/** The tracker's window: the nearest expiry, 5 strikes each side of the money at `t`. */
function trackedOptions(market: SimMarket, underlying: (typeof SIM_UNDERLYINGS)[number], t: number) {
  const rows = market.instruments().filter((row) => row.name === underlying.name && row.expiry);
  const expiry = [...new Set(rows.map((row) => row.expiry))].sort()[0];
  const step = underlying.strikeStep;
  const atm = Math.round(market.underlyingPrice(underlying.indexToken, t) / step) * step;
  return rows.filter((row) => row.expiry === expiry && Math.abs(row.strike - atm) <= 5 * step);
}

/** The first instant (30 s cycles from 09:15) at which an option of the window breaches, or null. */
function firstBreach(market: SimMarket, underlying: (typeof SIM_UNDERLYINGS)[number], open: number) {
  for (let t = open + 30_000; t <= open + 10 * MINUTE; t += 30_000) {
    for (const row of trackedOptions(market, underlying, t)) {
      const now = market.openInterest(row.instrumentToken, t);
      for (const window of WINDOWS) {
        // The base is the latest minute candle at or before now − window (OI at its last second).
        const base = market.openInterest(
          row.instrumentToken,
          Math.floor((t - window.minutes * MINUTE) / MINUTE) * MINUTE - 1000,
        );
        if (Math.abs((now - base) / base) * 100 >= window.thresholdPct) return t;
      }
    }
  }
  return null;
}

describe('the simulated session’s shape', () => {
  it('breaches the default thresholds within ten minutes of 09:15 in every chain, for 20 seeds', () => {
    for (const date of SESSIONS) {
      const open = istWallClock(date, '09:15');
      for (let seed = 1; seed <= 20; seed++) {
        const market = new SimMarket({ seed, asOf: open });
        for (const underlying of SIM_UNDERLYINGS) {
          const at = firstBreach(market, underlying, open);
          expect(at, `${underlying.name} seed ${seed} ${date}`).not.toBeNull();
          expect(at! - open).toBeLessThanOrEqual(10 * MINUTE);
        }
      }
    }
  });

  it('builds differently across strikes at the open, strongest near the money, some not at all', () => {
    const open = istWallClock(SESSIONS[0]!, '09:15');
    for (let seed = 1; seed <= 20; seed++) {
      const market = new SimMarket({ seed, asOf: open });
      for (const underlying of DEFAULT_CHAINS) {
        const rows = trackedOptions(market, underlying, open);
        const gains = rows.map(
          (row) =>
            market.openInterest(row.instrumentToken, open + 15 * MINUTE) /
              market.openInterest(row.instrumentToken, open - MINUTE) -
            1,
        );
        expect(new Set(gains.map((gain) => gain.toFixed(3))).size).toBeGreaterThan(rows.length / 2);
        expect(Math.max(...gains)).toBeGreaterThan(0.15);
        expect(gains.filter((gain) => gain < 0.1).length).toBeGreaterThanOrEqual(rows.length / 3);
      }
    }
  });

  it('keeps OI flat from the close to midnight and before the open', () => {
    const market = new SimMarket({ seed: 5, asOf: istWallClock(SESSIONS[0]!, '09:15') });
    const rows = trackedOptions(market, DEFAULT_CHAINS[0]!, istWallClock(SESSIONS[0]!, '15:30'));
    for (const row of rows) {
      const oiAt = (time: string) =>
        market.openInterest(row.instrumentToken, istWallClock(SESSIONS[0]!, time));
      expect(oiAt('21:00')).toBe(oiAt('15:30'));
      expect(oiAt('23:59')).toBe(oiAt('15:30'));
      expect(oiAt('09:14')).toBe(oiAt('07:00'));
    }
  });
});
