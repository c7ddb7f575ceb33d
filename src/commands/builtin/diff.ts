import { chainArgument } from '../arguments.ts';
import type { CommandDefinition } from '../command.ts';
import { usage } from '../grammar.ts';
import { chainAndRest, historyOf, instantArgument, instantsOf } from '../history-arguments.ts';
import { diffReply } from '../history-replies.ts';

export const diffCommand: CommandDefinition = {
  name: 'diff',
  role: 'viewer',
  syntax: '/diff [chain] <from> [to]  (HH:MM, YYYY-MM-DD HH:MM or -15m; to defaults to now)',
  example: '/diff NSE 10:30 11:15',
  summary: 'how OI and LTP changed between two minutes, strike by strike',
  arguments: [
    chainArgument(false),
    instantArgument('from', 'from: 10:30, 2026-11-27 10:30 or -30m'),
    instantArgument('to', 'to (default now): 11:15, 2026-11-27 11:15 or -5m'),
  ],
  image: true,
  handler: (input) => {
    const { spec, rest } = chainAndRest(input);
    const instants = instantsOf(rest);
    if (instants.length === 0) throw usage(input.command, 'From when?');
    if (instants.length > 2)
      throw usage(input.command, `Two instants at most; got "${instants.join('", "')}"`);
    return diffReply(historyOf(input).diff(spec.id, instants[0]!, instants[1], false));
  },
};
