/** Arguments of the history commands: an optional chain, then instants, windows or a date. */
import { findChain } from '../chain-specs.ts';
import { looksLikeInstant } from '../history/instant.ts';
import type { ChainSpec } from '../tracker/types.ts';
import { chainNamed } from './arguments.ts';
import type { CommandArgument, CommandInput } from './command.ts';
import type { CommandContext } from './context.ts';
import { usage } from './grammar.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CLOCK = /^\d{1,2}:\d{2}$/;

export const instantArgument = (name: string, description: string, required = false): CommandArgument => ({
  name,
  description,
  kind: 'text',
  required,
  maxLength: 16,
});

/** The chain named first (default the first configured) and the words after it. */
export function chainAndRest(input: CommandInput): { spec: ChainSpec; rest: string[] } {
  const [first, ...rest] = input.args;
  const { chains } = input.context;
  if (first === undefined) return { spec: chains[0]!, rest: [] };
  if (findChain(chains, first) || !looksLikeInstant(first)) return { spec: chainNamed(input, first), rest };
  return { spec: chains[0]!, rest: input.args };
}

/** Words grouped into instants: `2026-11-27 14:05` is one, `10:30` and `-15m` are one each. */
export function instantsOf(words: readonly string[]): string[] {
  const instants: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = words[i + 1];
    if (DATE.test(word) && next !== undefined && CLOCK.test(next)) {
      instants.push(`${word} ${next}`);
      i++;
    } else instants.push(word);
  }
  return instants;
}

/** The history port, or a refusal when this daemon has none (no store). */
export function historyOf(input: CommandInput): NonNullable<CommandContext['history']> {
  const { history } = input.context;
  if (!history) throw usage(input.command, 'The stored history is not available here');
  return history;
}
