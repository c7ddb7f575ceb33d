import type { Tick } from '../../src/kite/types.ts';
import { exitDecision, mtmPaise, toPaise } from '../../src/paper/position.ts';
import type { PositionRecord } from '../../src/store/paper-store.ts';
import { BENCH_TOKENS, benchBook, instrumentOf } from './paper-fixture.ts';
import { compareThroughput, type BenchResult } from './result.ts';

const POSITIONS = 500;

/** The hot path must keep up with a full-mode feed with room to spare: 5 µs/tick is 200,000 ticks/s. */
const BAR_US = 5;

/** Per-tick cost of MTM and exit checks with 500 open positions, against a scan of every position per tick. */
export function tickToMtm(): BenchResult {
  const clock = Date.UTC(2026, 10, 25, 5, 0, 0);
  const { book, done } = benchBook(() => clock);
  try {
    const records: (PositionRecord & { lastPaise: number })[] = [];
    for (let i = 0; i < POSITIONS; i++) {
      const token = BENCH_TOKENS[i % BENCH_TOKENS.length]!;
      const json = book.placeOrder({
        owner: 'bench',
        chainId: 'NSE',
        instrument: instrumentOf(token),
        side: i % 2 === 0 ? 'BUY' : 'SELL',
        tp: 10_000,
        sl: 10_000,
        price: { ltp: 200, at: clock },
        feedUp: true,
      });
      records.push({
        id: json.id,
        chainId: 'NSE',
        owner: 'bench',
        token,
        symbol: json.symbol,
        strike: 25_000,
        type: 'CE',
        side: json.side,
        qty: 75,
        entryPaise: 20_000,
        entryTime: clock,
        targetPaise: 1_000_000,
        stopPaise: 1_000_000,
        exitPaise: null,
        exitTime: null,
        exitReason: null,
        realizedPaise: null,
        lastPaise: 20_000,
      });
    }
    const ticks: Tick[] = Array.from({ length: 1000 }, (_, i) => ({
      mode: 'ltp',
      tradable: true,
      instrumentToken: BENCH_TOKENS[i % BENCH_TOKENS.length]!,
      lastPrice: 150 + (i % 100) * 0.05,
    }));
    let i = 0;
    let sink = 0;
    const measured = compareThroughput(
      () => {
        book.onTicks([ticks[i++ % ticks.length]!]);
        return 1;
      },
      () => {
        const tick = ticks[i++ % ticks.length]!;
        const ltp = toPaise(tick.lastPrice);
        for (const position of records) {
          if (position.token !== tick.instrumentToken) continue;
          position.lastPaise = ltp;
          sink += mtmPaise(position, ltp);
          if (exitDecision(position, ltp)) sink++;
        }
        return 1;
      },
    );
    if (Number.isNaN(sink) || book.openPositions().length !== POSITIONS)
      throw new Error('tick_to_mtm: a position exited');
    const micros = 1e6 / measured.ours;
    return {
      value: Math.round(micros * 100) / 100,
      unit: 'µs/tick',
      baseline: Math.round((1e6 / measured.baseline) * 100) / 100,
      ratio: measured.ratio,
      bar: `≤ ${BAR_US} µs/tick`,
      pass: micros <= BAR_US,
    };
  } finally {
    done();
  }
}
