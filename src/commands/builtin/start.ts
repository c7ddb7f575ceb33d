import type { CommandDefinition } from '../command.ts';
import { commandList } from './help.ts';

export const startCommand: CommandDefinition = {
  name: 'start',
  role: 'viewer',
  syntax: '/start',
  example: '/start',
  summary: 'what this bot does',
  arguments: [],
  handler: ({ commands }) => ({
    text:
      'Open-interest tracker for NIFTY (NSE) and SENSEX (BSE) options, with paper trading.\n\n' +
      commandList(commands),
  }),
};
