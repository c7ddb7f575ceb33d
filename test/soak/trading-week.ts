/**
 * A simulated trading week against the real daemon: the simulator runs in a child process on a clock
 * this process shares, fast (SIM_SPEED 1600 by default) through market hours and jumping nights and the
 * weekend. Each day: the 03:00 retention, the 08:45 reminder, cycles of both chains from 09:15 to
 * 15:30 with paper trades through the command core, the square-off at 15:20 and the 15:35 summary,
 * the daily jobs run through the daemon's own `dailyJobs`. Figures are taken after every day.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino, type Logger } from 'pino';
import { MarketCalendar } from '../../src/calendar/market-hours.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import type { Instrument } from '../../src/kite/types.ts';
import { SimMarket } from '../../src/sim/market-model.ts';
import type { ChainTracker } from '../../src/tracker/chain-tracker.ts';
import { DAY_MS, istAddDays, istWallClock } from '../../src/util/ist.ts';
import { waitFor } from '../support/wait-for.ts';
import { DaemonWatch } from './daemon-watch.ts';
import { PaperTrader } from './paper-trader.ts';
import { SimChild } from './sim-child.ts';
import { oldestRows, paperDay, storeFigures } from './store-figures.ts';
import type { ChainDay, DayFigures, MemoryFigures, RetentionRun, WeekReport } from './week-report.ts';

export interface WeekOptions {
  seed?: number;
  /** Simulated seconds per real second through market hours (SIM_SPEED). */
  speed?: number;
  tickIntervalMs?: number;
  retentionDays?: number;
  /** The warm-up day (a trading day); the measured days are the trading days after it. */
  warmupDate?: string;
  tradingDays?: number;
  /** EXPIRIES_TRACKED; default 1, the figures then counting one window per chain. */
  expiriesTracked?: number;
  /** A same-day restart at noon of the third measured day, and one before the open of the fourth. */
  restarts?: boolean;
  /** Real milliseconds between two orders. */
  orderIntervalMs?: number;
  onDay?: (day: DayFigures) => void;
}

/**
 * Simulated seconds per real second through market hours. A round of cycles waits on the quote API's
 * 1 request/s (real time), so this sets the rounds a day gets: about 7 at 1600.
 */
export const WEEK_SPEED = 1600;
/**
 * The warm-up day runs slower, so it gets as many rounds (about 11) as the busiest day of the week:
 * memory measured after it has reached its steady state (caches, pages, render surfaces).
 */
export const WARMUP_SPEED = 1000;
/** Real milliseconds between two orders: about 60 orders a trading day at WEEK_SPEED. */
const ORDER_INTERVAL_MS = 180;
const OWNERS = ['telegram:1001', 'telegram:1002'];
const REFRESH_INTERVAL_SECONDS = 1800;
const STRIKES_EACH_SIDE = 5;
const SAME_DAY_RESTART = 3;
const NEXT_MORNING_RESTART = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `global.gc` when the process has it, else the same function obtained at run time. */
function garbageCollector(): { collect: () => void; exposed: boolean } {
  const exposed = typeof globalThis.gc === 'function';
  if (!exposed) setFlagsFromString('--expose-gc');
  return { collect: (globalThis.gc ?? runInNewContext('gc')) as () => void, exposed };
}

async function settledMemory(collect: () => void): Promise<MemoryFigures> {
  for (let i = 0; i < 3; i++) {
    collect();
    await sleep(100);
  }
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

/** A logger that keeps the daemon's warnings and errors for the report instead of printing them. */
function countingLogger(): { logger: Logger; log: WeekReport['log'] } {
  const log: WeekReport['log'] = { warnings: 0, errors: 0, first: [] };
  const stream = {
    write(line: string) {
      const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
      if (entry.level >= 50) log.errors++;
      else log.warnings++;
      if (log.first.length < 12) log.first.push([entry.msg, entry.err?.message].filter(Boolean).join(': '));
    },
  };
  return { logger: pino({ level: 'warn' }, stream), log };
}

/** The next `count` trading days after `date`. */
function tradingDaysAfter(calendar: MarketCalendar, date: string, count: number): string[] {
  const days: string[] = [];
  for (let day = istAddDays(date, 1); days.length < count; day = istAddDays(day, 1)) {
    if (calendar.isTradingDay(day)) days.push(day);
  }
  return days;
}

export async function runTradingWeek(options: WeekOptions = {}): Promise<WeekReport> {
  const week = new TradingWeek(options);
  try {
    return await week.run();
  } finally {
    await week.close();
  }
}

class TradingWeek {
  readonly seed: number;
  readonly speed: number;
  readonly tickIntervalMs: number;
  readonly retentionDays: number;
  readonly dates: string[];
  private readonly started = performance.now();
  private readonly gc = garbageCollector();
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'oi-soak-'));
  private readonly dbPath = path.join(this.dir, 'oi.db');
  private readonly logging = countingLogger();
  private readonly watch = new DaemonWatch();
  private sim: SimChild | null = null;
  private daemon: Daemon | null = null;
  private trader: PaperTrader | null = null;
  private config: Config | null = null;
  private listed: Instrument[] = [];

  constructor(private readonly options: WeekOptions) {
    this.seed = options.seed ?? 20_261_127;
    this.speed = options.speed ?? WEEK_SPEED;
    this.tickIntervalMs = options.tickIntervalMs ?? 100;
    this.retentionDays = options.retentionDays ?? 2;
    const warmup = options.warmupDate ?? '2026-11-27';
    this.dates = [warmup, ...tradingDaysAfter(MarketCalendar.fromFile(), warmup, options.tradingDays ?? 5)];
  }

  async run(): Promise<WeekReport> {
    const sim = (this.sim = await SimChild.start({
      seed: this.seed,
      startAt: istWallClock(this.dates[0]!, '09:00'),
      speed: this.speed,
      tickIntervalMs: this.tickIntervalMs,
    }));
    this.config = loadConfig({
      MARKET_DATA: 'kite',
      KITE_API_ROOT: sim.ready.apiRoot,
      KITE_WS_ROOT: sim.ready.wsRoot,
      KITE_API_KEY: sim.ready.apiKey,
      KITE_ACCESS_TOKEN: sim.ready.accessToken,
      MARKET_HOURS: 'exchange',
      HTTP_PORT: '0',
      DB_PATH: this.dbPath,
      RETENTION_DAYS: String(this.retentionDays),
      REFRESH_INTERVAL_SECONDS: String(REFRESH_INTERVAL_SECONDS),
      STRIKES_EACH_SIDE: String(STRIKES_EACH_SIDE),
      // The test's figures count one window per chain; two expiries and the roll between them are
      // tested in test/e2e/expiries.test.ts (`npm run soak -- --expiries 2` measures a week of both).
      EXPIRIES_TRACKED: String(this.options.expiriesTracked ?? 1),
      SQUARE_OFF_TIME: '15:20',
      ACCESS: `${OWNERS[0]}=admin,${OWNERS[1]}=trader`,
    });
    // Every option the simulator lists, to count the live prices a tracker still holds.
    this.listed = new SimMarket({ seed: this.seed, asOf: sim.ready.asOf }).instruments();
    await this.startDaemon();

    const days: DayFigures[] = [];
    for (const [index, date] of this.dates.entries()) {
      const day = await this.tradingDay(index, date, days.at(-1)?.date ?? date);
      days.push(day);
      this.options.onDay?.(day);
    }
    return this.report(days);
  }

  async close(): Promise<void> {
    await this.daemon?.stop();
    await this.sim?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async startDaemon(): Promise<Daemon> {
    const sim = this.sim!;
    const daemon = await startDaemon(this.config!, this.logging.logger, { now: () => sim.now() });
    this.daemon = daemon;
    this.watch.attach(daemon);
    for (const owner of OWNERS) await daemon.commands.handle('/alerts on', { owner });
    if (this.trader) this.trader.use(daemon);
    else this.trader = new PaperTrader(daemon, OWNERS, this.seed);
    await this.waitForFeed();
    return daemon;
  }

  /** Stops the daemon once the backfills its last cycle started have settled (as at the end of a day). */
  private async stopDaemon(): Promise<void> {
    const daemon = this.daemon!;
    await Promise.all(daemon.trackers.map((tracker) => tracker.backfillSettled()));
    await daemon.stop();
  }

  private async health(): Promise<{ ticker: { connections: number; subscribed: number } }> {
    const response = await fetch(`${this.daemon!.apiUrl}/healthz`);
    return (await response.json()) as { ticker: { connections: number; subscribed: number } };
  }

  private async waitForFeed(): Promise<void> {
    await waitFor(async () => (await this.health()).ticker.connections > 0, {
      timeoutMs: 20_000,
      what: 'the ticker to connect to the simulator',
    });
    await this.indexTicksSince(this.sim!.now());
  }

  /** Waits until every chain's index has ticked at or after the simulated `instant`. */
  private async indexTicksSince(instant: number): Promise<void> {
    const daemon = this.daemon!;
    const indexTokens = daemon.trackers.map((tracker) => {
      const index = this.listed.find(
        (row) => row.tradingsymbol === tracker.spec.underlying && row.exchange === tracker.spec.indexExchange,
      );
      if (!index) throw new Error(`${tracker.spec.underlying} is not listed on the simulator`);
      return { tracker, token: index.instrumentToken };
    });
    await waitFor(
      () => indexTokens.every(({ tracker, token }) => (tracker.latestPrice(token)?.at ?? -1) >= instant),
      { timeoutMs: 20_000, intervalMs: 20, what: 'index ticks at the simulated time' },
    );
  }

  private async tradingDay(index: number, date: string, previous: string): Promise<DayFigures> {
    const sim = this.sim!;
    this.watch.newDay();
    const retention: RetentionRun[] = [];
    // The nights since the previous trading day, weekends included: the 03:00 retention each.
    for (let night = istAddDays(previous, 1); night <= date; night = istAddDays(night, 1)) {
      await sim.jumpTo(istWallClock(night, '03:00'));
      retention.push(this.retention(night));
    }
    let morningRestart: DayFigures['restart'];
    if (this.options.restarts !== false && index === NEXT_MORNING_RESTART) {
      // Before the open: yesterday's history must not be reloaded.
      await sim.jumpTo(istWallClock(date, '08:30'), 1);
      await this.stopDaemon();
      const daemon = await this.startDaemon();
      morningRestart = { kind: 'next-morning', historyTokensAtStart: historyTokens(daemon.trackers) };
    }
    const speed = index === 0 ? WARMUP_SPEED : this.speed;
    await sim.jumpTo(istWallClock(date, '08:45'), speed);
    await this.daemon!.dailyJobs.sessionReminder();
    await sim.jumpTo(istWallClock(date, '09:15'), speed);
    await this.indexTicksSince(istWallClock(date, '09:15'));

    const counts = { ...this.trader!.counts };
    const session = await this.marketSession(
      date,
      index === SAME_DAY_RESTART && this.options.restarts !== false,
    );
    const subscribed = (await this.health()).ticker.subscribed;
    await sim.jumpTo(istWallClock(date, '15:35'));
    const daemon = this.daemon!;
    daemon.dailyJobs.dailySummary();
    await daemon.alerts.idle();
    await Promise.all(daemon.trackers.map((tracker) => tracker.backfillSettled()));

    const book = paperDay(this.dbPath, istWallClock(date, '00:00'));
    const trader = this.trader!.counts;
    const restart = morningRestart ?? session.restart;
    return {
      date,
      warmup: index === 0,
      rounds: session.rounds,
      chains: Object.fromEntries(
        daemon.trackers.map((tracker) => [
          tracker.spec.id,
          this.chainDay(tracker, session.oldestAfterFirstCycle.get(tracker.spec.id) ?? null),
        ]),
      ),
      retention,
      subscribed,
      trackedBreaches: daemon.alerts.trackedBreaches,
      alertListeners: daemon.alerts.listenerCount('alert'),
      activeTimers: process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length,
      orders: {
        placed: trader.placed - counts.placed,
        refused: trader.refused - counts.refused,
        manualExitCommands: trader.manualExits - counts.manualExits,
      },
      closed: book.closed,
      openAfterSquareOff: book.open,
      alerts: this.watch.alertsToday,
      ...(restart ? { restart } : {}),
      memory: await settledMemory(this.gc.collect),
      simRss: (await sim.stats()).rss,
    };
  }

  /**
   * 09:15 to 15:30: rounds of cycles back to back (each waits on the quote API's 1 request/s, so a
   * round spans about an hour at speed 1600) while the trader places orders until 15:15; the
   * square-off fires at 15:20 on a timer of the simulated clock.
   */
  private async marketSession(
    date: string,
    restartAtNoon: boolean,
  ): Promise<{
    rounds: number;
    oldestAfterFirstCycle: Map<string, number | null>;
    restart?: DayFigures['restart'];
  }> {
    const sim = this.sim!;
    const close = istWallClock(date, '15:30');
    const stopTrading = istWallClock(date, '15:15');
    const squareOff = this.atSimTime(istWallClock(date, '15:20'), () => this.daemon!.dailyJobs.squareOff());
    let trading = this.startTrading(stopTrading);
    let rounds = 0;
    let restart: DayFigures['restart'];
    const oldestAfterFirstCycle = new Map<string, number | null>();
    while (sim.now() < close) {
      if (restartAtNoon && !restart && sim.now() >= istWallClock(date, '12:00')) {
        await trading.stop();
        restart = await this.restartSameDay();
        trading = this.startTrading(stopTrading);
      }
      await this.daemon!.runCycles();
      rounds++;
      if (rounds === 1) {
        for (const tracker of this.daemon!.trackers) {
          const times = tracker.history.tokens().map((token) => tracker.history.earliest(token)!.time);
          oldestAfterFirstCycle.set(tracker.spec.id, times.length > 0 ? Math.min(...times) : null);
        }
        await this.trader!.dailyQueries();
      }
    }
    await trading.stop();
    await squareOff;
    this.trader!.endOfDay();
    return { rounds, oldestAfterFirstCycle, ...(restart ? { restart } : {}) };
  }

  /** Runs `job` when the shared clock reaches `instant` (at once if it has). */
  private async atSimTime(instant: number, job: () => void): Promise<void> {
    while (this.sim!.now() < instant) await sleep(Math.max(1, (instant - this.sim!.now()) / this.speed));
    job();
  }

  /** Orders every `orderIntervalMs` until simulated time `until`, or stop(). */
  private startTrading(until: number): { stop(): Promise<void> } {
    let running = true;
    const interval = this.options.orderIntervalMs ?? ORDER_INTERVAL_MS;
    const loop = (async () => {
      while (running && this.sim!.now() < until) {
        await this.trader!.step();
        await sleep(interval);
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
      },
    };
  }

  /** At noon: one cycle at real speed (so the last saved cycle is seconds old), stop, start again. */
  private async restartSameDay(): Promise<NonNullable<DayFigures['restart']>> {
    const sim = this.sim!;
    await sim.jumpTo(sim.now(), 1);
    await this.daemon!.runCycles();
    await this.stopDaemon();
    const before = (await sim.stats()).historicalRequests;
    const daemon = await this.startDaemon();
    const historyTokensAtStart = historyTokens(daemon.trackers);
    await daemon.runCycles();
    await Promise.all(daemon.trackers.map((tracker) => tracker.backfillSettled()));
    const historicalCalls = (await sim.stats()).historicalRequests - before;
    await sim.jumpTo(sim.now(), this.speed);
    return { kind: 'same-day', historyTokensAtStart, historicalCalls };
  }

  private retention(date: string): RetentionRun {
    const cutoff = this.sim!.now() - this.retentionDays * DAY_MS;
    const removed = this.daemon!.dailyJobs.retention();
    const oldest = oldestRows(this.dbPath);
    return {
      date,
      cutoff,
      removed,
      oldestObservation: oldest.observation,
      oldestUnderlying: oldest.underlying,
    };
  }

  private chainDay(tracker: ChainTracker, oldestPointAfterFirstCycle: number | null): ChainDay {
    const tally = this.watch.chain(tracker.spec.id);
    const expiry = tracker.current()?.expiry ?? null;
    const { optionName, optionsExchange } = tracker.spec;
    const priced = this.listed.filter(
      (row) =>
        row.name === optionName &&
        row.exchange === optionsExchange &&
        tracker.latestPrice(row.instrumentToken),
    );
    return {
      cycles: tally.cycles,
      liveSnapshots: tally.liveSnapshots,
      firstExpiry: tally.firstSnapshot?.expiry ?? null,
      lastExpiry: expiry,
      oldestPointAfterFirstCycle,
      changesAgainstPreviousDay: tally.changesAgainstPreviousDay,
      historyTokens: tracker.history.size,
      livePrices: priced.length,
      expiredLivePrices: priced.filter((row) => expiry !== null && row.expiry < expiry).length,
      tradableOptions: tracker.tradableOptions().length,
      snapshotListeners: tracker.listenerCount('snapshot'),
    };
  }

  private report(days: DayFigures[]): WeekReport {
    const warm = days[0]!.memory;
    const end = days.at(-1)!.memory;
    const measured = days.filter((day) => !day.warmup);
    const sum = (pick: (day: DayFigures) => number) => measured.reduce((total, day) => total + pick(day), 0);
    const runs = days.flatMap((day) => day.retention);
    const removed = (pick: (run: NonNullable<RetentionRun['removed']>) => number) =>
      runs.reduce((total, run) => total + (run.removed ? pick(run.removed) : 0), 0);
    return {
      settings: {
        seed: this.seed,
        speed: this.speed,
        warmupSpeed: WARMUP_SPEED,
        tickIntervalMs: this.tickIntervalMs,
        retentionDays: this.retentionDays,
        refreshIntervalSeconds: REFRESH_INTERVAL_SECONDS,
        strikesEachSide: STRIKES_EACH_SIDE,
      },
      days,
      totals: {
        rounds: sum((day) => day.rounds),
        ordersPlaced: sum((day) => day.orders.placed),
        autoExits: sum((day) => day.closed.target + day.closed.stop),
        manualExits: sum((day) => day.closed.manual),
        squaredOff: sum((day) => day.closed.squareOff),
        alerts: this.watch.alertTotals,
        retentionRemoved: {
          observations: removed((r) => r.observations),
          underlying: removed((r) => r.underlying),
          instruments: removed((r) => r.instruments),
        },
      },
      memory: {
        afterWarmup: warm,
        end,
        rssGrowthPct: ((end.rss - warm.rss) / warm.rss) * 100,
        heapGrowthPct: ((end.heapUsed - warm.heapUsed) / warm.heapUsed) * 100,
        gcExposed: this.gc.exposed,
      },
      store: storeFigures(this.dbPath),
      orderRefusals: this.trader!.counts.refusals,
      log: this.logging.log,
      wallSeconds: (performance.now() - this.started) / 1000,
    };
  }
}

function historyTokens(trackers: readonly ChainTracker[]): number {
  return trackers.reduce((sum, tracker) => sum + tracker.history.size, 0);
}
