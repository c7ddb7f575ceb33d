import { findChain } from '../../chain-specs.ts';
import { chainArgument } from '../arguments.ts';
import type { CommandArgument, CommandDefinition, CommandInput } from '../command.ts';
import { parseOrderArgs } from '../grammar.ts';
import type { Reply } from '../reply.ts';

/** The arguments of /buy and /sell, in the order they are written: `NSE 25600CE 75 tp=30 sl=15`. */
const ORDER_ARGUMENTS: readonly CommandArgument[] = [
  chainArgument(true),
  { name: 'strike', description: 'strike price, e.g. 25600', kind: 'integer', required: true, min: 1 },
  {
    name: 'type',
    description: 'call (CE) or put (PE)',
    kind: 'text',
    required: true,
    choices: [
      { label: 'CE (call)', value: 'CE' },
      { label: 'PE (put)', value: 'PE' },
    ],
    write: 'glued',
  },
  { name: 'qty', description: 'quantity in units (default one lot)', kind: 'integer', min: 1 },
  { name: 'tp', description: 'target, points above/below entry', kind: 'number', min: 0.05, write: 'keyed' },
  { name: 'sl', description: 'stop loss, points against entry', kind: 'number', min: 0.05, write: 'keyed' },
];

async function placeOrder(input: CommandInput, side: 'BUY' | 'SELL'): Promise<Reply> {
  const { context, caller } = input;
  const order = parseOrderArgs(input.command, input.args);
  const spec = findChain(context.chains, order.chain);
  // Right after start, wait for the chain's first prices rather than refusing.
  if (spec) await context.snapshot(spec.id, context.firstSnapshotWaitMs ?? 0);
  const position = context.trading.placeOrder({ owner: caller.owner, side, ...order });
  return {
    text:
      `${position.id}: ${side} ${position.qty} ${position.symbol} at ${position.entry_price.toFixed(2)}` +
      ` · target ${position.target.toFixed(2)} · stop ${position.stop.toFixed(2)}`,
    buttons: [[{ label: `Exit ${position.id}`, command: `/exit ${position.id}`, danger: true }]],
  };
}

export const buyCommand: CommandDefinition = {
  name: 'buy',
  role: 'trader',
  syntax: '/buy <chain> <strike><CE|PE> [qty] [tp=<points>] [sl=<points>]',
  example: '/buy NSE 25600CE 75',
  summary: 'paper-buy an option at the live price',
  arguments: ORDER_ARGUMENTS,
  handler: (input) => placeOrder(input, 'BUY'),
};

export const sellCommand: CommandDefinition = {
  name: 'sell',
  role: 'trader',
  syntax: '/sell <chain> <strike><CE|PE> [qty] [tp=<points>] [sl=<points>]',
  example: '/sell BSE 84200 PE 40 tp=30 sl=15',
  summary: 'paper-sell an option at the live price',
  arguments: ORDER_ARGUMENTS,
  handler: (input) => placeOrder(input, 'SELL'),
};
