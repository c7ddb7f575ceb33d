import cron from 'node-cron';
import { MarketCalendar } from './calendar/market-hours.ts';
import type { Config } from './config.ts';
import { startApiServer } from './http/api-server.ts';
import { apiSource } from './api-source.ts';
import { reportFeedAndSession } from './feed-reports.ts';
import { loadCatalogue, marketEndpoint } from './market-source.ts';
import { MetricsRegistry } from './http/metrics.ts';
import { KiteRestClient } from './kite/rest-client.ts';
import { TickerClient } from './kite/ticker-client.ts';
import type { Logger } from './log.ts';
import { MarketReplies } from './commands/chain-reply.ts';
import { istDateOf, istMidnight } from './util/ist.ts';
import { AlertEngine } from './alerts/alert-engine.ts';
import { scheduleDailyAlerts } from './alerts/alert-schedule.ts';
import { summaryInput } from './alerts/summary-input.ts';
import { KiteSession } from './kite/kite-session.ts';
import { CommandCore } from './commands/command-core.ts';
import { commandContext } from './command-context.ts';
import { startPaperTrading } from './paper/start-paper-trading.ts';
import type { SimServer } from './sim/server.ts';
import { OiStore, type PruneResult } from './store/oi-store.ts';
import { ChainTracker } from './tracker/chain-tracker.ts';
import { CycleScheduler } from './tracker/cycle-scheduler.ts';
import { oiWindows } from './tracker/oi-change.ts';

export interface Daemon {
  readonly apiUrl: string;
  readonly trackers: readonly ChainTracker[];
  readonly store: OiStore;
  /** The command core, for the console and the chat bots. */
  readonly commands: CommandCore;
  /** Alerts: notifiers (the chat adapters, ntfy) register here. */
  readonly alerts: AlertEngine;
  readonly session: KiteSession;
  /** The in-process simulator when MARKET_DATA=sim. */
  readonly sim?: SimServer;
  /** Runs one cycle of every chain now (the schedule does this every REFRESH_INTERVAL_SECONDS). */
  runCycles(): Promise<void>;
  /** The jobs the daily schedule runs (IST), for tools and tests whose clock is not the wall clock. */
  readonly dailyJobs: DailyJobs;
  stop(): Promise<void>;
}

export interface DailyJobs {
  /** 03:00: deletes data older than RETENTION_DAYS; null when the store refused. */
  retention(): PruneResult | null;
  /** 08:45 on trading days: reminds admins when Kite does not accept the session. */
  sessionReminder(): Promise<void>;
  /** SQUARE_OFF_TIME on trading days: closes every open paper position. */
  squareOff(): void;
  /** 15:35 on trading days: the end-of-day summary, then forgets stale breach state. */
  dailySummary(): void;
}

export interface DaemonOptions {
  /** The clock every part reads (epoch ms), default `Date.now`; the daily schedule keeps the wall clock. */
  now?: () => number;
}

type Stop = () => Promise<void> | void;

const RETENTION_SCHEDULE = '0 0 3 * * *';
const FIRST_CYCLE_DELAY_MS = 3000;
/** A market-data command right after start waits this long for the chain's first snapshot. */
const FIRST_SNAPSHOT_WAIT_MS = 60_000;

/** Starts everything in order (store → market data → trackers → schedule → API); stop() undoes it in reverse. */
export async function startDaemon(
  config: Config,
  logger: Logger,
  options: DaemonOptions = {},
): Promise<Daemon> {
  const now = options.now ?? Date.now;
  const startedAt = Date.now();
  const stops: Stop[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.warn({ err: error }, 'error while stopping');
      }
    }
  };
  try {
    const store = OiStore.open(config.store.path);
    stops.push(() => store.close());
    const endpoint = await marketEndpoint(config, logger, stops);
    // A session set from chat that is still valid wins over the configured one.
    const stored =
      config.marketData === 'kite'
        ? KiteSession.storedCredentials(store.sessionStore(), endpoint.login.apiKey, now())
        : null;
    if (stored) logger.info({ kind: stored.kind }, 'using the Kite session set from chat');
    // The session needs the REST client and the REST client reports expiry to the session.
    const sessionRef: { current?: KiteSession } = {};
    const rest = new KiteRestClient({
      apiRoot: endpoint.apiRoot,
      credentials: stored ?? endpoint.rest,
      onSessionExpired: (message) => sessionRef.current?.markExpired(message),
    });
    const catalogue = await loadCatalogue(rest, config);
    logger.info({ instruments: catalogue.size }, 'instruments loaded');

    const metrics = new MetricsRegistry();
    const replies = new MarketReplies(config.tracker.oiChangeWindows);
    const ticker = new TickerClient({ wsRoot: endpoint.wsRoot, credentials: stored ?? endpoint.ticker });
    const kiteSession = new KiteSession({
      rest,
      ticker,
      store: store.sessionStore(),
      ...endpoint.login,
      now,
    });
    sessionRef.current = kiteSession;
    const alerts = new AlertEngine({
      subscriptions: store.alertSubscriptions(),
      access: config.access,
      windows: config.tracker.oiChangeWindows,
      thresholds: config.tracker.oiChangeThresholds,
      cooldownMinutes: config.alerts.cooldownMinutes,
      quietHours: config.alerts.quietHours,
      chainImage: async (snapshot) => (await replies.chain(snapshot.chainId, snapshot, null)).image,
      logger,
      now,
    });
    alerts.start();
    stops.push(() => alerts.stop());
    reportFeedAndSession({ ticker, session: kiteSession, alerts, logger });
    ticker.on('error', (error) => logger.debug({ err: error.message }, 'ticker error'));

    const windows = oiWindows(config.tracker.oiChangeWindows, config.tracker.oiChangeThresholds);
    const trackers = config.chains.map(
      (spec) =>
        new ChainTracker({
          spec,
          catalogue,
          rest,
          ticker,
          store,
          settings: { ...config.tracker, windows },
          now,
          warn: (message, error) => logger.warn({ err: error }, message),
        }),
    );
    for (const tracker of trackers) {
      tracker.on('snapshot', (snapshot) =>
        alerts
          .onSnapshot(snapshot)
          .catch((error: unknown) => logger.error({ err: error }, 'breach alert failed')),
      );
      tracker.on('snapshot', (snapshot) =>
        logger.info(
          {
            chain: snapshot.chainId,
            status: snapshot.status,
            price: snapshot.underlyingPrice,
            atm: snapshot.atmStrike,
            expiry: snapshot.expiry,
            pcr: snapshot.pcr === null ? null : Math.round(snapshot.pcr * 100) / 100,
            breaches: [...snapshot.calls, ...snapshot.puts].filter((row) => row.breaches.length > 0).length,
            notes: snapshot.notes.length > 0 ? snapshot.notes : undefined,
          },
          'cycle',
        ),
      );
    }
    const calendar = MarketCalendar.fromFile();
    const paper = startPaperTrading({
      config,
      store,
      trackers,
      feedUp: () => ticker.connectedCount > 0,
      calendar,
      logger,
      now,
    });
    stops.push(() => paper.stop());
    paper.book.on('position_closed', (event) => alerts.onPositionClosed(event));
    const dailyAlerts = scheduleDailyAlerts({
      engine: alerts,
      tradingToday: () => config.tracker.marketHours === 'always' || calendar.isTradingDay(istDateOf(now())),
      sessionValid: () => kiteSession.check(),
      summary: () => {
        const today = istMidnight(now());
        return summaryInput({
          realizedToday: store.paperStore().realizedByDay({ sinceMs: today }),
          openPositions: paper.book.openPositions(),
          chains: trackers.map((tracker) => ({
            snapshot: tracker.current(),
            observations: store.loadObservations(tracker.spec.id, today),
          })),
        });
      },
      logger,
    });
    stops.push(() => dailyAlerts.stop());
    ticker.on('ticks', (ticks) => {
      metrics.ticks.inc(ticks.length);
      for (const tracker of trackers) tracker.onTicks(ticks);
      try {
        paper.book.onTicks(ticks);
      } catch (error) {
        // The exit was not stored, so the position stays open and the next tick tries again.
        logger.error({ err: error }, 'paper book could not record an exit');
      }
    });
    const started = trackers.filter((tracker) => {
      try {
        tracker.start();
        return true;
      } catch (error) {
        logger.error({ chain: tracker.spec.id, err: error }, 'chain could not start; the others carry on');
        return false;
      }
    });
    ticker.start();
    stops.push(() => ticker.stop());

    const scheduler = new CycleScheduler({
      trackers: started,
      refreshIntervalSeconds: config.tracker.refreshIntervalSeconds,
      marketHours: config.tracker.marketHours,
      calendar,
      now,
      onCycleError: (chain, error) => {
        metrics.cycles.inc({ chain, outcome: 'error' });
        logger.error({ chain, err: error }, 'cycle failed');
      },
      onCycleDone: (chain, seconds) => {
        metrics.cycles.inc({ chain, outcome: 'ok' });
        metrics.cycleSeconds.set({ chain }, seconds);
      },
    });
    scheduler.start();
    stops.push(() => scheduler.stop());
    const firstCycle = setTimeout(() => void scheduler.tick(), FIRST_CYCLE_DELAY_MS);
    stops.push(() => clearTimeout(firstCycle));

    const prune = (): PruneResult | null => {
      try {
        const removed = store.pruneBefore(now() - config.store.retentionDays * 86_400_000);
        logger.info({ removed }, 'retention: old data deleted');
        return removed;
      } catch (error) {
        logger.warn({ err: error }, 'retention job failed');
        return null;
      }
    };
    prune();
    const retention = cron.schedule(RETENTION_SCHEDULE, () => void prune(), {
      timezone: 'Asia/Kolkata',
      name: 'retention',
    });
    stops.push(() => retention.destroy());

    const source = apiSource({ config, store, trackers, ticker, paper });
    const api = await startApiServer({ ...config.http, source, metrics, routes: paper.routes });
    stops.push(() => api.close());
    logger.info({ url: api.url }, 'JSON API listening');

    const gaugeTimer = setInterval(() => {
      alerts.onFeedStatus(ticker.connectedCount > 0);
      metrics.sample(ticker, trackers);
    }, 5000);
    stops.push(() => clearInterval(gaugeTimer));

    const commands = new CommandCore({
      ...commandContext({
        config,
        trackers,
        book: paper.book,
        desk: paper.desk,
        tickerConnections: () => ticker.connectedCount,
        chainReply: (chainId, snapshot, dataAgeS) => replies.chain(chainId, snapshot, dataAgeS),
        oiReply: (chainId, snapshot) => replies.oi(chainId, snapshot),
        pcrReply: (chainId, points) => replies.pcr(chainId, points),
        pcrHistory: (chainId) =>
          store
            .underlyingHistory(chainId, istMidnight(now()))
            .flatMap((point) => (point.pcr === null ? [] : [{ time: point.time, pcr: point.pcr }])),
        startedAt,
        alerts: store.alertSubscriptions(),
        session: kiteSession,
      }),
      now,
      firstSnapshotWaitMs: FIRST_SNAPSHOT_WAIT_MS,
    });
    return {
      apiUrl: api.url,
      trackers,
      store,
      commands,
      alerts,
      session: kiteSession,
      ...(endpoint.sim ? { sim: endpoint.sim } : {}),
      runCycles: () => scheduler.tick(),
      dailyJobs: {
        retention: prune,
        sessionReminder: dailyAlerts.sessionReminder,
        squareOff: paper.squareOffJob,
        dailySummary: dailyAlerts.dailySummary,
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
