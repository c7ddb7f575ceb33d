import {
  ApplicationCommandOptionType,
  type APIApplicationCommandBasicOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { ArgumentValue, CommandArgument, CommandDefinition } from '../../src/commands/command.ts';
import type { CommandRegistry } from '../../src/commands/registry.ts';
import type { ChainSpec } from '../../src/tracker/types.ts';

const MAX_CHOICES = 25;
const DESCRIPTION_LIMIT = 100;
const { String: StringType, Integer, Number: NumberType } = ApplicationCommandOptionType;

const choices = (list: readonly { label: string; value: string }[]) =>
  list.slice(0, MAX_CHOICES).map((choice) => ({ name: choice.label, value: choice.value }));

function chainChoices(chains: readonly ChainSpec[]) {
  return choices(
    chains.map((chain) => ({
      label: chain.aliases.length > 0 ? `${chain.id} (${chain.aliases.join(', ')})` : chain.id,
      value: chain.id,
    })),
  );
}

/** One registry argument as a Discord option: its type, limits and choices. */
function optionOf(
  argument: CommandArgument,
  registry: CommandRegistry,
  chains: readonly ChainSpec[],
): APIApplicationCommandBasicOption {
  const base = {
    name: argument.name,
    description: argument.description.slice(0, DESCRIPTION_LIMIT),
    ...(argument.required ? { required: true } : {}),
  };
  const limits = {
    ...(argument.min === undefined ? {} : { min_value: argument.min }),
    ...(argument.max === undefined ? {} : { max_value: argument.max }),
  };
  switch (argument.kind) {
    case 'integer':
      return { ...base, type: Integer, ...limits };
    case 'number':
      return { ...base, type: NumberType, ...limits };
    case 'chain-name':
      return {
        ...base,
        description: argument.required
          ? argument.description
          : `${argument.description} (default ${chains[0]?.id ?? 'NSE'})`,
        required: argument.required ?? false,
        type: StringType,
        choices: chainChoices(chains),
      };
    case 'command-name':
      return {
        ...base,
        type: StringType,
        choices: choices(registry.list().map((command) => ({ label: command.name, value: command.name }))),
      };
    case 'text':
      return {
        ...base,
        type: StringType,
        ...(argument.choices ? { choices: choices(argument.choices) } : {}),
        ...(argument.maxLength === undefined ? {} : { max_length: argument.maxLength }),
      };
  }
}

function definitionOf(
  command: CommandDefinition,
  registry: CommandRegistry,
  chains: readonly ChainSpec[],
): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const options = command.arguments.map((argument) => optionOf(argument, registry, chains));
  return {
    name: command.name,
    description: command.summary.slice(0, DESCRIPTION_LIMIT),
    ...(options.length > 0 ? { options } : {}),
  };
}

/** The slash commands to register: one per registry entry, chain choices from the configured chains. */
export function slashCommandDefinitions(
  registry: CommandRegistry,
  chains: readonly ChainSpec[],
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return registry.list().map((command) => definitionOf(command, registry, chains));
}

/** An interaction's options written back as the text the command core parses: `/buy NSE 25600CE 75 tp=30`. */
export function commandText(
  registry: CommandRegistry,
  name: string,
  options: readonly { name: string; value?: ArgumentValue | null }[],
): string {
  const values = new Map<string, ArgumentValue>();
  for (const option of options) {
    if (option.value === undefined || option.value === null) continue;
    values.set(option.name, typeof option.value === 'string' ? option.value.trim() : option.value);
  }
  const words = [`/${name}`];
  for (const argument of registry.find(name)?.arguments ?? []) {
    const value = values.get(argument.name) ?? argument.fallback?.(values);
    if (value === undefined || value === '') continue;
    if (argument.write === 'glued') words[words.length - 1] += String(value);
    else if (argument.write === 'keyed') words.push(`${argument.name}=${String(value)}`);
    else words.push(String(value));
  }
  return words.join(' ');
}
