import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  /** Give up (throw) after this long; 10 s by default. */
  timeoutMs?: number;
  /** Look again this long after each miss; 50 ms by default. */
  intervalMs?: number;
  /** What is awaited, for the error message. */
  what?: string;
}

type Falsy = null | undefined | false;

/**
 * Waits for a condition, not for time: calls `condition` until it returns something other than
 * null, undefined or false, and resolves with that; throws after `timeoutMs`. An error thrown by
 * `condition` ends the wait at once.
 */
export async function waitFor<T>(
  condition: () => T | Falsy | Promise<T | Falsy>,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50, what = 'the condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
