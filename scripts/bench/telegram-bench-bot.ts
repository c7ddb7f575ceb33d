import { pino } from 'pino';
import { startTelegramBot, type TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import type { Role } from '../../src/commands/roles.ts';
import type { CommandCore } from '../../src/commands/command-core.ts';
import { fixedSnapshotCore } from './fixed-snapshot-core.ts';
import { startTelegramApiServer, type TelegramApiServer } from '../../test/fakes/telegram-api-server.ts';

/** Chat ids the benchmarks use, one per sample, so Telegram's 1-message-a-second per chat never paces them. */
export const BENCH_CHATS = Array.from({ length: 120 }, (_, i) => 700_000 + i);

/** The real Telegram adapter on a command core over a fixed snapshot, against the loopback Bot API server. */
export async function benchTelegram(): Promise<{
  server: TelegramApiServer;
  bot: TelegramBot;
  core: CommandCore;
  close(): Promise<void>;
}> {
  const server = await startTelegramApiServer({ username: 'oi_bench_bot' });
  const core = fixedSnapshotCore(
    new Map<string, Role>(BENCH_CHATS.map((id) => [`telegram:${id}`, 'viewer'])),
  );
  const bot = await startTelegramBot({
    token: server.token,
    apiRoot: server.apiRoot,
    core,
    alertChatIds: [],
    logger: pino({ level: 'silent' }),
  });
  return {
    server,
    bot,
    core,
    close: async () => {
      await bot.stop();
      await server.close();
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
