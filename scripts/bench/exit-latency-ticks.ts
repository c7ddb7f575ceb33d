import type { Tick } from '../../src/kite/types.ts';
import { mulberry32 } from '../../src/sim/random.ts';
import { BENCH_TOKENS, benchBook, instrumentOf } from './paper-fixture.ts';
import type { BenchResult } from './result.ts';

const POSITIONS = 200;
const TICKS = 20_000;

interface Watched {
  id: string;
  token: number;
  long: boolean;
  /** Levels in paise, computed here independently of the book. */
  upper: number;
  lower: number;
  firstCrossing: number | null;
  closedAt: number | null;
}

/**
 * Over a random-walk session with many positions: ticks between the first tick beyond a level
 * (judged here, independently) and the book's exit. Value: the worst case over all exits.
 */
export function exitLatencyTicks(): BenchResult {
  const random = mulberry32(5);
  let clock = Date.UTC(2026, 10, 25, 5, 0, 0);
  const { book, done } = benchBook(() => clock);
  try {
    const paise = new Map(BENCH_TOKENS.map((token) => [token, 20_000 + Math.floor(random() * 20_000)]));
    const watched = new Map<string, Watched>();
    let tickIndex = 0;
    book.on('position_closed', (event) => {
      const entry = watched.get(event.position_id);
      if (entry) entry.closedAt = tickIndex;
    });
    for (let i = 0; i < POSITIONS; i++) {
      const token = BENCH_TOKENS[i % BENCH_TOKENS.length]!;
      const ltp = paise.get(token)! / 100;
      const tp = 5 + Math.floor(random() * 60) * 0.5;
      const sl = 5 + Math.floor(random() * 60) * 0.5;
      const long = random() < 0.5;
      const position = book.placeOrder({
        owner: `bench:${i % 7}`,
        chainId: 'NSE',
        instrument: instrumentOf(token),
        side: long ? 'BUY' : 'SELL',
        tp,
        sl,
        price: { ltp, at: clock },
        feedUp: true,
      });
      const entry = Math.round(ltp * 100);
      const [up, down] = long ? [tp, sl] : [sl, tp];
      watched.set(position.id, {
        id: position.id,
        token,
        long,
        upper: entry + Math.round(up * 100),
        lower: entry - Math.round(down * 100),
        firstCrossing: null,
        closedAt: null,
      });
    }
    for (tickIndex = 0; tickIndex < TICKS; tickIndex++) {
      clock += 50;
      const token = BENCH_TOKENS[Math.floor(random() * BENCH_TOKENS.length)]!;
      const step = Math.round(((random() - 0.5) * 2 * 300) / 5) * 5; // up to ±3 rupees, on the 0.05 tick
      const next = Math.max(5, paise.get(token)! + step);
      paise.set(token, next);
      for (const entry of watched.values()) {
        if (
          entry.token === token &&
          entry.firstCrossing === null &&
          (next >= entry.upper || next <= entry.lower)
        ) {
          entry.firstCrossing = tickIndex;
        }
      }
      const tick: Tick = { mode: 'ltp', tradable: true, instrumentToken: token, lastPrice: next / 100 };
      book.onTicks([tick]);
    }
    const exits = [...watched.values()].filter(
      (entry) => entry.firstCrossing !== null || entry.closedAt !== null,
    );
    const latencies = exits.map((entry) =>
      entry.closedAt === null || entry.firstCrossing === null
        ? Number.POSITIVE_INFINITY
        : entry.closedAt - entry.firstCrossing,
    );
    const worst = Math.max(0, ...latencies.map(Math.abs));
    return {
      value: worst,
      unit: `ticks (worst of ${exits.length} exits)`,
      bar: '0 for every exit',
      pass: worst === 0 && exits.length > POSITIONS / 2,
    };
  } finally {
    done();
  }
}
