import { chainArgument } from '../arguments.ts';
import type { CommandDefinition } from '../command.ts';
import { usage } from '../grammar.ts';
import { chainAndRest, historyOf } from '../history-arguments.ts';
import { heatmapReply } from '../history-replies.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const heatmapCommand: CommandDefinition = {
  name: 'heatmap',
  role: 'viewer',
  syntax: '/heatmap [chain] [window minutes] [YYYY-MM-DD]',
  example: '/heatmap NSE 15 2026-11-27',
  summary: "a day's OI % change by strike and time, breaches outlined, the ATM's path drawn",
  arguments: [
    chainArgument(false),
    { name: 'window', description: 'OI window in minutes (default the longest)', kind: 'integer', min: 1 },
    { name: 'date', description: 'trading day YYYY-MM-DD (default today)', kind: 'text', maxLength: 10 },
  ],
  image: true,
  handler: (input) => {
    const { spec, rest } = chainAndRest(input);
    const date = rest.find((word) => DATE.test(word));
    const others = rest.filter((word) => word !== date);
    if (others.length > 1) throw usage(input.command, `Unexpected "${others.slice(1).join(' ')}"`);
    return heatmapReply(historyOf(input).heatmap(spec.id, others[0], date));
  },
};
