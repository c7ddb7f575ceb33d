import type { AlertEngine } from './alerts/alert-engine.ts';
import type { KiteSession } from './kite/kite-session.ts';
import type { TickerClient } from './kite/ticker-client.ts';
import type { Logger } from './log.ts';

/** Logs the ticker's and the Kite session's changes and turns them into alerts (a refused handshake is an expiry). */
export function reportFeedAndSession(deps: {
  ticker: TickerClient;
  session: KiteSession;
  alerts: AlertEngine;
  logger: Logger;
}): void {
  const { ticker, session, alerts, logger } = deps;
  session.on('expired', (reason) => {
    logger.warn({ reason }, 'Kite session expired; market data stopped until a new session');
    alerts.onSessionExpired(reason);
  });
  session.on('renewed', (kind, userId) => {
    logger.info({ kind, userId }, 'Kite session renewed');
    alerts.onSessionRenewed(kind, userId);
  });
  ticker.on('connected', (shard) => {
    logger.info({ shard }, 'ticker connected');
    alerts.onFeedStatus(true);
  });
  ticker.on('disconnected', (shard, reason) => {
    logger.warn({ shard, reason }, 'ticker disconnected');
    if (reason.includes('HTTP 403')) session.markExpired('the ticker refused the session (HTTP 403)');
    alerts.onFeedStatus(ticker.connectedCount > 0);
  });
}
