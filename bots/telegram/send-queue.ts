import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError } from 'telegraf';
import type { SafeLog } from './redact.ts';

/** Telegram's flood limits for one bot. */
export interface SendLimits {
  /** Gap between two messages to one chat. */
  perChatIntervalMs: number;
  /** Messages per minute to one group (negative chat id). */
  groupPerMinute: number;
  /** Messages per second over all chats. */
  globalPerSecond: number;
}

export interface RetryPolicy {
  /** Tries for a send that meets 5xx or network errors, the first included. */
  attempts: number;
  /** The first backoff; it doubles after each failed try. */
  backoffMs: number;
  /** How many 429s one send waits out before giving up. */
  rateLimitWaits: number;
}

export const TELEGRAM_LIMITS: SendLimits = {
  perChatIntervalMs: 1000,
  groupPerMinute: 20,
  globalPerSecond: 30,
};
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, backoffMs: 500, rateLimitWaits: 5 };

export class SendQueueStoppedError extends Error {
  override name = 'SendQueueStoppedError';
}

/** A send the queue gave up on; it has been logged already. The Bot API's error is the cause. */
export class TelegramSendError extends Error {
  override name = 'TelegramSendError';
  constructor(
    readonly method: string,
    readonly chat: string,
    override readonly cause: unknown,
  ) {
    super(`${method} to ${chat} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

type Verdict = { retry: false } | { retry: true; rateLimited: boolean; waitMs: number };

/** What to do after a failed call: wait out a 429, back off on 5xx and network errors, give up on the rest. */
function verdictOn(error: unknown, attempt: number, policy: RetryPolicy): Verdict {
  if (error instanceof TelegramError) {
    if (error.code === 429) {
      return { retry: true, rateLimited: true, waitMs: (error.parameters?.retry_after ?? 1) * 1000 };
    }
    if (error.code >= 500)
      return { retry: true, rateLimited: false, waitMs: policy.backoffMs * 2 ** attempt };
    return { retry: false };
  }
  if (error instanceof SendQueueStoppedError) return { retry: false };
  // node-fetch's FetchError and socket errors: the request may not have reached Telegram.
  return { retry: true, rateLimited: false, waitMs: policy.backoffMs * 2 ** attempt };
}

const recent = (times: number[], now: number, windowMs: number): number[] =>
  times.filter((time) => time > now - windowMs);

/**
 * Every Bot API call that posts to a chat goes through here: one chat's sends run in order, paced to
 * Telegram's limits; 429s are waited out and 5xx/network errors retried with backoff; a send that
 * finally fails is logged and its promise rejects.
 */
export class SendQueue {
  private readonly limits: SendLimits;
  private readonly retry: RetryPolicy;
  private readonly log: SafeLog;
  private readonly chatTails = new Map<string, Promise<void>>();
  private readonly lastSend = new Map<string, number>();
  private readonly groupSends = new Map<string, number[]>();
  private globalSends: number[] = [];
  private pending = 0;
  private readonly idleWaiters = new Set<() => void>();
  private readonly stopping = new AbortController();

  constructor(options: { log: SafeLog; limits?: Partial<SendLimits>; retry?: Partial<RetryPolicy> }) {
    this.log = options.log;
    this.limits = { ...TELEGRAM_LIMITS, ...options.limits };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /**
   * Runs `call` when the chat's turn comes; resolves with its result, or rejects with a (logged)
   * TelegramSendError. `quiet` logs that failure as a warning, for sends the caller recovers from.
   */
  send<T>(
    chatId: number | string,
    method: string,
    call: () => Promise<T>,
    options: { quiet?: boolean } = {},
  ): Promise<T> {
    const chat = String(chatId);
    this.pending += 1;
    const run = () => this.attempt(chat, method, call, options.quiet ?? false);
    const result = (this.chatTails.get(chat) ?? Promise.resolve()).then(run);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.chatTails.set(chat, tail);
    void tail.then(() => {
      if (this.chatTails.get(chat) === tail) this.chatTails.delete(chat);
      this.pending -= 1;
      if (this.pending === 0) for (const wake of this.idleWaiters) wake();
    });
    return result;
  }

  /** Resolves true once nothing is queued or in flight, false if that takes longer than `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.pending === 0) return true;
    let wake = (): void => undefined;
    const idle = new Promise<boolean>((resolve) => {
      wake = () => resolve(true);
      this.idleWaiters.add(wake);
    });
    const timer = sleep(timeoutMs, false, { ref: false });
    const drained = await Promise.race([idle, timer]);
    this.idleWaiters.delete(wake);
    return drained;
  }

  /** Ends every wait; queued sends fail (and are logged) instead of going out. */
  stop(): void {
    this.stopping.abort();
  }

  private async attempt<T>(chat: string, method: string, call: () => Promise<T>, quiet: boolean): Promise<T> {
    let failures = 0;
    let rateLimits = 0;
    for (;;) {
      try {
        await this.takeSlot(chat);
        return await call();
      } catch (error) {
        const verdict = verdictOn(error, failures, this.retry);
        const exhausted =
          verdict.retry &&
          (verdict.rateLimited
            ? rateLimits >= this.retry.rateLimitWaits
            : failures + 1 >= this.retry.attempts);
        if (!verdict.retry || exhausted || this.stopping.signal.aborted) {
          const fields = { chat, method, tries: failures + rateLimits + 1, error };
          if (quiet) this.log.warn(fields, 'Telegram send failed');
          else this.log.error(fields, 'Telegram send failed; the message was not delivered');
          throw new TelegramSendError(method, chat, error);
        }
        if (verdict.rateLimited) rateLimits += 1;
        else failures += 1;
        this.log.warn({ chat, method, retryInMs: verdict.waitMs, error }, 'Telegram send failed; retrying');
        await this.wait(verdict.waitMs);
      }
    }
  }

  /** Waits until one more message to `chat` stays within every limit, then counts it. */
  private async takeSlot(chat: string): Promise<void> {
    const isGroup = chat.startsWith('-');
    for (;;) {
      if (this.stopping.signal.aborted) throw new SendQueueStoppedError('the Telegram bot is stopping');
      const now = Date.now();
      this.globalSends = recent(this.globalSends, now, 1000);
      const group = isGroup ? recent(this.groupSends.get(chat) ?? [], now, 60_000) : [];
      const waits = [(this.lastSend.get(chat) ?? -Infinity) + this.limits.perChatIntervalMs - now];
      if (this.globalSends.length >= this.limits.globalPerSecond)
        waits.push(this.globalSends[0]! + 1000 - now);
      if (group.length >= this.limits.groupPerMinute) waits.push(group[0]! + 60_000 - now);
      const waitMs = Math.max(...waits);
      if (waitMs <= 0) {
        this.lastSend.set(chat, now);
        this.globalSends.push(now);
        if (isGroup) this.groupSends.set(chat, [...group, now]);
        return;
      }
      await this.wait(waitMs);
    }
  }

  private async wait(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.stopping.signal });
    } catch {
      throw new SendQueueStoppedError('the Telegram bot is stopping');
    }
  }
}
