/** The simulator's notion of now: real time, optionally running `speed` times faster from its start. */
export class SimClock {
  private readonly startedAt: number;

  constructor(
    readonly speed = 1,
    private readonly realNow: () => number = Date.now,
  ) {
    this.startedAt = realNow();
  }

  now(): number {
    return this.startedAt + (this.realNow() - this.startedAt) * this.speed;
  }
}
