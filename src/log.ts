import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs, human-readable on a terminal. `toStderr` keeps stdout for the console's
 * answers.
 */
export function createLogger(level: string, toStderr = false): Logger {
  const stream = toStderr ? process.stderr : process.stdout;
  const destination = toStderr ? 2 : 1;
  if (stream.isTTY === true) {
    return pino({
      level,
      base: undefined,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', destination },
      },
    });
  }
  return pino({ level, base: undefined }, pino.destination(destination));
}
