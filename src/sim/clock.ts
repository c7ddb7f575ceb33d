import { realTimer, type Clock } from '../util/clock.ts';

/** The simulator's notion of now: real time, optionally `speed` times faster, from its start or `startAt`. */
export class SimClock implements Clock {
  private readonly startedAt: number;
  private readonly origin: number;

  constructor(
    readonly speed = 1,
    private readonly realNow: () => number = Date.now,
    startAt?: number,
  ) {
    this.startedAt = realNow();
    this.origin = startAt ?? this.startedAt;
  }

  now(): number {
    return this.origin + (this.realNow() - this.startedAt) * this.speed;
  }

  /** `ms` of simulated time is `ms / speed` of real time. */
  after(ms: number, fn: () => void): () => void {
    return realTimer(ms / this.speed, fn);
  }
}
