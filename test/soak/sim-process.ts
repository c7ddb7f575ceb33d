/**
 * The simulator in a process of its own, so the soak measures the daemon's memory and not the
 * simulator's. Driven over the IPC channel (see `sim-child.ts`): `start` with the clock's first
 * segment, `segment` to jump, `memory`, `stop`.
 */
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import { SegmentClock, type ClockSegment } from './segment-clock.ts';

export type SimRequest =
  | { type: 'start'; seed: number; tickIntervalMs: number; segment: ClockSegment }
  | { type: 'segment'; segment: ClockSegment }
  | { type: 'memory' }
  | { type: 'stop' };

export type SimResponse =
  | {
      type: 'ready';
      apiRoot: string;
      wsRoot: string;
      apiKey: string;
      accessToken: string;
      asOf: number;
    }
  | { type: 'ack' }
  | { type: 'memory'; rss: number; historicalRequests: number }
  | { type: 'error'; message: string };

let clock: SegmentClock | null = null;
let sim: SimServer | null = null;
let closing: Promise<void> | null = null;
const close = () => (closing ??= sim?.close() ?? Promise.resolve());

const reply = (message: SimResponse): void => void process.send!(message);

async function handle(request: SimRequest): Promise<void> {
  switch (request.type) {
    case 'start': {
      clock = new SegmentClock(request.segment);
      sim = await startSimServer({ seed: request.seed, clock, tickIntervalMs: request.tickIntervalMs });
      return reply({
        type: 'ready',
        apiRoot: sim.apiRoot,
        wsRoot: sim.wsRoot,
        apiKey: sim.credentials.apiKey,
        accessToken: sim.credentials.accessToken,
        asOf: sim.market.asOf,
      });
    }
    case 'segment':
      clock!.add(request.segment);
      return reply({ type: 'ack' });
    case 'memory':
      return reply({
        type: 'memory',
        rss: process.memoryUsage().rss,
        historicalRequests:
          sim?.requestLog.filter((entry) => entry.route.includes('/historical/')).length ?? 0,
      });
    case 'stop':
      await close();
      reply({ type: 'ack' });
      process.disconnect();
  }
}

process.on('message', (request: SimRequest) => {
  handle(request).catch((error: unknown) =>
    reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
// The driver going away takes the simulator with it.
process.on('disconnect', () => void close().finally(() => process.exit(0)));
