/**
 * A simulated clock two processes can share: time is a list of segments, each saying "from real
 * instant `realAt` on, simulated time runs from `simAt` at `speed`". Both processes hold the same
 * segments and read the same real clock, so they agree on now without asking each other; a jump over
 * a night is a new segment that starts a few milliseconds ahead, sent to the other side first.
 */
export interface ClockSegment {
  realAt: number;
  simAt: number;
  speed: number;
}

const KEPT_SEGMENTS = 4;

export class SegmentClock {
  private readonly segments: ClockSegment[];

  constructor(
    first: ClockSegment,
    private readonly realNow: () => number = Date.now,
  ) {
    this.segments = [first];
  }

  now(): number {
    return this.at(this.realNow());
  }

  /** Simulated time at real instant `real` (before the first segment, its start). */
  at(real: number): number {
    let segment = this.segments[0]!;
    for (const candidate of this.segments) if (candidate.realAt <= real) segment = candidate;
    return segment.simAt + Math.max(0, real - segment.realAt) * segment.speed;
  }

  add(segment: ClockSegment): void {
    if (segment.realAt < this.segments.at(-1)!.realAt)
      throw new RangeError('clock segments must not go back');
    this.segments.push(segment);
    if (this.segments.length > KEPT_SEGMENTS) this.segments.shift();
  }

  /**
   * The segment that, `leadMs` from now, moves time to `instant` (or leaves it where it is, if it is
   * already later: time never runs back) and runs on at `speed`.
   */
  jumpSegment(instant: number, speed: number, leadMs: number): ClockSegment {
    const realAt = this.realNow() + leadMs;
    return { realAt, simAt: Math.max(instant, this.at(realAt)), speed };
  }
}
