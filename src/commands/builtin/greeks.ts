import { chainArgument, chainOrDefault, currentSnapshot } from '../arguments.ts';
import type { CommandDefinition } from '../command.ts';
import { greeksReply } from '../greeks-reply.ts';

export const greeksCommand: CommandDefinition = {
  name: 'greeks',
  role: 'viewer',
  syntax: '/greeks [chain]',
  example: '/greeks NSE',
  summary: 'delta, gamma, theta, vega by strike; ATM IV and straddle theta per day',
  arguments: [chainArgument(false)],
  image: true,
  handler: async (input) => {
    const spec = chainOrDefault(input);
    const current = await currentSnapshot(input, spec.id);
    const reply = greeksReply(spec.id, current.snapshot, input.context.lotSize?.(spec.id) ?? null);
    return { ...reply, buttons: [[{ label: 'Refresh', command: `/greeks ${spec.id}` }]] };
  },
};
