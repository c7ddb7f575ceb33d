import { findChain } from '../chain-specs.ts';
import { UserError } from '../errors.ts';
import type { ChainSnapshot, ChainSpec } from '../tracker/types.ts';
import type { CommandArgument, CommandInput } from './command.ts';
import { usage } from './grammar.ts';
import type { Reply } from './reply.ts';

export const refuse = (text: string): Reply => ({ text, error: true });

/** The optional chain argument of the market-data commands. */
export const chainArgument = (required: boolean): CommandArgument => ({
  name: 'chain',
  description: 'which option chain',
  kind: 'chain-name',
  required,
});

/** The chain a word names (`NSE`, `nifty`, …), or a usage error listing the configured ones. */
export function chainNamed(input: CommandInput, name: string): ChainSpec {
  const { chains } = input.context;
  const spec = findChain(chains, name);
  if (!spec) {
    const known = chains.flatMap((chain) => [chain.id, ...chain.aliases]).join(', ');
    throw usage(input.command, `Unknown chain "${name}"; use one of ${known}`);
  }
  return spec;
}

/** The chain in the first argument, or the first configured chain when there is none. */
export const chainOrDefault = (input: CommandInput): ChainSpec =>
  chainNamed(input, input.args[0] ?? input.context.chains[0]!.id);

/** The chain's latest snapshot with rows (waiting for the first one right after start), or a refusal. */
export async function currentSnapshot(
  input: CommandInput,
  chainId: string,
): Promise<{ snapshot: ChainSnapshot; dataAgeS: number | null }> {
  const current = await input.context.snapshot(chainId, input.context.firstSnapshotWaitMs ?? 0);
  if (!current)
    throw new UserError(`${chainId} has no data yet: the tracker is starting. Try again in a minute.`);
  return current;
}
