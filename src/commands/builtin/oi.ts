import { chainArgument, chainOrDefault, currentSnapshot } from '../arguments.ts';
import type { CommandDefinition } from '../command.ts';

export const oiCommand: CommandDefinition = {
  name: 'oi',
  role: 'viewer',
  syntax: '/oi [chain]',
  example: '/oi BSE',
  summary: 'call vs put OI by strike, with the 30-minute change',
  arguments: [chainArgument(false)],
  image: true,
  handler: async (input) => {
    const spec = chainOrDefault(input);
    const current = await currentSnapshot(input, spec.id);
    return input.context.oiReply(spec.id, current.snapshot);
  },
};
