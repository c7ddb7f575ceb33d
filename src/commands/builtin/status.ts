import type { CommandDefinition } from '../command.ts';
import { formatStatus } from '../replies.ts';

export const statusCommand: CommandDefinition = {
  name: 'status',
  role: 'viewer',
  syntax: '/status',
  example: '/status',
  summary: 'feed and session state per chain, data age, the simulated session played, uptime, version',
  arguments: [],
  handler: ({ context }) => ({ text: formatStatus(context.status()) }),
};
