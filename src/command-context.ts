import { readFileSync } from 'node:fs';
import type { CommandContext } from './commands/command-core.ts';
import type { Reply } from './commands/reply.ts';
import type { Config } from './config.ts';
import type { PaperBook } from './paper/paper-book.ts';
import type { PaperTradingDesk } from './paper/trading-desk.ts';
import type { ChainTracker } from './tracker/chain-tracker.ts';
import type { ChainSnapshot } from './tracker/types.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

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
  startedAt: number;
  alerts: CommandContext['alerts'];
  session: NonNullable<CommandContext['session']> & { readonly state: string };
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
    },
    status: () => ({
      version: VERSION,
      uptimeS: (Date.now() - deps.startedAt) / 1000,
      marketData: config.marketData,
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
