import { testAlertEngine } from '../../test/support/alert-engine.ts';
import type { Tick } from '../../src/kite/types.ts';
import { benchTelegram, BENCH_CHATS, percentile } from './telegram-bench-bot.ts';
import { BENCH_TOKENS, benchBook, instrumentOf } from './paper-fixture.ts';
import type { BenchResult } from './result.ts';

const SAMPLES = 60;
const BAR_MS = 1000;
/** Between samples, to stay under Telegram's 30 messages a second overall (the adapter enforces it). */
const GAP_MS = 50;

/**
 * From the tick that crosses a paper position's target to the auto-exit alert arriving at the loopback
 * Telegram server: paper book → alert engine → Telegram adapter (paced send queue) → HTTP. Value: p99.
 */
export async function alertLatency(): Promise<BenchResult> {
  const telegram = await benchTelegram();
  const { book, done } = benchBook(Date.now);
  const engine = testAlertEngine({ notifiers: [telegram.bot] });
  book.on('position_closed', (event) => engine.onPositionClosed(event));
  try {
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      const chatId = BENCH_CHATS[i % BENCH_CHATS.length]!;
      const token = BENCH_TOKENS[i % BENCH_TOKENS.length]!;
      const position = book.placeOrder({
        owner: `telegram:${chatId}`,
        chainId: 'NSE',
        instrument: instrumentOf(token),
        side: 'BUY',
        tp: 1,
        sl: 1,
        price: { ltp: 100, at: Date.now() },
        feedUp: true,
      });
      const crossing: Tick = { mode: 'full', tradable: true, instrumentToken: token, lastPrice: 101.05 };
      const start = performance.now();
      book.onTicks([crossing]);
      await telegram.server.waitForCall(
        'sendMessage',
        (call) => call.body.chat_id == chatId && String(call.body.text).includes(position.id),
        10_000,
      );
      latencies.push(performance.now() - start);
    }
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    return {
      value: Math.round(p99 * 100) / 100,
      unit: 'ms',
      bar: `p99 ≤ ${BAR_MS} ms`,
      pass: p99 <= BAR_MS,
    };
  } finally {
    await engine.stop();
    await telegram.close();
    done();
  }
}
