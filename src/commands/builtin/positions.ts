import { chainArgument, chainNamed } from '../arguments.ts';
import type { CommandDefinition } from '../command.ts';
import { formatPositions } from '../replies.ts';

export const positionsCommand: CommandDefinition = {
  name: 'positions',
  role: 'viewer',
  syntax: '/positions [chain]',
  example: '/positions NSE',
  summary: 'your open positions with MTM and levels',
  arguments: [chainArgument(false)],
  handler: (input) => {
    const chainId = input.args[0] === undefined ? undefined : chainNamed(input, input.args[0]).id;
    const positions = input.context.trading.openPositions(input.caller.owner, chainId);
    const buttons = positions.map((p) => [{ label: `Exit ${p.id}`, command: `/exit ${p.id}`, danger: true }]);
    return { text: formatPositions(positions), ...(buttons.length > 0 ? { buttons } : {}) };
  },
};
