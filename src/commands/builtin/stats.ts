import { DEFAULT_STATS_DAYS, MAX_STATS_DAYS, parseStatsDays } from '../../paper/book-stats.ts';
import type { CommandDefinition } from '../command.ts';
import { usage } from '../grammar.ts';
import { statsReply } from '../stats-reply.ts';

export const statsCommand: CommandDefinition = {
  name: 'stats',
  role: 'viewer',
  syntax: '/stats [days]',
  example: '/stats 7',
  summary: `your closed trades over the last n days (default ${DEFAULT_STATS_DAYS}): win rate, P&L, drawdown`,
  arguments: [
    {
      name: 'days',
      description: `the last n IST days, today included (1–${MAX_STATS_DAYS}; default ${DEFAULT_STATS_DAYS})`,
      kind: 'integer',
      min: 1,
      max: MAX_STATS_DAYS,
    },
  ],
  image: true,
  handler: (input) => {
    if (input.args.length > 1) throw usage(input.command, 'one number of days at most');
    const days = parseStatsDays(input.args[0]);
    const { context, caller } = input;
    return statsReply(context.trading.stats(caller.owner, days));
  },
};
