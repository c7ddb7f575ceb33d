import { findChain } from '../chain-specs.ts';
import { snapshotIdentity } from '../render/render-once.ts';
import { UserError } from '../errors.ts';
import { parseExpiryChoice, type ExpiryChoice } from '../tracker/expiry-choice.ts';
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

/** The optional expiry argument: `next`, or `exp=YYYY-MM-DD` (a bare date is a trading day). */
export const expiryArgument: CommandArgument = {
  name: 'exp',
  description: 'next, or an expiry date YYYY-MM-DD (default the nearest)',
  kind: 'text',
  maxLength: 10,
  write: 'keyed',
};

/** The expiry the words choose (`next`, `exp=next`, `exp=2026-12-15`), and the other words. */
export function takeExpiry(
  input: CommandInput,
  words: readonly string[],
): { expiry?: ExpiryChoice; rest: string[] } {
  const index = words.findIndex((word) => /^next$/i.test(word) || /^exp(iry)?=/i.test(word));
  if (index < 0) return { rest: [...words] };
  const word = words[index]!;
  const expiry = parseExpiryChoice(word.replace(/^exp(iry)?=/i, ''));
  if (!expiry) throw usage(input.command, `"${word}" is not an expiry; use next or exp=YYYY-MM-DD`);
  return { expiry, rest: words.filter((_, i) => i !== index) };
}

/** The words that choose an expiry, for a button that runs the command again. */
export const expiryWords = (expiry: ExpiryChoice | undefined): string =>
  expiry === undefined ? '' : 'rank' in expiry ? (expiry.rank === 0 ? '' : ' next') : ` exp=${expiry.date}`;

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
  expiry?: ExpiryChoice,
): Promise<{ snapshot: ChainSnapshot; dataAgeS: number | null }> {
  const current = await input.context.snapshot(chainId, input.context.firstSnapshotWaitMs ?? 0, expiry);
  if (!current)
    throw new UserError(`${chainId} has no data yet: the tracker is starting. Try again in a minute.`);
  return current;
}

/**
 * `[chain] [next|exp=YYYY-MM-DD]` and nothing else (the chain defaults to the first): the chain, the
 * chosen expiry and that expiry's current snapshot.
 */
export async function chainExpirySnapshot(
  input: CommandInput,
): Promise<{ spec: ChainSpec; expiry?: ExpiryChoice; snapshot: ChainSnapshot }> {
  const spec = chainOrDefault(input);
  const { expiry, rest } = takeExpiry(input, input.args.slice(1));
  if (rest.length > 0) throw usage(input.command, `Unexpected "${rest.join(' ')}"`);
  const { snapshot } = await currentSnapshot(input, spec.id, expiry);
  return { spec, ...(expiry ? { expiry } : {}), snapshot };
}

/** `build`'s answer once per published snapshot, shared by every request of that cycle (when the daemon caches). */
export function oncePerSnapshot<T>(
  input: CommandInput,
  kind: string,
  snapshot: ChainSnapshot,
  build: () => T | Promise<T>,
): Promise<T> {
  const key = { kind, chainId: snapshot.chainId, identity: snapshotIdentity(snapshot) };
  return input.context.renders?.get(key, build) ?? Promise.resolve(build());
}
