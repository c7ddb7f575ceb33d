import { runConsole } from '../bots/console/console-bot.ts';
import { startChatAdapters, type ChatAdapters } from './app/chat-adapters.ts';
import { loadConfig, type Config } from './config.ts';
import { startDaemon, type Daemon } from './daemon.ts';
import { ConfigError } from './errors.ts';
import { createLogger, type Logger } from './log.ts';
import { StoreLockedError } from './store/lock.ts';

const STOP_DEADLINE_MS = 5000;

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** The daemon, or exit 2 with the message when another process has the database or a setting is missing. */
async function startDaemonOrExit(config: Config, logger: Logger): Promise<Daemon> {
  try {
    return await startDaemon(config, logger);
  } catch (error) {
    if (error instanceof StoreLockedError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // On a terminal, or with --console (also with piped input), commands are read from stdin.
  const consoleMode = process.argv.includes('--console') || process.stdin.isTTY === true;
  const logger = createLogger(config.logLevel, consoleMode);
  // The daemon writes the first line, 'oi-tracker starting', once it knows which session it plays.
  const daemon = await startDaemonOrExit(config, logger);

  const adapters: { current?: ChatAdapters } = {};
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const deadline = setTimeout(() => {
      process.stderr.write(`oi-tracker: did not stop within ${STOP_DEADLINE_MS} ms; exiting\n`);
      process.exit(1);
    }, STOP_DEADLINE_MS);
    await adapters.current?.stop();
    await daemon.stop();
    clearTimeout(deadline);
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  adapters.current = await startChatAdapters(config, daemon, logger);

  if (consoleMode) {
    await runConsole({
      core: daemon.commands,
      input: process.stdin,
      output: process.stdout,
      outDir: config.outDir,
      interactive: process.stdin.isTTY === true,
    });
    await shutdown('end of input');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`oi-tracker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
