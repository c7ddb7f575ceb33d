import { DiscordAPIError, HTTPError } from 'discord.js';

/**
 * What a log line may say about a Discord error. discord.js errors carry the request (URL with the
 * interaction token, the body with file bytes): only the name, message and codes are kept.
 */
export function errorSummary(error: unknown): {
  name: string;
  message: string;
  status?: number;
  code?: unknown;
} {
  if (error instanceof DiscordAPIError) {
    return { name: error.name, message: error.message, status: error.status, code: error.code };
  }
  if (error instanceof HTTPError) return { name: error.name, message: error.message, status: error.status };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(code === undefined ? {} : { code }) };
  }
  return { name: 'Error', message: String(error) };
}

/** Worth another try: a 5xx or a network failure (a 4xx will fail the same way; discord.js waits out 429s). */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof DiscordAPIError);
}
