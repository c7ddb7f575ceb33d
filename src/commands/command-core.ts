import { UserError } from '../errors.ts';
import { allows, roleOf, type Caller } from './access.ts';
import { refuse } from './arguments.ts';
import type { CommandContext } from './context.ts';
import { parseInput, UsageError, type ParsedInput } from './grammar.ts';
import { createCommandRegistry, type CommandRegistry } from './registry.ts';
import type { Reply } from './reply.ts';

export type { CommandContext } from './context.ts';

/** The one grammar every front-end speaks: parse, check the caller's role, act, answer. */
export class CommandCore {
  constructor(
    private readonly context: CommandContext,
    /** The commands this core answers; front-ends build their menus from it. */
    readonly registry: CommandRegistry = createCommandRegistry(),
  ) {}

  /**
   * The refusal `handle` would answer without doing anything (not a command, unknown, not allowed),
   * or null when the command will run. Front-ends use it to answer refusals privately and at once.
   */
  precheck(text: string, caller: Caller): Reply | null {
    const parsed = parseInput(text, this.registry);
    if (parsed === null) return refuse('Commands start with /. Send /help for the list.');
    if ('unknown' in parsed) return refuse(`Unknown command /${parsed.unknown}. Send /help for the list.`);
    const role = roleOf(this.context.access, caller);
    if (!allows(role, parsed.command.role)) {
      return refuse(
        role === null
          ? `You are not on this bot's access list. Ask an admin to add ${caller.owner} to ACCESS.`
          : `/${parsed.command.name} needs the ${parsed.command.role} role; ${caller.owner} is a ${role}.`,
      );
    }
    return null;
  }

  async handle(text: string, caller: Caller): Promise<Reply> {
    const refusal = this.precheck(text, caller);
    if (refusal) return refusal;
    const { command, args } = parseInput(text, this.registry) as ParsedInput;
    try {
      return await command.handler({ args, caller, context: this.context, command, commands: this.registry });
    } catch (error) {
      if (error instanceof UsageError || error instanceof UserError) return refuse(error.message);
      throw error;
    }
  }
}
