import {
  chainArgument,
  chainExpirySnapshot,
  expiryArgument,
  expiryWords,
  oncePerSnapshot,
} from '../arguments.ts';
import type { CommandDefinition } from '../command.ts';
import { greeksReply } from '../greeks-reply.ts';
import { renderGreeksTable } from '../../render/greeks-table-png.ts';

export const greeksCommand: CommandDefinition = {
  name: 'greeks',
  role: 'viewer',
  syntax: '/greeks [chain] [next|exp=YYYY-MM-DD]',
  example: '/greeks NSE',
  summary: 'delta, gamma, theta, vega by strike; ATM IV and straddle theta per day',
  arguments: [chainArgument(false), expiryArgument],
  image: true,
  handler: async (input) => {
    const { spec, expiry, snapshot } = await chainExpirySnapshot(input);
    const png = await oncePerSnapshot(input, 'greeks', snapshot, () => renderGreeksTable(snapshot));
    const reply = greeksReply(spec.id, snapshot, input.context.lotSize?.(spec.id) ?? null, png);
    return {
      ...reply,
      buttons: [[{ label: 'Refresh', command: `/greeks ${spec.id}${expiryWords(expiry)}` }]],
    };
  },
};
