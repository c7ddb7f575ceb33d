import { chainArgument } from '../arguments.ts';
import type { CommandDefinition } from '../command.ts';
import { usage } from '../grammar.ts';
import { chainAndRest, historyOf } from '../history-arguments.ts';
import { straddleReply } from '../history-replies.ts';

export const straddleCommand: CommandDefinition = {
  name: 'straddle',
  role: 'viewer',
  syntax: '/straddle [chain] [YYYY-MM-DD]',
  example: '/straddle NSE',
  summary: 'the ATM straddle premium through the day, its average, and the underlying',
  arguments: [
    chainArgument(false),
    { name: 'date', description: 'trading day YYYY-MM-DD (default today)', kind: 'text', maxLength: 10 },
  ],
  image: true,
  handler: (input) => {
    const { spec, rest } = chainAndRest(input);
    if (rest.length > 1) throw usage(input.command, `Unexpected "${rest.slice(1).join(' ')}"`);
    return straddleReply(historyOf(input).straddle(spec.id, rest[0]));
  },
};
