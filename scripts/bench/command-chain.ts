import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import { MarketReplies } from '../../src/commands/chain-reply.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import { SNAPSHOT, WINDOWS } from '../../test/render/chain-fixture.ts';
import { p50Ms, type BenchResult } from './result.ts';

/** p50 ms of `/chain NSE` through the command core: parse, role check, snapshot, PNG and text table. */
export async function commandChainP50(): Promise<BenchResult> {
  const replies = new MarketReplies(WINDOWS);
  const unavailable = () => {
    throw new Error('not used by /chain');
  };
  const core = new CommandCore({
    chains: parseChainSpecs(DEFAULT_CHAINS)!,
    access: new Map(),
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
  const once = async () => {
    const reply = await core.handle('/chain NSE', { owner: 'console' });
    if (!reply.image) throw new Error(`/chain gave no image: ${reply.text}`);
  };
  const p50 = await p50Ms(once);
  return { value: Math.round(p50 * 100) / 100, unit: 'ms', bar: '' };
}
