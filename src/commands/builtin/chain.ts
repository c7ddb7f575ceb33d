import { chainArgument, chainOrDefault, currentSnapshot } from '../arguments.ts';
import type { CommandDefinition } from '../command.ts';

export const chainCommand: CommandDefinition = {
  name: 'chain',
  role: 'viewer',
  syntax: '/chain [NSE|BSE|<chain>]',
  example: '/chain NSE',
  summary: 'the option chain table (default NSE)',
  arguments: [chainArgument(false)],
  image: true,
  handler: async (input) => {
    const { context } = input;
    const spec = chainOrDefault(input);
    const current = await currentSnapshot(input, spec.id);
    const reply = await context.chainReply(spec.id, current.snapshot, current.dataAgeS);
    const others = context.chains.filter((chain) => chain.id !== spec.id).slice(0, 3);
    return {
      ...reply,
      buttons: [
        [
          ...others.map((chain) => ({ label: chain.id, command: `/chain ${chain.id}` })),
          { label: 'Refresh', command: `/chain ${spec.id}` },
        ],
      ],
    };
  },
};
