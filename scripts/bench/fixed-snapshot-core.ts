import { MarketReplies } from '../../src/commands/chain-reply.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import type { Role } from '../../src/commands/roles.ts';
import { SNAPSHOT, WINDOWS } from '../../test/render/chain-fixture.ts';
import { fakeCommandContext } from '../../test/support/fake-command-context.ts';

/** The real command core over one fixed snapshot: what the chain benchmarks measure; no trading. */
export function fixedSnapshotCore(access: ReadonlyMap<string, Role> = new Map()): CommandCore {
  const replies = new MarketReplies(WINDOWS);
  return new CommandCore(
    fakeCommandContext({
      access,
      snapshot: async () => ({ snapshot: SNAPSHOT, dataAgeS: 1 }),
      chainReply: (chainId, snapshot, age) => replies.chain(chainId, snapshot, age),
    }),
  );
}
