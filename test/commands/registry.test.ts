import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startDiscordBot } from '../../bots/discord/discord-bot.ts';
import { startTelegramBot } from '../../bots/telegram/telegram-bot.ts';
import { chainArgument, chainOrDefault } from '../../src/commands/arguments.ts';
import type { CommandDefinition } from '../../src/commands/command.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import { CommandRegistry, createCommandRegistry } from '../../src/commands/registry.ts';
import { startDiscordServer } from '../fakes/discord-server.ts';
import { startTelegramApiServer } from '../fakes/telegram-api-server.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';

/** A command the product does not have, added at run time with nothing else changed. */
const ivCommand: CommandDefinition = {
  name: 'skew',
  role: 'trader',
  syntax: '/skew [chain]',
  example: '/skew BSE',
  summary: 'the IV skew of a chain',
  arguments: [chainArgument(false)],
  handler: (input) => ({ text: `IV skew of ${chainOrDefault(input).id} for ${input.caller.owner}` }),
};

const logger = pino({ level: 'silent' });
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function coreWithIv() {
  const registry = createCommandRegistry().add(ivCommand);
  const context = fakeCommandContext({
    access: 'telegram:1001=trader,telegram:2002=viewer,discord:4242=trader',
  });
  return new CommandCore(context, registry);
}

describe('the command registry', () => {
  it('runs a command added at run time and lists it in /help, with its example', async () => {
    const core = coreWithIv();
    const trader = { owner: 'telegram:1001' };
    expect((await core.handle('/help', trader)).text).toContain('/skew [chain] — the IV skew of a chain');
    expect((await core.handle('/help skew', trader)).text).toBe(
      '/skew [chain]\nthe IV skew of a chain\nExample: /skew BSE',
    );
    expect((await core.handle('/SKEW sensex', trader)).text).toBe('IV skew of BSE for telegram:1001');
    expect(await core.handle('/skew MCX', trader)).toMatchObject({
      error: true,
      text: expect.stringContaining('Unknown chain "MCX"') as unknown,
    });
    expect(await core.handle('/skew', { owner: 'telegram:2002' })).toEqual({
      error: true,
      text: '/skew needs the trader role; telegram:2002 is a viewer.',
    });
  });

  it('is unknown in a registry it was not added to', async () => {
    const core = new CommandCore(fakeCommandContext({ access: 'telegram:1001=admin' }));
    expect((await core.handle('/skew', { owner: 'telegram:1001' })).text).toBe(
      'Unknown command /skew. Send /help for the list.',
    );
  });

  it('refuses a second command of the same name and a name chat menus cannot show', () => {
    expect(() => createCommandRegistry().add({ ...ivCommand, name: 'chain' })).toThrow(
      '/chain is registered twice',
    );
    expect(() => new CommandRegistry().add({ ...ivCommand, name: 'IV-Smile' })).toThrow(/lower-case/);
  });

  it('shows the new command in the Telegram menu the bot sends to the Bot API', async () => {
    const fake = await startTelegramApiServer();
    stops.push(() => fake.close());
    const bot = await startTelegramBot({
      token: fake.token,
      apiRoot: fake.apiRoot,
      core: coreWithIv(),
      alertChatIds: [],
      logger,
    });
    stops.push(() => bot.stop());
    expect(fake.commands.at(-1)).toEqual({ command: 'skew', description: 'the IV skew of a chain' });
    expect(fake.commands.map((entry) => entry.command)).toEqual(
      createCommandRegistry()
        .list()
        .map((command) => command.name)
        .concat('skew'),
    );
  });

  it('shows the new command in the Discord definitions, and runs it from a slash command', async () => {
    const server = await startDiscordServer({ heartbeatIntervalMs: 1000 });
    stops.push(() => server.close());
    const bot = await startDiscordBot({
      token: server.token,
      apiRoot: server.apiRoot,
      guildId: server.guildId,
      alertChannelId: server.channelIds[0]!,
      core: coreWithIv(),
      chains: fakeCommandContext().chains,
      logger,
    });
    stops.push(() => bot.stop());
    const iv = server.commands(server.guildId).find((command) => command.name === 'skew');
    expect(iv).toMatchObject({
      description: 'the IV skew of a chain',
      options: [
        {
          name: 'chain',
          type: 3,
          required: false,
          choices: [
            { name: 'NSE (NIFTY)', value: 'NSE' },
            { name: 'BSE (SENSEX)', value: 'BSE' },
          ],
        },
      ],
    });
    const interaction = server.injectSlashCommand({
      name: 'skew',
      options: { chain: 'BSE' },
      userId: '4242',
      channelId: server.channelIds[1]!,
    });
    const callback = await server.waitFor(
      () => server.callbacks.find((entry) => entry.interactionId === interaction.id),
      5000,
      'the answer to /skew',
    );
    expect(JSON.stringify(callback)).toContain('IV skew of BSE for discord:4242');
  });
});

// @ts-expect-error a registry entry without a handler does not type-check
const _withoutHandler: CommandDefinition = { ...ivCommand, handler: undefined };
