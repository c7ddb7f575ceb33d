/**
 * Allows at most `limit` starts in any window of `windowMs` (a sliding window, so bursts at a
 * window's edge cannot double the rate). Callers wait their turn in order.
 */
export class RateLimiter {
  private readonly starts: number[] = [];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: number,
    readonly windowMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when the caller may start; the start is recorded at that moment. */
  acquire(): Promise<void> {
    const turn = this.tail.then(() => this.waitForSlot());
    this.tail = turn;
    return turn;
  }

  async schedule<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    return task();
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.starts.length > 0 && now - this.starts[0]! >= this.windowMs) this.starts.shift();
      if (this.starts.length < this.limit) {
        this.starts.push(now);
        return;
      }
      // +1: a start exactly windowMs ago still counts in a window that includes its edge.
      const waitMs = this.starts[0]! + this.windowMs - now + 1;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
