import { afterAll, beforeAll } from 'vitest';

/**
 * Something a whole test file shares: started in `beforeAll` (by `start`, called then), closed in
 * `afterAll`. The returned object is filled in once started; read its fields inside tests and hooks.
 */
export function startedForFile<T extends { close(): Promise<void> }>(start: () => Promise<T>): T {
  const started = {} as T;
  beforeAll(async () => {
    Object.assign(started, await start());
  });
  afterAll(async () => {
    await started.close?.();
  });
  return started;
}

/**
 * Starts a bot on an already running loopback server; `close` stops the bot, then the server. When
 * the bot does not start, the server is closed and the error thrown.
 */
export async function botOnServer<Bot extends { stop(): Promise<void> }>(
  server: { close(): Promise<void> },
  start: () => Promise<Bot>,
): Promise<{ bot: Bot; close(): Promise<void> }> {
  try {
    const bot = await start();
    return {
      bot,
      close: async () => {
        await bot.stop();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}
