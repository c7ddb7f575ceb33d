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
import type { ChainSnapshot } from '../tracker/types.ts';
import { istMidnight } from '../util/ist.ts';
import { readBookStats } from '../paper/book-stats.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** A market-data command right after start waits this long for the chain's first snapshot. */
const FIRST_SNAPSHOT_WAIT_MS = 60_000;

/** A snapshot worth showing: rows, and past Starting (its options have ticked). */
const hasRows = (snapshot: ChainSnapshot | null): snapshot is ChainSnapshot =>
  snapshot !== null && snapshot.calls.length > 0 && snapshot.status !== 'Starting';

/** The latest snapshot with rows, waiting up to `waitMs` for the chain's first one. */
async function snapshotOf(tracker: ChainTracker, waitMs: number): Promise<ChainSnapshot | null> {
  const current = tracker.current();
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
      resolve(tracker.current());
    };
    tracker.on('snapshot', onSnapshot);
  });
}

const playedSessionField = (played: string | null) => (played ? { playedSession: played } : {});

/** Wires the command core to the daemon's trackers, paper book and feed. */
export function commandContext(deps: {
  config: Config;
  trackers: readonly ChainTracker[];
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
}): CommandContext {
  const { config, trackers, book, desk } = deps;
  const trackerOf = (chainId: string) => trackers.find((tracker) => tracker.spec.id === chainId);
  return {
    chains: config.chains,
    access: config.access,
    snapshot: async (chainId, waitMs) => {
      const tracker = trackerOf(chainId);
      const snapshot = tracker ? await snapshotOf(tracker, waitMs) : null;
      return snapshot && { snapshot, dataAgeS: tracker!.dataAgeSeconds() };
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
    paper: Pick<Paper, 'book' | 'desk'>;
    history?: CommandContext['history'];
    /** "simulated session of <date>, now at <time>" when the simulator plays a session. */
    playedSession?: () => string | null;
  },
): CommandCore {
  const { config, clock } = app;
  const { store, market } = deps;
  const replies = new MarketReplies(config.tracker.oiChangeWindows);
  return new CommandCore({
    ...commandContext({
      config,
      trackers: deps.trackers,
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
    }),
    ...(deps.history ? { history: deps.history } : {}),
    now: () => clock.now(),
    firstSnapshotWaitMs: FIRST_SNAPSHOT_WAIT_MS,
  });
}
