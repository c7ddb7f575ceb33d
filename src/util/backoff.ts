export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0..1: how much of each delay is randomised (0.5 → between 50% and 100% of the step). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, jitter: 0.5 };

/** Delay before retry number `attempt` (0-based): doubling from initialMs, capped at maxMs, jittered. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const step = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(step * (1 - options.jitter * random()));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
