import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; human-readable when stdout is a terminal. */
export function createLogger(level: string): Logger {
  const pretty = process.stdout.isTTY === true;
  return pino({
    level,
    base: undefined,
    transport: pretty
      ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } }
      : undefined,
  });
}
