import { z } from 'zod';
import type { CommandDefinition, CommandLookup } from './command.ts';

export interface ParsedInput {
  command: CommandDefinition;
  args: string[];
}

/** What went wrong with the input, with the right syntax and an example when a command was recognised. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const MAX_INPUT = 500;

/** Splits `/Chain@bot nse` into the command and its words; null when the text is not a command. */
export function parseInput(text: string, commands: CommandLookup): ParsedInput | { unknown: string } | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) return null;
  // Cut by code points, not UTF-16 units: half an emoji in the answer would make Telegram refuse it.
  const words = Array.from(trimmed).slice(0, MAX_INPUT).join('').split(/\s+/);
  const name = words[0]!.slice(1).replace(/@.*$/, '');
  const command = commands.find(name);
  if (!command) return { unknown: name };
  return { command, args: words.slice(1) };
}

export function usage(command: Pick<CommandDefinition, 'syntax' | 'example'>, problem: string): UsageError {
  const sentence = /[.?!]$/.test(problem) ? problem : `${problem}.`;
  return new UsageError(`${sentence} Usage: ${command.syntax} (e.g. ${command.example})`);
}

export interface OrderArgs {
  chain: string;
  strike?: number;
  type?: 'CE' | 'PE';
  symbol?: string;
  qty?: number;
  tp?: number;
  sl?: number;
}

/** Plain decimal points only: `0x10`, `1e3` and `Infinity` are refused rather than read as numbers. */
const positiveNumber = z
  .string()
  .regex(/^\d+(\.\d+)?$/)
  .transform(Number)
  .refine((value) => value > 0 && Number.isFinite(value));
const strikeWithType = /^(\d+(?:\.\d+)?)(CE|PE)$/i;

/** `<chain> <strike><CE|PE> [qty] [tp=<pts>] [sl=<pts>]`, also `<strike> <CE|PE>` or a tradingsymbol. */
export function parseOrderArgs(
  command: Pick<CommandDefinition, 'syntax' | 'example'>,
  args: readonly string[],
): OrderArgs {
  const [chain, ...rest] = args;
  if (!chain) throw usage(command, 'Which chain and option?');
  const words = [...rest];
  const order: OrderArgs = { chain };
  const first = words.shift();
  if (!first) throw usage(command, 'Which option? Give the strike and CE or PE');
  const joined = first.match(strikeWithType);
  if (joined) {
    order.strike = Number(joined[1]);
    order.type = joined[2]!.toUpperCase() as 'CE' | 'PE';
  } else if (/^\d+(\.\d+)?$/.test(first)) {
    const type = words.shift()?.toUpperCase();
    if (type !== 'CE' && type !== 'PE') throw usage(command, `"${first}" needs CE or PE after it`);
    order.strike = Number(first);
    order.type = type;
  } else if (/^[A-Z]+\d{2}[A-Z0-9]{3}\d+(CE|PE)$/i.test(first)) {
    order.symbol = first.toUpperCase();
  } else {
    throw usage(command, `"${first}" is not an option: write the strike and type, like 25600CE`);
  }
  for (const word of words) {
    const setting = word.match(/^(tp|sl)=(.*)$/i);
    if (setting) {
      const key = setting[1]!.toLowerCase() as 'tp' | 'sl';
      const value = positiveNumber.safeParse(setting[2]);
      if (!value.success) throw usage(command, `${key}=${setting[2]} is not a positive number of points`);
      order[key] = value.data;
    } else if (/^[-+]?\d+(\.\d+)?$/.test(word) && order.qty === undefined) {
      const qty = Number(word);
      if (!Number.isSafeInteger(qty) || qty <= 0) {
        throw usage(command, `quantity ${word} is not a whole number of units above 0`);
      }
      order.qty = qty;
    } else {
      throw usage(command, `"${word}" is not a quantity or tp=/sl=`);
    }
  }
  return order;
}
