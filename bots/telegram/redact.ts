import type { Logger } from '../../src/log.ts';

const REDACTED = '[REDACTED]';
/** Any bot token as it appears in a Bot API URL: `bot<digits>:<secret>`. */
const TOKEN_IN_URL = /\bbot\d+:[\w-]+/g;

/** The text with the token (and anything shaped like a bot token in a URL) replaced by [REDACTED]. */
export function redactToken(text: string, token: string): string {
  const withoutToken = token === '' ? text : text.split(token).join(REDACTED);
  return withoutToken.replace(TOKEN_IN_URL, `bot${REDACTED}`);
}

/** A plain, loggable copy of any value with every string redacted; errors become {type, message, code, stack}. */
export function redactValue(value: unknown, token: string, depth = 0): unknown {
  if (typeof value === 'string') return redactToken(value, token);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 5) return '[…]';
  if (value instanceof Error) {
    const { code, description } = value as Error & { code?: unknown; description?: unknown };
    return redactValue(
      {
        type: value.name,
        message: value.message,
        ...(code === undefined ? {} : { code }),
        ...(typeof description === 'string' ? { description } : {}),
        stack: value.stack,
        ...(value.cause === undefined ? {} : { cause: value.cause }),
      },
      token,
      depth + 1,
    );
  }
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, token, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, redactValue(item, token, depth + 1)]),
  );
}

/** The error's message with the token redacted, for errors handed to callers. */
export function redactedMessage(error: unknown, token: string): string {
  return redactToken(error instanceof Error ? error.message : String(error), token);
}

type Level = 'debug' | 'info' | 'warn' | 'error';
export type SafeLog = Record<Level, (fields: Record<string, unknown>, message: string) => void>;

/** The only way the Telegram adapter logs: every field and message goes through `redactValue` first. */
export function createSafeLog(logger: Logger, token: string): SafeLog {
  const at =
    (level: Level) =>
    (fields: Record<string, unknown>, message: string): void =>
      logger[level](redactValue(fields, token) as object, redactToken(message, token));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
