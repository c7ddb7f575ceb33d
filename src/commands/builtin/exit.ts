import { UserError } from '../../errors.ts';
import { refuse } from '../arguments.ts';
import type { CommandDefinition, CommandInput } from '../command.ts';
import { usage } from '../grammar.ts';

/** Every open position of the caller, chain by chain; a chain that has none is skipped. */
function exitAll({ context, caller }: CommandInput) {
  return context.chains.flatMap((chain) => {
    try {
      return context.trading.exit({ owner: caller.owner, chain: chain.id, all: true });
    } catch (error) {
      if (error instanceof UserError) return [];
      throw error;
    }
  });
}

export const exitCommand: CommandDefinition = {
  name: 'exit',
  role: 'trader',
  syntax: '/exit <position id|all>',
  example: '/exit NSE_P0003',
  summary: 'close paper positions at the live price',
  arguments: [
    {
      name: 'position',
      description: 'position id such as NSE_P0003, or all',
      kind: 'text',
      required: true,
      maxLength: 40,
    },
  ],
  handler: (input) => {
    const target = input.args[0];
    if (!target) throw usage(input.command, 'Which position?');
    const closed =
      target.toLowerCase() === 'all'
        ? exitAll(input)
        : input.context.trading.exit({ owner: input.caller.owner, positionId: target.toUpperCase() });
    if (closed.length === 0) return refuse('You have no open positions to exit.');
    return {
      text: closed
        .map(
          (p) =>
            `${p.id} closed at ${(p.exit_price ?? 0).toFixed(2)}: P&L ${(p.realized_pnl ?? 0).toFixed(2)}`,
        )
        .join('\n'),
    };
  },
};
