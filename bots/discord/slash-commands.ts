import {
  ApplicationCommandOptionType,
  type APIApplicationCommandBasicOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { COMMANDS } from '../../src/commands/catalog.ts';
import type { ChainSpec } from '../../src/tracker/types.ts';

type OptionValue = string | number | boolean;

/** One slash-command option and how its value is written in the command text the core parses. */
interface OptionSpec {
  option: APIApplicationCommandBasicOption;
  /** `word` (default): its own word; `glued`: appended to the previous word (25600 + CE → 25600CE); `keyed`: `name=value`. */
  write?: 'word' | 'glued' | 'keyed';
  /** The value to use when the user left the option out, from the other values. */
  fallback?: (values: ReadonlyMap<string, OptionValue>) => OptionValue | undefined;
}

const MAX_CHOICES = 25;
const { String: StringType, Integer, Number: NumberType } = ApplicationCommandOptionType;

function chainOption(chains: readonly ChainSpec[], required: boolean): OptionSpec {
  return {
    option: {
      type: StringType,
      name: 'chain',
      description: required ? 'which option chain' : `which option chain (default ${chains[0]?.id ?? 'NSE'})`,
      required,
      choices: chains.slice(0, MAX_CHOICES).map((chain) => ({
        name: chain.aliases.length > 0 ? `${chain.id} (${chain.aliases.join(', ')})` : chain.id,
        value: chain.id,
      })),
    },
  };
}

function orderOptions(chains: readonly ChainSpec[]): OptionSpec[] {
  return [
    chainOption(chains, true),
    {
      option: {
        type: Integer,
        name: 'strike',
        description: 'strike price, e.g. 25600',
        required: true,
        min_value: 1,
      },
    },
    {
      option: {
        type: StringType,
        name: 'type',
        description: 'call (CE) or put (PE)',
        required: true,
        choices: [
          { name: 'CE (call)', value: 'CE' },
          { name: 'PE (put)', value: 'PE' },
        ],
      },
      write: 'glued',
    },
    {
      option: {
        type: Integer,
        name: 'qty',
        description: 'quantity in units (default one lot)',
        min_value: 1,
      },
    },
    {
      option: {
        type: NumberType,
        name: 'tp',
        description: 'target, points above/below entry',
        min_value: 0.05,
      },
      write: 'keyed',
    },
    {
      option: {
        type: NumberType,
        name: 'sl',
        description: 'stop loss, points against entry',
        min_value: 0.05,
      },
      write: 'keyed',
    },
  ];
}

/** The options of each command, in the order their values are written into the command text. */
function optionsOf(name: string, chains: readonly ChainSpec[]): OptionSpec[] {
  switch (name) {
    case 'start':
    case 'pnl':
    case 'status':
    case 'login':
      return [];
    case 'help':
      return [
        {
          option: {
            type: StringType,
            name: 'command',
            description: 'a command to explain with an example',
            choices: COMMANDS.slice(0, MAX_CHOICES).map((command) => ({
              name: command.name,
              value: command.name,
            })),
          },
        },
      ];
    case 'chain':
    case 'oi':
    case 'pcr':
    case 'positions':
      return [chainOption(chains, false)];
    case 'buy':
    case 'sell':
      return orderOptions(chains);
    case 'exit':
      return [
        {
          option: {
            type: StringType,
            name: 'position',
            description: 'position id such as NSE_P0003, or all',
            required: true,
            max_length: 40,
          },
        },
      ];
    case 'alerts':
      return [
        {
          option: {
            type: StringType,
            name: 'action',
            description: 'turn on, off, mute for a while, or show (default status)',
            choices: ['on', 'off', 'mute', 'status'].map((action) => ({ name: action, value: action })),
          },
          fallback: (values) => (values.has('minutes') ? 'mute' : undefined),
        },
        {
          option: {
            type: Integer,
            name: 'minutes',
            description: 'how long to mute, 1 to 1440',
            min_value: 1,
            max_value: 1440,
          },
        },
      ];
    case 'token':
      return [
        {
          option: {
            type: StringType,
            name: 'request_token',
            description: 'the request_token from the login redirect',
            required: true,
          },
        },
      ];
    case 'enctoken':
      return [
        {
          option: {
            type: StringType,
            name: 'value',
            description: 'the enctoken of a Kite web session',
            required: true,
          },
        },
      ];
    default:
      return [
        {
          option: { type: StringType, name: 'args', description: 'arguments, as after the command in chat' },
        },
      ];
  }
}

/** The slash commands to register: one per catalog entry, chain choices from the configured chains. */
export function slashCommandDefinitions(
  chains: readonly ChainSpec[],
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return COMMANDS.map((command) => {
    const options = optionsOf(command.name, chains).map((spec) => spec.option);
    return {
      name: command.name,
      description: command.summary.slice(0, 100),
      ...(options.length > 0 ? { options } : {}),
    };
  });
}

/** An interaction's options written back as the text the command core parses: `/buy NSE 25600CE 75 tp=30`. */
export function commandText(
  name: string,
  options: readonly { name: string; value?: OptionValue | null }[],
  chains: readonly ChainSpec[],
): string {
  const values = new Map<string, OptionValue>();
  for (const option of options) {
    if (option.value === undefined || option.value === null) continue;
    values.set(option.name, typeof option.value === 'string' ? option.value.trim() : option.value);
  }
  const words = [`/${name}`];
  for (const spec of optionsOf(name, chains)) {
    const value = values.get(spec.option.name) ?? spec.fallback?.(values);
    if (value === undefined || value === '') continue;
    if (spec.write === 'glued') words[words.length - 1] += String(value);
    else if (spec.write === 'keyed') words.push(`${spec.option.name}=${String(value)}`);
    else words.push(String(value));
  }
  return words.join(' ');
}
