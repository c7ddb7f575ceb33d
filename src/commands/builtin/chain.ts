import { chainArgument, currentSnapshot, expiryArgument, expiryWords, takeExpiry } from '../arguments.ts';
import type { CommandDefinition, CommandInput } from '../command.ts';
import { usage } from '../grammar.ts';
import { chainAndRest, historyOf, instantArgument, instantsOf } from '../history-arguments.ts';
import { historyButtons } from '../history-replies.ts';
import type { Reply } from '../reply.ts';
import type { ExpiryChoice } from '../../tracker/expiry-choice.ts';

/** The chain as a stored cycle published it, with buttons stepping 5 minutes through the day. */
async function pastChain(
  input: CommandInput,
  chainId: string,
  instants: string[],
  expiry: ExpiryChoice | undefined,
): Promise<Reply> {
  if (instants.length > 1) throw usage(input.command, `One instant, please; got "${instants.join('", "')}"`);
  const past = historyOf(input).chainAt(chainId, instants[0]!, false, expiry);
  const snapshot = { ...past.snapshot, status: 'History' as const };
  const reply = await input.context.chainReply(chainId, snapshot, null);
  const now = input.context.now?.() ?? Date.now();
  return { ...reply, buttons: historyButtons(chainId, snapshot, now, expiryWords(expiry)) };
}

export const chainCommand: CommandDefinition = {
  name: 'chain',
  role: 'viewer',
  syntax: '/chain [NSE|BSE|<chain>] [next|exp=YYYY-MM-DD] [HH:MM | YYYY-MM-DD HH:MM | -15m]',
  example: '/chain NSE 10:30',
  summary: 'the option chain table (default NSE, nearest expiry), now or at a past minute',
  arguments: [
    chainArgument(false),
    expiryArgument,
    instantArgument('at', 'a past minute: 10:30, 2026-11-27 14:05 or -15m'),
  ],
  image: true,
  handler: async (input) => {
    const { context } = input;
    const { spec, rest: words } = chainAndRest(input);
    const { expiry, rest } = takeExpiry(input, words);
    if (rest.length > 0) return pastChain(input, spec.id, instantsOf(rest), expiry);
    const current = await currentSnapshot(input, spec.id, expiry);
    const reply = await context.chainReply(spec.id, current.snapshot, current.dataAgeS);
    const others = context.chains.filter((chain) => chain.id !== spec.id).slice(0, 3);
    return {
      ...reply,
      buttons: [
        [
          ...others.map((chain) => ({
            label: chain.id,
            command: `/chain ${chain.id}${expiryWords(expiry)}`,
          })),
          { label: 'Refresh', command: `/chain ${spec.id}${expiryWords(expiry)}` },
        ],
      ],
    };
  },
};
