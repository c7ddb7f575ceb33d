import type { CommandDefinition } from '../command.ts';
import { formatPnl } from '../replies.ts';

export const pnlCommand: CommandDefinition = {
  name: 'pnl',
  role: 'viewer',
  syntax: '/pnl',
  example: '/pnl',
  summary: 'realized and MTM today per chain, and the last 7 days',
  arguments: [],
  handler: ({ context, caller }) => ({
    text: formatPnl(context.trading.pnl(caller.owner), context.trading.dailyRealized(caller.owner)),
  }),
};
