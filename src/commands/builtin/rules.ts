import type { CommandDefinition } from '../command.ts';
import { ruleLine } from '../rule-replies.ts';
import { UserError } from '../../errors.ts';

export const rulesCommand: CommandDefinition = {
  name: 'rules',
  role: 'trader',
  syntax: '/rules',
  example: '/rules',
  summary: "this chat's alert rules",
  arguments: [],
  handler: ({ context, caller }) => {
    if (!context.rules) throw new UserError('Rules are not available here.');
    const rules = context.rules.list(caller.chat ?? caller.owner);
    if (rules.length === 0) return { text: 'This chat has no rules. Send /help rule to write one.' };
    const fallback = `${context.rules.defaultCooldownMinutes} min (default)`;
    return { text: rules.map((rule) => ruleLine(rule, fallback)).join('\n') };
  },
};
