import { chainArgument, chainOrDefault } from '../arguments.ts';
import type { CommandDefinition } from '../command.ts';

export const pcrCommand: CommandDefinition = {
  name: 'pcr',
  role: 'viewer',
  syntax: '/pcr [chain]',
  example: '/pcr',
  summary: "today's PCR through the day",
  arguments: [chainArgument(false)],
  image: true,
  handler: (input) => input.context.pcrReply(chainOrDefault(input).id),
};
