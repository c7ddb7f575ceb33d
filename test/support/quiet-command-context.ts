import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import { parseAccess } from '../../src/commands/access.ts';
import type { CommandContext } from '../../src/commands/command-core.ts';

/** A command core's ports for adapter tests that only need roles and text: no market data, no trading. */
export function quietCommandContext(access: string): CommandContext {
  return {
    chains: parseChainSpecs(DEFAULT_CHAINS)!,
    access: parseAccess(access)!,
    snapshot: async () => null,
    chainReply: async () => ({ text: 'unused' }),
    oiReply: async () => ({ text: 'unused' }),
    pcrReply: async () => ({ text: 'unused' }),
    trading: {
      placeOrder: () => {
        throw new Error('no trading in these tests');
      },
      exit: () => [],
      openPositions: () => [],
      pnl: () => ({}),
      dailyRealized: () => [],
    },
    status: () => ({ version: '0.1.0', uptimeS: 1, marketData: 'sim', tickerConnections: 1, chains: [] }),
    alerts: { get: (chat) => ({ chat, enabled: false, mutedUntil: 0 }), set: () => undefined },
  };
}
