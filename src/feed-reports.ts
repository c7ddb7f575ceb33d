import type { AlertEngine } from './alerts/alert-engine.ts';
import type { KiteSession } from './kite/kite-session.ts';
import type { TickerClient } from './kite/ticker-client.ts';
import type { Logger } from './log.ts';

/** How often the feed's state is looked at again, so a feed that stays down raises its alert. */
const FEED_RECHECK_MS = 5000;

/** Logs the ticker's and the Kite session's changes; a handshake the ticker refuses is a session expiry. */
export function logFeedAndSession(deps: {
  ticker: TickerClient;
  session: KiteSession;
  logger: Logger;
}): void {
  const { ticker, session, logger } = deps;
  session.on('expired', (reason) =>
    logger.warn({ reason }, 'Kite session expired; market data stopped until a new session'),
  );
  session.on('renewed', (kind, userId) => logger.info({ kind, userId }, 'Kite session renewed'));
  ticker.on('connected', (shard) => logger.info({ shard }, 'ticker connected'));
  ticker.on('disconnected', (shard, reason) => {
    logger.warn({ shard, reason }, 'ticker disconnected');
    if (reason.includes('HTTP 403')) session.markExpired('the ticker refused the session (HTTP 403)');
  });
  ticker.on('error', (error) => logger.debug({ err: error.message }, 'ticker error'));
}

/**
 * Turns the feed's and the session's changes into alerts, and looks at the feed every few seconds (the
 * feed-down alert waits for the feed to stay down). Returns a function that stops all of it.
 */
export function alertOnFeedAndSession(deps: {
  ticker: TickerClient;
  session: KiteSession;
  alerts: AlertEngine;
}): () => void {
  const { ticker, session, alerts } = deps;
  const feedStatus = () => alerts.onFeedStatus(ticker.connectedCount > 0);
  const expired = (reason: string) => alerts.onSessionExpired(reason);
  const renewed = (kind: string, userId: string) => alerts.onSessionRenewed(kind, userId);
  const connected = () => alerts.onFeedStatus(true);
  session.on('expired', expired);
  session.on('renewed', renewed);
  ticker.on('connected', connected);
  ticker.on('disconnected', feedStatus);
  const recheck = setInterval(feedStatus, FEED_RECHECK_MS);
  return () => {
    clearInterval(recheck);
    session.off('expired', expired);
    session.off('renewed', renewed);
    ticker.off('connected', connected);
    ticker.off('disconnected', feedStatus);
  };
}
