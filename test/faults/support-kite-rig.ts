/**
 * The real daemon, in this process, against the real simulator (as against Kite), for the Kite fault
 * tests: what it logged, alerted and published is kept, its JSON API is a call away, and the checks
 * every fault test ends with (the OI history is intact, the ticker carries exactly the current window)
 * live here.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { expect } from 'vitest';
import type { Alert } from '../../src/alerts/alert.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import type { ChainJson } from '../../src/http/chain-json.ts';
import type { TickMode } from '../../src/kite/types.ts';
import type { RequestLogEntry } from '../../src/sim/rest-api.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import { toStoredSeconds } from '../../src/store/codec.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { configAgainstSim } from '../support/daemon-config.ts';
import { waitFor } from '../support/wait-for.ts';

/** NIFTY options only, 3 strikes each side of ATM subscribed (2 shown + 1 buffer): 14 option tokens. */
export const ONE_SMALL_CHAIN = { CHAINS: 'NSE:NIFTY 50:NIFTY:NFO:50', STRIKES_EACH_SIDE: '2' };

export interface LogEntry {
  level: number;
  /** Epoch ms. */
  time: number;
  msg: string;
  reason?: string;
  err?: { message?: string };
}

export interface KiteRig {
  sim: SimServer;
  daemon: Daemon;
  dbPath: string;
  /** When the daemon was started (epoch ms). */
  startedAt: number;
  /** Every line the daemon logged at info and above, parsed. */
  logs: LogEntry[];
  alerts: Alert[];
  /** Times this process stood still (see `ProcessPauses`). */
  pauses: ProcessPauses;
  /** Every snapshot the chains published, in order. */
  snapshots: ChainSnapshot[];
  chain(id: string): Promise<ChainJson>;
  health(): Promise<{ status: number; body: HealthBody }>;
  /**
   * Runs cycles until every chain shows `status` through /api/data, from a cycle that started at
   * `since` or later (a cycle started earlier may look at the ticker only after a fault ended).
   */
  untilStatus(status: string, timeoutMs: number, since?: number): Promise<void>;
}

export interface HealthBody {
  status: string;
  chains: Record<string, { status: string }>;
  ticker: { connections: number; subscribed: number };
}

const PAUSE_PROBE_MS = 10;
/**
 * The REST client spaces requests 100 ms wider than Kite's 1 s window, and they reach the simulator
 * some tens of ms less apart than that: a hold-up of a few tens of ms can bring two into one window.
 */
const PAUSE_MS = 40;
/** Work held up by a pause runs within this long after it ends (behind whatever else was waiting). */
const BACKLOG_MS = 100;
const KITE_WINDOW_MS = 1000;

/**
 * Stretches when this process's event loop stood still for more than PAUSE_MS (a busy moment in
 * one of the daemons or simulators sharing it, or the machine not running us). The simulator runs
 * in this process: a request the daemon sent before a pause is handled after it, so two requests
 * sent 1.1 s apart can reach the simulator's rate limiter closer together than Kite would see them.
 */
export class ProcessPauses {
  readonly stretches: { from: number; to: number }[] = [];
  private last = Date.now();
  private readonly timer = setInterval(() => {
    const now = Date.now();
    if (now - this.last > PAUSE_PROBE_MS + PAUSE_MS) this.stretches.push({ from: this.last, to: now });
    this.last = now;
  }, PAUSE_PROBE_MS);

  /** Whether work that ran at `instant` may have been held up: it ran during a pause or just after one. */
  mayHaveHeldUp(instant: number): boolean {
    return this.stretches.some(({ from, to }) => instant > from && instant <= to + BACKLOG_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export interface RigOptions {
  seed: number;
  /** Daemon settings on top of the defaults here (5 s cycles, API on a free port, market always open). */
  settings?: Record<string, string> | ((sim: SimServer) => Record<string, string>);
  /** Runs on the simulator before the daemon starts (e.g. to take the historical API down). */
  beforeDaemon?: (sim: SimServer) => void;
  /** How often the simulator's ticker sends ticks (its default: every second). */
  tickIntervalMs?: number;
}

/** Starts the simulator and the daemon, runs `body` on them, and stops both however `body` ends. */
export async function withKiteRig(options: RigOptions, body: (rig: KiteRig) => Promise<void>): Promise<void> {
  const sim = await startSimServer({
    seed: options.seed,
    ...(options.tickIntervalMs ? { tickIntervalMs: options.tickIntervalMs } : {}),
  });
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-kite-fault-')), 'oi.db');
  const logs: LogEntry[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogEntry) },
  );
  let daemon: Daemon | undefined;
  const pauses = new ProcessPauses();
  try {
    options.beforeDaemon?.(sim);
    const startedAt = Date.now();
    daemon = await startDaemon(
      configAgainstSim(sim, {
        DB_PATH: dbPath,
        REFRESH_INTERVAL_SECONDS: '5',
        // No OI-jump alerts: their chain PNGs block the event loop the simulator shares with the daemon here.
        OI_CHANGE_THRESHOLDS: '100000,100000,100000,100000',
        ...(typeof options.settings === 'function' ? options.settings(sim) : options.settings),
      }),
      logger,
    );
    const running = daemon;
    const alerts: Alert[] = [];
    running.alerts.on('alert', (alert) => alerts.push(alert));
    const snapshots: ChainSnapshot[] = [];
    for (const tracker of running.trackers) tracker.on('snapshot', (snapshot) => snapshots.push(snapshot));
    const get = async (route: string) => {
      const response = await fetch(`${running.apiUrl}${route}`);
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const chain = async (id: string) => (await get(`/api/data/${id}`)).body as ChainJson;
    const rig: KiteRig = {
      sim,
      daemon: running,
      dbPath,
      startedAt,
      logs,
      alerts,
      pauses,
      snapshots,
      chain,
      health: async () => {
        const { status, body } = await get('/healthz');
        return { status, body: body as HealthBody };
      },
      untilStatus: async (status, timeoutMs, since = 0) => {
        await waitFor(
          async () => {
            await running.runCycles();
            const chains = await Promise.all(running.trackers.map((tracker) => chain(tracker.spec.id)));
            const fresh = running.trackers.every((tracker) => {
              const latest = snapshots.filter((snapshot) => snapshot.chainId === tracker.spec.id).at(-1);
              return latest !== undefined && latest.lastUpdate >= since;
            });
            return fresh && chains.every((json) => json.status === status);
          },
          { timeoutMs: timeoutMs, what: `every chain to show ${status}`, intervalMs: 500 },
        );
      },
    };
    await body(rig);
  } finally {
    pauses.stop();
    await daemon?.stop();
    await sim.close();
  }
}

/** Log lines with this message, e.g. 'ticker disconnected'. */
export function logged(rig: KiteRig, msg: string): LogEntry[] {
  return rig.logs.filter((entry) => entry.msg === msg);
}

/** What the simulator's ticker has subscribed over all its sockets; a token on two sockets fails the test. */
export function simSubscriptions(sim: SimServer): Map<number, TickMode> {
  const union = new Map<number, TickMode>();
  for (const socket of sim.ticker.subscriptionsPerSocket()) {
    for (const [token, mode] of socket) {
      expect(union.has(token), `token ${token} is subscribed on two sockets`).toBe(false);
      union.set(token, mode);
    }
  }
  return union;
}

/** The tokens the daemon should have on the ticker: each chain's index and the strike window of each tracked expiry. */
export function windowTokens(rig: KiteRig): Set<number> {
  const tokens = new Set<number>();
  for (const tracker of rig.daemon.allTrackers) {
    const index = rig.sim.market
      .instruments()
      .find((i) => i.tradingsymbol === tracker.spec.underlying && i.exchange === tracker.spec.indexExchange);
    if (!index) throw new Error(`${tracker.spec.underlying} is not listed on the simulator`);
    tokens.add(index.instrumentToken);
    for (const option of tracker.tradableOptions()) tokens.add(option.token);
  }
  return tokens;
}

/** Waits until the simulator's ticker carries exactly the trackers' current windows, all in full mode. */
export async function expectTickerCarriesWindow(rig: KiteRig, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    () => {
      const subscribed = simSubscriptions(rig.sim);
      const wanted = windowTokens(rig);
      return (
        subscribed.size === wanted.size &&
        [...wanted].every((token) => subscribed.get(token) === 'full') &&
        rig.sim.ticker.connectionCount === 1
      );
    },
    {
      timeoutMs: timeoutMs,
      what: 'the ticker to carry exactly the current window in full mode',
      intervalMs: 200,
    },
  );
  const optionTokens = windowTokens(rig).size - rig.daemon.trackers.length;
  expect(optionTokens).toBeGreaterThan(0);
}

/**
 * The OI history of every chain, as stored and as held in memory: per token strictly increasing
 * times (no point twice, none out of order), and the store holds exactly what the tracker holds (to
 * the stored second; a later point in the same second replaces an earlier one, as the store does).
 * Points of a cycle still in flight (recorded, not yet stored) are left out. Returns the stored points
 * per token.
 */
export function expectOiHistoryIntact(rig: KiteRig): Map<number, { time: number; oi: number }[]> {
  const all = new Map<number, { time: number; oi: number }[]>();
  for (const tracker of rig.daemon.trackers) {
    const lastStoredCycle = rig.snapshots
      .filter((snapshot) => snapshot.chainId === tracker.spec.id && snapshot.atmStrike !== null)
      .reduce((latest, snapshot) => Math.max(latest, snapshot.lastUpdate), 0);
    const stored = rig.daemon.store.loadObservations(tracker.spec.id, 0);
    expect(stored.size, `${tracker.spec.id} stored observations`).toBeGreaterThan(0);
    for (const [token, points] of stored) {
      const times = points.map((point) => point.time);
      for (let i = 1; i < times.length; i++) {
        expect(times[i]!, `token ${token}: point ${i} after ${times[i - 1]}`).toBeGreaterThan(times[i - 1]!);
      }
      const held = new Map<number, number>();
      for (const point of tracker.history.points(token)) {
        if (point.time <= lastStoredCycle) held.set(toStoredSeconds(point.time) * 1000, point.oi);
      }
      expect(
        points.map((point) => [point.time, point.oi]),
        `token ${token}: stored points = points in memory`,
      ).toEqual([...held]);
      all.set(token, points);
    }
    expect(
      tracker.history
        .tokens()
        .filter((token) => !stored.has(token) && tracker.history.earliest(token)!.time <= lastStoredCycle),
      `${tracker.spec.id}: tokens held in memory but not stored`,
    ).toEqual([]);
  }
  return all;
}

/** Observation times (ms, whole seconds) stored for any token of the chain in [fromMs, toMs), ascending. */
export function storedTimesBetween(rig: KiteRig, chainId: string, fromMs: number, toMs: number): number[] {
  const times = new Set<number>();
  for (const points of rig.daemon.store.loadObservations(chainId, fromMs).values()) {
    for (const point of points) if (point.time < toMs) times.add(point.time);
  }
  return [...times].sort((a, b) => a - b);
}

/** The chain's first cycle that started after `instant` (its snapshot), or throws. */
export function firstCycleAfter(rig: KiteRig, chainId: string, instant: number): ChainSnapshot {
  const snapshot = rig.snapshots.find(
    (candidate) => candidate.chainId === chainId && candidate.lastUpdate > instant,
  );
  if (!snapshot) throw new Error(`${chainId}: no cycle after ${new Date(instant).toISOString()}`);
  return snapshot;
}

/** Waits for every backfill started so far to settle, so later checks see a quiet store. */
export async function backfillsSettled(rig: KiteRig): Promise<void> {
  await Promise.all(rig.daemon.trackers.map((tracker) => tracker.backfillSettled()));
}

function routeClass(route: string): string {
  if (route.includes('/instruments/historical/')) return 'historical';
  return route.includes(' /quote') ? 'quote' : 'other';
}

/**
 * The requests the simulator's own rate limiter turned away (429s no test armed): Kite's limits
 * broken. Left out are those a pause of this process explains (see `ProcessPauses`): the ones
 * whose window (the second before them) holds a request of their class that was handled during a
 * pause or just after it, so may have been held up. A client that does not pace its requests
 * breaks the limits with requests handled on time too.
 */
export function rateLimitViolations(rig: KiteRig): { route: string; at: number }[] {
  const turnedAway = (entry: RequestLogEntry) => entry.status === 429 && !entry.injected;
  const admitted = rig.sim.requestLog.filter((entry) => !turnedAway(entry));
  const heldUpInWindow = (entry: RequestLogEntry) =>
    admitted.some(
      (earlier) =>
        routeClass(earlier.route) === routeClass(entry.route) &&
        earlier.at <= entry.at &&
        entry.at - earlier.at < KITE_WINDOW_MS &&
        rig.pauses.mayHaveHeldUp(earlier.at),
    );
  return rig.sim.requestLog
    .filter((entry) => turnedAway(entry) && !heldUpInWindow(entry))
    .map(({ route, at }) => ({ route, at }));
}
