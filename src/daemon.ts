import type { AlertEngine } from './alerts/alert-engine.ts';
import { startAlerts } from './app/alerts.ts';
import { startApi } from './app/api.ts';
import { chainHistory } from './app/history.ts';
import { appContext } from './app/context.ts';
import { startDailyJobs, type DailyJobs } from './app/daily-jobs.ts';
import { ruleDesk } from './app/rules.ts';
import { startMarketData } from './app/market-data.ts';
import { startPaper } from './app/paper.ts';
import { StopStack } from './app/stop-stack.ts';
import { startStore } from './app/store.ts';
import { startTrackers } from './app/trackers.ts';
import { commandCore } from './app/commands.ts';
import { describePlayedSession, playedSessionClock } from './app/session-clock.ts';
import { MarketCalendar } from './calendar/market-hours.ts';
import type { CommandCore } from './commands/command-core.ts';
import type { Config } from './config.ts';
import { MetricsRegistry } from './http/metrics.ts';
import type { KiteSession } from './kite/kite-session.ts';
import type { Logger } from './log.ts';
import type { SimServer } from './app/market-data.ts';
import type { OiStore } from './store/oi-store.ts';
import type { ChainTracker } from './tracker/chain-tracker.ts';
import { clockReading, wallClock, type Clock } from './util/clock.ts';

export type { DailyJobs } from './app/daily-jobs.ts';

export interface Daemon {
  readonly apiUrl: string;
  /** The nearest expiry's tracker of each chain. */
  readonly trackers: readonly ChainTracker[];
  /** Every tracker: each chain's EXPIRIES_TRACKED nearest expiries (`NSE`, `NSE_next`, …). */
  readonly allTrackers: readonly ChainTracker[];
  readonly store: OiStore;
  /** The command core, for the console and the chat bots. */
  readonly commands: CommandCore;
  /** Alerts: notifiers (the chat adapters, ntfy) register here. */
  readonly alerts: AlertEngine;
  readonly session: KiteSession;
  /** The one clock: the one given, or in a played simulated session the played clock on it. */
  readonly clock: Clock;
  /** "simulated session of <date>, now at <time>" when the simulator plays a session, else null. */
  playedSession(): string | null;
  /** The in-process simulator when MARKET_DATA=sim. */
  readonly sim?: SimServer;
  /** Runs one cycle of every chain now (the schedule does this every REFRESH_INTERVAL_SECONDS). */
  runCycles(): Promise<void>;
  /** The jobs the daily schedule runs (IST), for tools and tests that run them when they choose. */
  readonly dailyJobs: DailyJobs;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  /**
   * The one clock of the daemon: what every part reads, what the cycle and daily schedules run on, and
   * the in-process simulator's clock. Default the wall clock. When the simulator plays a session
   * (SIM_SESSION=replay, or automatic outside market hours), the played clock runs on this one.
   */
  clock?: Clock;
  /** Only a reading of now, for callers from before `clock`: its time passes at the wall clock's rate. */
  now?: () => number;
}

/** The latest cycle any configured chain saved, or null. */
function latestCycle(store: OiStore, config: Config): number | null {
  const times = config.chains.flatMap((spec) => store.lastUpdate(spec.id) ?? []);
  return times.length > 0 ? Math.max(...times) : null;
}

/**
 * A played session keeps to market hours, so the trackers show Closed between the 15:30 close and the
 * jump to the next day.
 */
function playedConfig(config: Config): Config {
  return { ...config, tracker: { ...config.tracker, marketHours: 'exchange' } };
}

/** Starts store → market data → trackers → paper → alerts → API → daily jobs; stop() undoes it in reverse. */
export async function startDaemon(
  config: Config,
  logger: Logger,
  options: DaemonOptions = {},
): Promise<Daemon> {
  const base = options.clock ?? (options.now ? clockReading(options.now) : wallClock);
  const played = playedSessionClock(config, MarketCalendar.fromFile(), base);
  const clock = played ?? base;
  const app = appContext(played ? playedConfig(config) : config, logger, clock);
  const playedSession = () => (played ? describePlayedSession(played.now()) : null);
  const started = new StopStack(logger);
  try {
    const { store, retention } = started.add(startStore(app));
    // A played session goes on where the last one stored its cycles: its clock never goes back.
    const latest = played ? latestCycle(store, config) : null;
    if (played && latest !== null) played.skipTo(latest);
    logger.info(
      {
        marketData: config.marketData,
        chains: config.chains.map((chain) => chain.id),
        ...(played ? { session: playedSession() } : {}),
      },
      'oi-tracker starting',
    );
    const metrics = new MetricsRegistry();
    const market = started.add(await startMarketData(app, store, metrics));
    // No await from here to the alerts: all of them attach to the feed before its first tick arrives.
    const { trackers, allTrackers, runCycles } = started.add(startTrackers(app, market, store, metrics));
    const paper = started.add(startPaper(app, store, trackers, market));
    const alerts = started.add(startAlerts(app, { store, market, trackers, allTrackers, paper }));
    const history = chainHistory(app, store);
    // Stopped before the store: a replay under way ends at its next stored day.
    const rules = started.add(ruleDesk(app, { store, trackers }));
    const api = started.add(
      await startApi(app, { store, market, trackers, allTrackers, paper, metrics, history, rules }),
    );
    const pruned = () => {
      alerts.pruneOutbox();
      return retention();
    };
    const jobs = {
      retention: pruned,
      reloadInstruments: market.reloadInstruments,
      ...alerts.daily,
      squareOff: paper.squareOffJob,
    };
    const daily = started.add(startDailyJobs(app, jobs));
    return {
      apiUrl: api.url,
      trackers,
      allTrackers,
      store,
      commands: commandCore(app, {
        store,
        market,
        trackers,
        allTrackers,
        paper,
        history,
        playedSession,
        metrics,
        rules,
      }),
      alerts: alerts.engine,
      session: market.session,
      clock,
      playedSession,
      ...(market.sim ? { sim: market.sim } : {}),
      runCycles,
      dailyJobs: daily.jobs,
      stop: () => started.stopAll(),
    };
  } catch (error) {
    await started.stopAll();
    throw error;
  }
}
