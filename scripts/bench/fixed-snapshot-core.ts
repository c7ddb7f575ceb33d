import { MarketReplies } from '../../src/commands/chain-reply.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import type { Role } from '../../src/commands/roles.ts';
import { RenderOnce } from '../../src/render/render-once.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { SNAPSHOT, WINDOWS } from '../../test/render/chain-fixture.ts';
import { fakeCommandContext } from '../../test/support/fake-command-context.ts';

/**
 * The real command core over one fixed snapshot: what the chain benchmarks measure; no trading. PNGs
 * are rendered once per snapshot, as in the daemon; `published` replaces the snapshot (a new cycle).
 */
export function fixedSnapshotCore(
  access: ReadonlyMap<string, Role> = new Map(),
  options: { published?: () => ChainSnapshot; onRender?: () => void } = {},
): CommandCore {
  const renders = new RenderOnce({ ...(options.onRender ? { onRender: options.onRender } : {}) });
  const replies = new MarketReplies(WINDOWS, renders);
  const published = options.published ?? (() => SNAPSHOT);
  return new CommandCore(
    fakeCommandContext({
      access,
      snapshot: async () => ({ snapshot: published(), dataAgeS: 1 }),
      chainReply: (chainId, snapshot, age) => replies.chain(chainId, snapshot, age),
      renders,
    }),
  );
}

/** The fixture snapshot as the cycle `n` seconds later would publish it: a new identity, so a new render. */
export const cycleAfter = (n: number): ChainSnapshot => ({
  ...SNAPSHOT,
  lastUpdate: SNAPSHOT.lastUpdate + n * 1000,
});
