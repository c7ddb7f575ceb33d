import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError, type Telegram } from 'telegraf';
import type { Opts, Update } from 'telegraf/types';

export type UpdateTypes = NonNullable<Opts<'getUpdates'>['allowed_updates']>;
/** telegraf types its signal with the `abort-controller` polyfill; node-fetch accepts Node's own at run time. */
type ApiSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];
import type { SafeLog } from './redact.ts';

const POLL_TIMEOUT_S = 50;
const POLL_GRACE_S = 15;
const MAX_BACKOFF_MS = 30_000;

/**
 * getUpdates in a loop, like telegraf's own polling but stoppable at any moment: stop() aborts the
 * pending long poll, waits for the loop to end and confirms the last offset so a restart does not
 * run the same updates again. Errors back off and retry; only 401 (a revoked token) ends the loop.
 */
export class LongPoll {
  private readonly abort = new AbortController();
  private offset = 0;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly telegram: Telegram,
    private readonly allowedUpdates: UpdateTypes,
    private readonly handle: (update: Update) => Promise<void>,
    private readonly log: SafeLog,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoffMs = 1000;
    while (!this.abort.signal.aborted) {
      try {
        const updates = await this.poll();
        backoffMs = 1000;
        for (const update of updates) {
          this.offset = update.update_id + 1;
          await this.handle(update);
        }
      } catch (error) {
        if (this.abort.signal.aborted) break;
        if (error instanceof TelegramError && error.code === 401) {
          this.log.error({ error }, 'Telegram refused the bot token; the bot no longer receives commands');
          return;
        }
        const retryAfterS = error instanceof TelegramError ? error.parameters?.retry_after : undefined;
        const waitMs = retryAfterS === undefined ? backoffMs : retryAfterS * 1000;
        this.log.warn({ error, retryInMs: waitMs }, 'Telegram getUpdates failed; retrying');
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        await sleep(waitMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
    await this.confirmOffset();
  }

  /**
   * One getUpdates call on its own AbortController, so the HTTP client's abort listener goes with the
   * request instead of piling up on the long-lived stop signal.
   */
  private async poll() {
    const request = new AbortController();
    const abortRequest = () => request.abort();
    this.abort.signal.addEventListener('abort', abortRequest, { once: true });
    // A poll that outlives Telegram's own timeout by this much is a dead connection: drop it and poll again.
    const deadline = setTimeout(abortRequest, (POLL_TIMEOUT_S + POLL_GRACE_S) * 1000);
    try {
      return await this.telegram.callApi(
        'getUpdates',
        { timeout: POLL_TIMEOUT_S, offset: this.offset, allowed_updates: this.allowedUpdates },
        { signal: request.signal as unknown as ApiSignal },
      );
    } finally {
      clearTimeout(deadline);
      this.abort.signal.removeEventListener('abort', abortRequest);
    }
  }

  private async confirmOffset(): Promise<void> {
    if (this.offset === 0) return;
    try {
      await this.telegram.callApi('getUpdates', { offset: this.offset, limit: 1, timeout: 0 });
    } catch (error) {
      this.log.warn(
        { error },
        'Could not confirm the last Telegram update; it may run again after a restart',
      );
    }
  }
}
