import { UserError } from '../../errors.ts';
import { refuse } from '../arguments.ts';
import type { CommandDefinition, CommandInput } from '../command.ts';
import type { CommandContext } from '../context.ts';
import { usage } from '../grammar.ts';
import type { Reply } from '../reply.ts';

type KiteSessionPort = NonNullable<CommandContext['session']>;

/** Runs `act` with the Kite session port, or refuses on a front-end that has none. */
async function withSession(
  input: CommandInput,
  act: (session: KiteSessionPort) => Promise<Reply> | Reply,
): Promise<Reply> {
  const session = input.context.session;
  if (!session) return refuse('This front-end cannot manage the Kite session.');
  return act(session);
}

/** The one argument of /token and /enctoken; never echoed back. */
function secretArgument({ command, args, caller }: CommandInput): string {
  if (caller.shared) {
    throw new UserError(
      `Send /${command.name} in a private chat with the bot: everyone in this chat can read it. Nothing was changed.`,
    );
  }
  if (args.length !== 1) throw usage(command, `Send exactly one value after /${command.name}`);
  return args[0]!;
}

export const loginCommand: CommandDefinition = {
  name: 'login',
  role: 'admin',
  syntax: '/login',
  example: '/login',
  summary: 'the Kite login link',
  arguments: [],
  private: true,
  handler: (input) =>
    withSession(input, (session) => ({
      text:
        `Open this link, log in to Kite, then send /token <request_token> with the request_token ` +
        `from the address Kite sends you to:\n${session.loginUrl()}`,
    })),
};

export const tokenCommand: CommandDefinition = {
  name: 'token',
  role: 'admin',
  syntax: '/token <request_token>',
  example: '/token AbC123xYz',
  summary: 'finish a Kite login',
  arguments: [
    {
      name: 'request_token',
      description: 'the request_token from the login redirect',
      kind: 'text',
      required: true,
    },
  ],
  private: true,
  handler: (input) =>
    withSession(input, async (session) => {
      const userId = await session.exchange(secretArgument(input));
      return { text: `Kite session for ${userId} is in use; market data is restarting.` };
    }),
};

export const enctokenCommand: CommandDefinition = {
  name: 'enctoken',
  role: 'admin',
  syntax: '/enctoken <value>',
  example: '/enctoken Kx9…',
  summary: 'use a Kite web session',
  arguments: [
    { name: 'value', description: 'the enctoken of a Kite web session', kind: 'text', required: true },
  ],
  private: true,
  handler: (input) =>
    withSession(input, async (session) => {
      const userId = await session.useEnctoken(secretArgument(input));
      return { text: `Kite web session for ${userId} is in use; market data is restarting.` };
    }),
};
