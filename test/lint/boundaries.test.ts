import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The rule ids ESLint reports for `code` as if it were the file at `filePath` (relative to the project root). */
async function violations(filePath: string, code: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  // An ignored path or a parse error would make every "allowed" case pass without linting anything.
  const unlinted = result!.messages.find((message) => message.ruleId === null);
  if (unlinted) throw new Error(`${filePath} was not linted: ${unlinted.message}`);
  return result!.messages.map((message) => message.ruleId);
}

const importing = (specifier: string) => `import * as scratch from '${specifier}';\nexport { scratch };\n`;

async function refused(filePath: string, specifier: string): Promise<boolean> {
  return (await violations(filePath, importing(specifier))).includes('no-restricted-imports');
}

describe('import boundaries', () => {
  it('keeps src/kite free of chains, storage, paper, alerts, commands, rendering and HTTP', async () => {
    for (const layer of ['tracker', 'store', 'paper', 'alerts', 'commands', 'render', 'http']) {
      expect(await refused('src/kite/scratch.ts', `../${layer}/scratch.ts`), layer).toBe(true);
    }
    expect(await refused('src/kite/scratch.ts', '../store/oi-store.ts')).toBe(true);
    expect(await refused('src/kite/scratch.ts', '../config.ts')).toBe(true);
    expect(await refused('src/kite/scratch.ts', '../util/ist.ts')).toBe(false);
    expect(await refused('src/kite/scratch.ts', './types.ts')).toBe(false);
    expect(await refused('src/kite/scratch.ts', 'node:http')).toBe(false);
  });

  it('lets the tracker reach storage only through its ports', async () => {
    expect(await refused('src/tracker/scratch.ts', '../store/oi-store.ts')).toBe(true);
    expect(await refused('src/tracker/scratch.ts', './ports.ts')).toBe(false);
    expect(await refused('src/store/scratch.ts', '../tracker/types.ts')).toBe(false);
  });

  it('keeps the data layers below the command core', async () => {
    for (const layer of ['alerts', 'store', 'paper', 'render', 'http', 'tracker', 'util']) {
      expect(await refused(`src/${layer}/scratch.ts`, '../commands/roles.ts'), layer).toBe(true);
    }
    expect(await refused('src/app/scratch.ts', '../commands/command-core.ts')).toBe(false);
    expect(await refused('src/commands/scratch.ts', '../render/png-image.ts')).toBe(false);
  });

  it('keeps telegraf and discord.js in bots/', async () => {
    for (const specifier of ['telegraf', 'telegraf/filters', 'discord.js', '@discordjs/rest']) {
      expect(await refused('src/commands/scratch.ts', specifier), specifier).toBe(true);
      expect(await refused('scripts/scratch.ts', specifier), specifier).toBe(true);
    }
    expect(await refused('src/kite/scratch.ts', 'telegraf')).toBe(true);
    expect(await refused('src/app/chat-adapters.ts', 'discord.js')).toBe(true);
    expect(await refused('bots/telegram/scratch.ts', 'telegraf')).toBe(false);
    expect(await refused('bots/discord/scratch.ts', 'discord.js')).toBe(false);
  });

  it('lets only src/main.ts and the chat starter reach bots/', async () => {
    expect(await refused('src/tracker/scratch.ts', '../../bots/telegram/telegram-bot.ts')).toBe(true);
    expect(await refused('src/kite/scratch.ts', '../../bots/telegram/telegram-bot.ts')).toBe(true);
    expect(await refused('src/app/market-data.ts', '../../bots/telegram/telegram-bot.ts')).toBe(true);
    expect(await refused('src/app/chat-adapters.ts', '../../bots/telegram/telegram-bot.ts')).toBe(false);
    expect(await refused('src/main.ts', '../bots/console/console-bot.ts')).toBe(false);
    expect(await refused('scripts/bench/scratch.ts', '../../bots/telegram/telegram-bot.ts')).toBe(false);
  });

  it('lets production code reach src/sim only through the market-data starter', async () => {
    expect(await refused('src/tracker/scratch.ts', '../sim/server.ts')).toBe(true);
    expect(await refused('src/daemon-scratch.ts', './sim/server.ts')).toBe(true);
    expect(await refused('src/main.ts', './sim/server.ts')).toBe(true);
    expect(await refused('src/app/chat-adapters.ts', '../sim/server.ts')).toBe(true);
    expect(await refused('src/app/market-data.ts', '../sim/server.ts')).toBe(false);
    expect(await refused('src/market-source.ts', './sim/server.ts')).toBe(true);
    expect(await refused('src/sim/scratch.ts', './market-model.ts')).toBe(false);
    expect(await refused('test/sim/scratch.test.ts', '../../src/sim/server.ts')).toBe(false);
    expect(await refused('scripts/scratch.ts', '../src/sim/server.ts')).toBe(false);
  });
});

describe('function length', () => {
  const functionOf = (lines: number) =>
    `export function long(): number {\n  let n = 0;\n${'  n += 1;\n'.repeat(lines - 4)}  return n;\n}\n`;
  const tooLong = async (filePath: string, lines: number) =>
    (await violations(filePath, functionOf(lines))).includes('max-lines-per-function');

  it('refuses a function over 100 lines in src/ and bots/, blank and comment lines included', async () => {
    expect(await tooLong('src/tracker/scratch.ts', 100)).toBe(false);
    expect(await tooLong('src/tracker/scratch.ts', 101)).toBe(true);
    expect(await tooLong('bots/telegram/scratch.ts', 101)).toBe(true);
    const padded = `export function padded(): void {\n${'\n  // a comment\n'.repeat(50)}}\n`;
    expect((await violations('src/tracker/scratch.ts', padded)).includes('max-lines-per-function')).toBe(
      true,
    );
  });
});
