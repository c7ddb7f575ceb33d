import { benchTelegram, BENCH_CHATS, percentile } from './telegram-bench-bot.ts';
import type { BenchResult } from './result.ts';

const SAMPLES = 40;
/** The answer should be on the phone within a second; the slowest 1% within two. */
const P50_BAR_MS = 1000;
const P99_BAR_MS = 2000;
/** Between samples, to stay under Telegram's 30 messages a second overall (the adapter enforces it). */
const GAP_MS = 50;
const pause = () => new Promise((resolve) => setTimeout(resolve, GAP_MS));
const WARM_UP = 5;

/**
 * From a message being available to the bot's long poll to its answer arriving at the loopback Bot API
 * server: `/chain NSE` (PNG, sendPhoto) against `/help` (text) in the same run.
 */
export async function telegramChainRoundtrip(): Promise<Record<string, BenchResult>> {
  const telegram = await benchTelegram();
  try {
    let chat = 0;
    const roundTrip = async (text: string, method: string) => {
      await pause();
      const chatId = BENCH_CHATS[chat++ % BENCH_CHATS.length]!;
      const start = performance.now();
      telegram.server.injectMessage({ chatId, fromId: chatId, text });
      await telegram.server.waitForCall(method, (call) => call.body.chat_id == chatId, 30_000);
      return performance.now() - start;
    };
    const measure = async (text: string, method: string) => {
      for (let i = 0; i < WARM_UP; i++) await roundTrip(text, method);
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) times.push(await roundTrip(text, method));
      return times.sort((a, b) => a - b);
    };
    // Alternate so that load elsewhere on the machine hits both alike.
    const chain: number[] = [];
    const help: number[] = [];
    for (let round = 0; round < 2; round++) {
      help.push(...(await measure('/help', 'sendMessage')));
      chain.push(...(await measure('/chain NSE', 'sendPhoto')));
    }
    chain.sort((a, b) => a - b);
    help.sort((a, b) => a - b);
    const result = (p: number, barMs: number): BenchResult => {
      const value = percentile(chain, p);
      const baseline = percentile(help, p);
      return {
        value: Math.round(value * 100) / 100,
        unit: 'ms',
        baseline: Math.round(baseline * 100) / 100,
        ratio: baseline / value,
        bar: `p${p} ≤ ${barMs} ms`,
        pass: value <= barMs,
      };
    };
    return {
      telegram_chain_roundtrip: result(50, P50_BAR_MS),
      telegram_chain_roundtrip_p99: result(99, P99_BAR_MS),
    };
  } finally {
    await telegram.close();
  }
}
