import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startChatAdapters, type ChatAdapters } from '../../src/app/chat-adapters.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import { loadConfig } from '../../src/config.ts';
import { startTelegramApiServer } from '../fakes/telegram-api-server.ts';
import { testAlertEngine } from '../support/alert-engine.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';

interface LogLine {
  level: number;
  msg: string;
  entry?: string;
  platform?: string;
  adapter?: string;
}

function capturingLogger() {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines };
}

const ACCESS =
  'telegram:1001=admin,discord:4242=trader,discord:4343=viewer,telegram:-100777=viewer,discord-channel:9=viewer';

describe('the chat starter', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('starts Telegram from its table and warns about each ACCESS entry no running adapter serves', async () => {
    const telegram = await startTelegramApiServer();
    cleanups.push(() => telegram.close());
    const config = loadConfig({
      MARKET_DATA: 'sim',
      ACCESS,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    });
    const alerts = testAlertEngine();
    const { logger, lines } = capturingLogger();
    const adapters: ChatAdapters = await startChatAdapters(
      config,
      { commands: new CommandCore(fakeCommandContext({ access: ACCESS })), alerts },
      logger,
    );
    cleanups.push(() => adapters.stop());

    expect(adapters.running).toEqual(['telegram']);
    const warnings = lines.filter((line) => line.level === 40 && line.entry !== undefined);
    expect(warnings.map((line) => [line.entry, line.platform])).toEqual([
      ['discord:4242', 'discord'],
      ['discord:4343', 'discord'],
      ['discord-channel:9', 'discord'],
    ]);
  });

  it('with no adapter configured starts none and warns about every ACCESS entry', async () => {
    const config = loadConfig({ MARKET_DATA: 'sim', ACCESS });
    const { logger, lines } = capturingLogger();
    const adapters = await startChatAdapters(
      config,
      { commands: new CommandCore(fakeCommandContext()), alerts: testAlertEngine() },
      logger,
    );
    expect(adapters.running).toEqual([]);
    expect(lines.filter((line) => line.entry !== undefined).map((line) => line.entry)).toEqual([
      'telegram:1001',
      'discord:4242',
      'discord:4343',
      'telegram:-100777',
      'discord-channel:9',
    ]);
    await adapters.stop();
  });
});
