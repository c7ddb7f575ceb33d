import type { ChainHistory } from '../history/chain-history.ts';
import type { AlertSubscription } from '../store/alert-subscriptions.ts';
import type { BookStatsReport } from '../paper/book-stats.ts';
import type { PositionJson } from '../paper/position.ts';
import type { ExitRequest, OrderRequest } from '../paper/types.ts';
import type { RenderOnce } from '../render/render-once.ts';
import type { RuleDesk } from '../rules/rule-desk.ts';
import type { Scorecard } from '../alerts/scorecard.ts';
import type { ExpiryChoice } from '../tracker/expiry-choice.ts';
import type { ChainSnapshot, ChainSpec } from '../tracker/types.ts';
import type { StatusReport } from './replies.ts';
import type { Reply } from './reply.ts';
import type { Role } from './roles.ts';

/** What the commands need from the daemon; every piece is a plain port (no chat platform here). */
export interface CommandContext {
  chains: readonly ChainSpec[];
  access: ReadonlyMap<string, Role>;
  /**
   * The chain's latest published snapshot (the daemon's last cycle), waiting up to `waitMs` for the
   * first one; `dataAgeS` is how old its figures are now.
   */
  snapshot(
    chainId: string,
    waitMs: number,
    /** One of the chain's tracked expiries (default the nearest); an untracked one throws a UserError. */
    expiry?: ExpiryChoice,
  ): Promise<{ snapshot: ChainSnapshot; dataAgeS: number | null } | null>;
  chainReply(chainId: string, snapshot: ChainSnapshot, dataAgeS: number | null): Promise<Reply>;
  oiReply(chainId: string, snapshot: ChainSnapshot): Promise<Reply>;
  /** Today's PCR through the day (from the store) and its reply. */
  pcrReply(chainId: string): Promise<Reply>;
  trading: {
    placeOrder(request: OrderRequest): PositionJson;
    exit(request: ExitRequest): PositionJson[];
    openPositions(owner: string, chainId?: string): PositionJson[];
    pnl(owner: string): Record<string, { realized_today: number; mtm: number; realized_all_time: number }>;
    dailyRealized(owner: string): { day: string; chain: string; realized_pnl: number }[];
    /** The book's closed-trade statistics over the last `days` IST calendar days, today included. */
    stats(owner: string, days: number): BookStatsReport;
  };
  status(): StatusReport;
  alerts: {
    get(chat: string): AlertSubscription;
    set(subscription: AlertSubscription): void;
  };
  /** The Kite session, for admins: the login link and switching to a new session. */
  session?: {
    loginUrl(): string;
    /** Exchanges a request token; resolves with the Kite user id. */
    exchange(requestToken: string): Promise<string>;
    /** Uses a web session; resolves with the Kite user id. */
    useEnctoken(enctoken: string): Promise<string>;
  };
  /** The stored history (past chains, diffs, heatmaps, straddles); chat instants, not the API's. */
  history?: Pick<ChainHistory, 'chainAt' | 'diff' | 'heatmap' | 'straddle' | 'past'>;
  /** Alert rules: try a condition on the stored history, add, list, switch on/off, delete. */
  rules?: Pick<
    RuleDesk,
    'test' | 'add' | 'list' | 'setEnabled' | 'remove' | 'days' | 'defaultCooldownMinutes'
  >;
  /** How the market moved after the OI-jump and rule alerts of the last `days` IST days. */
  scorecard?(days: number): Scorecard;
  /** Renders each picture once per snapshot and shares it; without it, every request renders anew. */
  renders?: Pick<RenderOnce, 'get'>;
  /** Units per lot of the chain's options (for per-lot figures), or null when the listing is not loaded. */
  lotSize?(chainId: string): number | null;
  now?: () => number;
  /** How long a market-data command waits for a chain's first snapshot (the console uses 60 s). */
  firstSnapshotWaitMs?: number;
}
