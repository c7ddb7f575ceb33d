import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import type { Role } from '../../src/commands/catalog.ts';
import { MarketReplies } from '../../src/commands/chain-reply.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import { SNAPSHOT, WINDOWS } from '../../test/render/chain-fixture.ts';

/** The real command core over one fixed snapshot: what the chain benchmarks measure; other ports throw. */
export function fixedSnapshotCore(access: ReadonlyMap<string, Role> = new Map()): CommandCore {
  const replies = new MarketReplies(WINDOWS);
  const unavailable = () => {
    throw new Error('not used by the benchmark');
  };
  return new CommandCore({
    chains: parseChainSpecs(DEFAULT_CHAINS)!,
    access,
    snapshot: async () => ({ snapshot: SNAPSHOT, dataAgeS: 1 }),
    chainReply: (chainId, snapshot, age) => replies.chain(chainId, snapshot, age),
    oiReply: unavailable,
    pcrReply: unavailable,
    trading: {
      placeOrder: unavailable,
      exit: unavailable,
      openPositions: unavailable,
      pnl: unavailable,
      dailyRealized: unavailable,
    },
    status: unavailable,
    alerts: { get: unavailable, set: unavailable },
  });
}
