import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import { parseAccess } from '../../src/commands/access.ts';
import type { CommandContext } from '../../src/commands/context.ts';
import type { Role } from '../../src/commands/roles.ts';
import type { AlertSubscription } from '../../src/store/alert-subscriptions.ts';

export type FakeCommandContextOverrides = Partial<Omit<CommandContext, 'access' | 'trading' | 'alerts'>> & {
  /** ACCESS text (`telegram:1001=admin,…`) or the parsed map; nobody by default. */
  access?: string | ReadonlyMap<string, Role>;
  /** Trading ports to replace; the others refuse (no trading unless a test brings it). */
  trading?: Partial<CommandContext['trading']>;
  alerts?: Partial<CommandContext['alerts']>;
};

const noTrading = () => {
  throw new Error('no trading in this test: pass trading ports to fakeCommandContext');
};

function parsedAccess(text: string): Map<string, Role> {
  const access = parseAccess(text);
  if (!access) throw new Error(`fakeCommandContext: bad access list "${text}"`);
  return access;
}

/**
 * The one command context for tests and benchmarks that drive a real `CommandCore` without a daemon:
 * the default chains, no market data (`snapshot` resolves null), no trading, alert subscriptions kept
 * in memory, a fixed status. Override what the test needs.
 */
export function fakeCommandContext(overrides: FakeCommandContextOverrides = {}): CommandContext {
  const { access = '', trading, alerts, ...rest } = overrides;
  const subscriptions = new Map<string, AlertSubscription>();
  return {
    chains: parseChainSpecs(DEFAULT_CHAINS)!,
    snapshot: async () => null,
    chainReply: async () => ({ text: 'chain' }),
    oiReply: async () => ({ text: 'oi' }),
    pcrReply: async () => ({ text: 'pcr' }),
    status: () => ({ version: '0.1.0', uptimeS: 75, marketData: 'sim', tickerConnections: 1, chains: [] }),
    ...rest,
    access: typeof access === 'string' ? parsedAccess(access) : access,
    trading: {
      placeOrder: noTrading,
      exit: () => [],
      openPositions: () => [],
      pnl: () => ({}),
      dailyRealized: () => [],
      stats: noTrading,
      ...trading,
    },
    alerts: {
      get: (chat) => subscriptions.get(chat) ?? { chat, enabled: false, mutedUntil: 0 },
      set: (subscription) => void subscriptions.set(subscription.chat, subscription),
      ...alerts,
    },
  };
}
