import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SegmentClock, type ClockSegment } from './segment-clock.ts';
import type { SimRequest, SimResponse } from './sim-process.ts';

type Ready = Extract<SimResponse, { type: 'ready' }>;

/** A jump is sent this far ahead of when it takes effect, so both processes switch at the same instant. */
const JUMP_LEAD_MS = 40;
const REPLY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5000;

/**
 * The simulator child process and the clock this process shares with it: `jumpTo` moves both to an
 * instant (nights, weekends) and they keep running at `speed` from there.
 */
export class SimChild {
  readonly clock: SegmentClock;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: Ready,
    clock: SegmentClock,
    readonly speed: number,
  ) {
    this.clock = clock;
  }

  static async start(options: {
    seed: number;
    startAt: number;
    speed: number;
    tickIntervalMs: number;
  }): Promise<SimChild> {
    const child = fork(fileURLToPath(new URL('./sim-process.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // Until the first jump the clock runs at real speed, so start-up costs no simulated time.
    const segment: ClockSegment = { realAt: Date.now(), simAt: options.startAt, speed: 1 };
    try {
      const ready = await exchange(child, {
        type: 'start',
        seed: options.seed,
        tickIntervalMs: options.tickIntervalMs,
        segment,
      });
      if (ready.type !== 'ready') throw new Error(`simulator did not start: ${JSON.stringify(ready)}`);
      return new SimChild(child, ready, new SegmentClock(segment), options.speed);
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  now(): number {
    return this.clock.now();
  }

  /** Moves simulated time to `instant` in both processes (never back), then runs on at `speed`. */
  async jumpTo(instant: number, speed = this.speed): Promise<void> {
    const segment = this.clock.jumpSegment(instant, speed, JUMP_LEAD_MS);
    await this.request({ type: 'segment', segment });
    this.clock.add(segment);
    // A timer may fire a millisecond before Date.now() reaches its time: wait until the segment holds.
    while (Date.now() < segment.realAt) {
      await new Promise((resolve) => setTimeout(resolve, segment.realAt - Date.now() + 1));
    }
  }

  /** The simulator's RSS and how many historical-candle requests it has answered. */
  async stats(): Promise<{ rss: number; historicalRequests: number }> {
    const answer = await this.request({ type: 'memory' });
    if (answer.type !== 'memory') throw new Error(`simulator answered ${answer.type} to memory`);
    return { rss: answer.rss, historicalRequests: answer.historicalRequests };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.request({ type: 'stop' }).catch(() => undefined);
    const killer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(killer);
  }

  private request(message: SimRequest): Promise<SimResponse> {
    const next = this.chain.then(() => exchange(this.child, message));
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** Sends one request and waits for the child's one answer. */
function exchange(child: ChildProcess, message: SimRequest): Promise<SimResponse> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`simulator did not answer ${message.type}`)),
      REPLY_TIMEOUT_MS,
    );
    const onMessage = (answer: SimResponse) =>
      answer.type === 'error' ? done(new Error(`simulator: ${answer.message}`)) : done(null, answer);
    const onExit = (code: number | null) =>
      done(new Error(`simulator exited (code ${code}) during ${message.type}`));
    function done(error: Error | null, answer?: SimResponse) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(answer!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}
