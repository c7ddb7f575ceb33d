/** Fatal misconfiguration: start-up stops with this one-line message and exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The market-data feed failed in a way worth retrying with backoff. */
export class FeedError extends Error {
  override name = 'FeedError';
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The Kite session is no longer valid (403 TokenException): a new token is needed, retrying will not help. */
export class SessionExpiredError extends Error {
  override name = 'SessionExpiredError';
}

/** A problem the user caused; shown to them as-is. */
export class UserError extends Error {
  override name = 'UserError';
}
