import type { Caller } from './access.ts';
import type { CommandContext } from './context.ts';
import type { Reply } from './reply.ts';
import type { Role } from './roles.ts';

export type ArgumentValue = string | number | boolean;

/**
 * One argument of a command, described for front-ends that ask for arguments one by one (slash
 * commands with options); typed text is parsed by the command's own handler.
 */
export interface CommandArgument {
  name: string;
  description: string;
  /** `chain-name`: one of the configured chains; `command-name`: a command from the registry. */
  kind: 'text' | 'integer' | 'number' | 'chain-name' | 'command-name';
  required?: boolean;
  choices?: readonly { label: string; value: string }[];
  min?: number;
  max?: number;
  maxLength?: number;
  /** How the value is written into the command text: its own word (default), glued to the previous word (25600 + CE → 25600CE), or `name=value`. */
  write?: 'word' | 'glued' | 'keyed';
  /** The value to use when the user left this argument out, from the other values. */
  fallback?: (values: ReadonlyMap<string, ArgumentValue>) => ArgumentValue | undefined;
}

/** What a handler gets: the words after the command, who asked, the daemon's ports, and the registry it runs in. */
export interface CommandInput {
  args: string[];
  caller: Caller;
  context: CommandContext;
  command: CommandDefinition;
  commands: CommandLookup;
}

export interface CommandLookup {
  list(): readonly CommandDefinition[];
  find(name: string): CommandDefinition | undefined;
}

export interface CommandDefinition {
  /** Lower-case, as typed after the slash. */
  name: string;
  role: Role;
  /** The grammar, as /help shows it: `/buy <chain> <strike><CE|PE> [qty]`. */
  syntax: string;
  example: string;
  /** One line for /help and the chat menus (at most 100 characters). */
  summary: string;
  /** A longer explanation `/help <command>` adds (a small language, several examples). */
  help?: string;
  arguments: readonly CommandArgument[];
  /** Answers with a picture: front-ends acknowledge at once and redraw in place when a button runs it again. */
  image?: boolean;
  /** Carries a secret or a private link: only the caller should see the answer. */
  private?: boolean;
  handler(input: CommandInput): Promise<Reply> | Reply;
}
