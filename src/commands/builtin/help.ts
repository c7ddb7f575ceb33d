import { refuse } from '../arguments.ts';
import type { CommandDefinition, CommandLookup } from '../command.ts';

/** One line per command: its grammar and what it does. */
export const commandList = (commands: CommandLookup): string =>
  commands
    .list()
    .map((command) => `${command.syntax} — ${command.summary}`)
    .join('\n');

export const helpCommand: CommandDefinition = {
  name: 'help',
  role: 'viewer',
  syntax: '/help [command]',
  example: '/help buy',
  summary: 'commands, syntax and examples',
  arguments: [{ name: 'command', description: 'a command to explain with an example', kind: 'command-name' }],
  handler: ({ args, commands }) => {
    const name = args[0]?.replace(/^\//, '');
    if (name === undefined)
      return { text: `Commands:\n${commandList(commands)}\n\nSend /help <command> for an example.` };
    const command = commands.find(name);
    if (!command) return refuse(`There is no /${name}. Send /help for the list.`);
    const more = command.help ? `\n\n${command.help}` : '';
    return { text: `${command.syntax}\n${command.summary}\nExample: ${command.example}${more}` };
  },
};
