import { readFileSync } from 'node:fs';
import type { AppContext } from './context.ts';
import type { MarketData } from './market-data.ts';
import { MarketReplies } from '../commands/chain-reply.ts';
import { CommandCore, type CommandContext } from '../commands/command-core.ts';
import type { Reply } from '../commands/reply.ts';
import type { Config } from '../config.ts';
import type { PaperBook } from '../paper/paper-book.ts';
import type { Paper } from './paper.ts';
import type { PaperTradingDesk } from '../paper/trading-desk.ts';
import type { OiStore } from '../store/oi-store.ts';
import type { ChainTracker } from '../tracker/chain-tracker.ts';
import { chooseExpiry, type ExpiryChoice } from '../tracker/expiry-choice.ts';
import type { ChainSnapshot } from '../tracker/types.ts';
import type { MetricsRegistry } from '../http/metrics.ts';
import { RenderOnce } from '../render/render-once.ts';
import { istMidnight } from '../util/ist.ts';
import { readBookStats } from '../paper/book-stats.ts';
import { readScorecard } from '../alerts/scorecard.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** A market-data command right after start waits this long for the chain's first snapshot. */
const FIRST_SNAPSHOT_WAIT_MS = 60_000;

/** A snapshot worth showing: rows, and past Starting (its options have ticked). */
const hasRows = (snapshot: ChainSnapshot | null): snapshot is ChainSnapshot =>
  snapshot !== null && snapshot.calls.length > 0 && snapshot.status !== 'Starting';

/**
 * The snapshots the trackers published, by chain: each cycle's own figures, without the live ticks
 * `current()` lays over them, so a picture rendered once per cycle shows what its caption says.
 */
function publishedSnapshots(
  trackers: readonly ChainTracker[],
): (tracker: ChainTracker) => ChainSnapshot | null {
  const published = new Map<string, ChainSnapshot>();
  for (const tracker of trackers) tracker.on('snapshot', (snapshot) => published.set(tracker.id, snapshot));
  // Before the first cycle this context saw, the tracker's latest (a recovered or earlier cycle).
  return (tracker) => published.get(tracker.id) ?? tracker.current();
}

/** The latest published snapshot with rows, waiting up to `waitMs` for the chain's first one. */
async function snapshotOf(
  tracker: ChainTracker,
  latest: (tracker: ChainTracker) => ChainSnapshot | null,
  waitMs: number,
): Promise<ChainSnapshot | null> {
  const current = latest(tracker);
  if (hasRows(current) || waitMs <= 0) return hasRows(current) ? current : null;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      tracker.off('snapshot', onSnapshot);
      resolve(null);
    }, waitMs);
    const onSnapshot = (snapshot: ChainSnapshot) => {
      if (!hasRows(snapshot)) return;
      clearTimeout(timer);
      tracker.off('snapshot', onSnapshot);
      resolve(snapshot);
    };
    tracker.on('snapshot', onSnapshot);
  });
}

const playedSessionField = (played: string | null) => (played ? { playedSession: played } : {});

/** Wires the command core to the daemon's trackers, paper book and feed. */
export function commandContext(deps: {
  config: Config;
  trackers: readonly ChainTracker[];
  /** Every tracked expiry's tracker (`NSE`, `NSE_next`, …); default `trackers`. */
  allTrackers?: readonly ChainTracker[];
  book: PaperBook;
  desk: PaperTradingDesk;
  tickerConnections: () => number;
  chainReply: (chainId: string, snapshot: ChainSnapshot, dataAgeS: number | null) => Promise<Reply>;
  oiReply: CommandContext['oiReply'];
  pcrReply: (chainId: string, points: { time: number; pcr: number }[]) => Promise<Reply>;
  pcrHistory: (chainId: string) => { time: number; pcr: number }[];
  /** The paper book's closed-trade statistics of one owner over the last `days` IST days. */
  bookStats: CommandContext['trading']['stats'];
  startedAt: number;
  alerts: CommandContext['alerts'];
  session: NonNullable<CommandContext['session']> & { readonly state: string };
  /** "simulated session of <date>, now at <time>" when the simulator plays a session. */
  playedSession?: () => string | null;
  /** The clock the data's age is read on (default the wall clock). */
  now?: () => number;
}): CommandContext {
  const { config, trackers, book, desk } = deps;
  const now = deps.now ?? Date.now;
  const trackerOf = (chainId: string) => trackers.find((tracker) => tracker.spec.id === chainId);
  const allTrackers = deps.allTrackers ?? trackers;
  const trackerFor = (chainId: string, choice: ExpiryChoice | undefined) => {
    if (!choice) return trackerOf(chainId);
    const ofChain = allTrackers.filter((tracker) => tracker.spec.id === chainId);
    return ofChain[
      chooseExpiry(
        chainId,
        ofChain.map((tracker) => tracker.expiry),
        choice,
      )
    ];
  };
  const latest = publishedSnapshots(allTrackers);
  return {
    chains: config.chains,
    access: config.access,
    snapshot: async (chainId, waitMs, expiry) => {
      const tracker = trackerFor(chainId, expiry);
      const snapshot = tracker ? await snapshotOf(tracker, latest, waitMs) : null;
      if (!snapshot) return null;
      // The shown figures are the cycle's: as old as the cycle, or as the last tick before it.
      const tickAgeS = tracker!.dataAgeSeconds();
      const cycleAgeS = Math.max(0, (now() - snapshot.lastUpdate) / 1000);
      return { snapshot, dataAgeS: tickAgeS === null ? null : Math.max(tickAgeS, cycleAgeS) };
    },
    chainReply: deps.chainReply,
    oiReply: deps.oiReply,
    pcrReply: (chainId) => deps.pcrReply(chainId, deps.pcrHistory(chainId)),
    alerts: deps.alerts,
    session: deps.session,
    trading: {
      placeOrder: (request) => desk.placeOrder(request),
      exit: (request) => desk.exit(request),
      openPositions: (owner, chainId) => book.openPositions({ owner, chainId }),
      pnl: (owner) => book.pnl(owner),
      dailyRealized: (owner) => book.dailyRealized(owner),
      stats: (owner, days) => deps.bookStats(owner, days),
    },
    lotSize: (chainId) => trackerOf(chainId)?.tradableOptions()[0]?.lotSize || null,
    status: () => ({
      version: VERSION,
      uptimeS: (Date.now() - deps.startedAt) / 1000,
      marketData: config.marketData,
      ...playedSessionField(deps.playedSession?.() ?? null),
      tickerConnections: deps.tickerConnections(),
      session: deps.session.state,
      chains: trackers.map((tracker) => {
        const snapshot = tracker.current();
        return {
          id: tracker.spec.id,
          status: snapshot?.status ?? 'Starting',
          dataAgeS: tracker.dataAgeSeconds(),
          notes: snapshot?.notes ?? [],
        };
      }),
    }),
  };
}

/** The command core on the daemon's trackers, paper book, store, Kite session and feed. */
export function commandCore(
  app: AppContext,
  deps: {
    store: OiStore;
    market: Pick<MarketData, 'ticker' | 'session'>;
    trackers: readonly ChainTracker[];
    allTrackers?: readonly ChainTracker[];
    paper: Pick<Paper, 'book' | 'desk'>;
    history?: CommandContext['history'];
    /** Alert rules (/rule, /rules). */
    rules?: CommandContext['rules'];
    /** "simulated session of <date>, now at <time>" when the simulator plays a session. */
    playedSession?: () => string | null;
    /** Counts each PNG actually rendered (replies reuse one per published snapshot). */
    metrics?: Pick<MetricsRegistry, 'chainPngRenders'>;
  },
): CommandCore {
  const { config, clock } = app;
  const { store, market, metrics } = deps;
  const renders = new RenderOnce({
    onRender: (key) => metrics?.chainPngRenders.inc({ chain: key.chainId, kind: key.kind }),
  });
  const replies = new MarketReplies(config.tracker.oiChangeWindows, renders);
  return new CommandCore({
    ...commandContext({
      config,
      trackers: deps.trackers,
      ...(deps.allTrackers ? { allTrackers: deps.allTrackers } : {}),
      book: deps.paper.book,
      desk: deps.paper.desk,
      tickerConnections: () => market.ticker.connectedCount,
      chainReply: (chainId, snapshot, dataAgeS) => replies.chain(chainId, snapshot, dataAgeS),
      oiReply: (chainId, snapshot) => replies.oi(chainId, snapshot),
      pcrReply: (chainId, points) => replies.pcr(chainId, points),
      pcrHistory: (chainId) =>
        store
          .underlyingHistory(chainId, istMidnight(clock.now()))
          .flatMap((point) => (point.pcr === null ? [] : [{ time: point.time, pcr: point.pcr }])),
      bookStats: (owner, days) => readBookStats(store.paperStore(), { owner, days, now: clock.now() }),
      startedAt: app.startedAt,
      alerts: store.alertSubscriptions(),
      session: market.session,
      ...(deps.playedSession ? { playedSession: deps.playedSession } : {}),
      now: () => clock.now(),
    }),
    renders,
    ...(deps.history ? { history: deps.history } : {}),
    ...(deps.rules ? { rules: deps.rules } : {}),
    scorecard: (days) => readScorecard(store.scoreStore(), clock.now(), days),
    now: () => clock.now(),
    firstSnapshotWaitMs: FIRST_SNAPSHOT_WAIT_MS,
  });
}
