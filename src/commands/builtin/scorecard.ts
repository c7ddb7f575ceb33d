import { UserError } from '../../errors.ts';
import type { CommandDefinition } from '../command.ts';
import { usage } from '../grammar.ts';
import { scorecardText } from '../scorecard-reply.ts';

const DEFAULT_DAYS = 30;

export const scorecardCommand: CommandDefinition = {
  name: 'scorecard',
  role: 'viewer',
  syntax: '/scorecard [days]',
  example: '/scorecard 7',
  summary: 'how the market moved 5, 15 and 30 min after OI-jump and rule alerts',
  arguments: [
    {
      name: 'days',
      description: 'IST days back, today included (default 30)',
      kind: 'integer',
      min: 1,
      max: 3650,
    },
  ],
  handler: ({ args, context, command }) => {
    if (!context.scorecard) throw new UserError('The scorecard is not available here.');
    const text = args[0] ?? String(DEFAULT_DAYS);
    const days = /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(days) || days < 1 || days > 3650 || args.length > 1) {
      throw usage(command, `days must be a whole number from 1 to 3650, got "${args.join(' ')}"`);
    }
    return { text: scorecardText(context.scorecard(days)) };
  },
};
