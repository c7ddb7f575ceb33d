/**
 * `npm run login`: the morning Kite web login (Zerodha user id, password, 2FA code) for accounts
 * without a Kite Connect subscription. The enctoken it gets is handed to the running daemon
 * (POST /api/session) or, with none running, stored in the database for the next start, exactly as
 * /enctoken stores it. The password goes only to Kite: never printed, logged or written.
 */
import { loadConfig, readEnvironment, type Config } from '../src/config.ts';
import { ConfigError, UserError } from '../src/errors.ts';
import { handSessionToDaemon, SessionHandOffError } from '../src/http/session-client.ts';
import { KiteSession } from '../src/kite/kite-session.ts';
import { LoginInputError, readLoginInput } from '../src/kite/login-input.ts';
import { KiteRestClient } from '../src/kite/rest-client.ts';
import { TickerClient } from '../src/kite/ticker-client.ts';
import { kiteWebLogin, WebLoginError, type WebSession } from '../src/kite/web-login.ts';
import { StoreLockedError } from '../src/store/lock.ts';
import { OiStore } from '../src/store/oi-store.ts';

/** Problems shown as one line with exit code 1: Kite's refusal, bad input, a daemon that would not take it. */
const SHOWN_AS_IS = [WebLoginError, LoginInputError, UserError, SessionHandOffError];

/** Checks the session with Kite and stores it, through the same KiteSession path /enctoken takes. */
async function storeSession(config: Config, store: OiStore, session: WebSession): Promise<string> {
  const credentials = { kind: 'enctoken', enctoken: session.enctoken, userId: session.userId } as const;
  const { apiRoot, wsRoot, webRoot, webWsRoot, apiKey, apiSecret } = config.kite;
  const rest = new KiteRestClient({ apiRoot, webRoot, credentials, retries: 1 });
  // Never started: KiteSession hands it the new session, which the next daemon start reads from the store.
  const ticker = new TickerClient({ wsRoot, webWsRoot, credentials });
  return new KiteSession({ rest, ticker, store: store.sessionStore(), apiKey, apiSecret }).useEnctoken(
    session.enctoken,
  );
}

/** Hands the session to the daemon that has the database open, or stores it there; answers what happened. */
async function useSession(config: Config, session: WebSession): Promise<string> {
  let store: OiStore;
  try {
    store = OiStore.open(config.store.path);
  } catch (error) {
    if (!(error instanceof StoreLockedError)) throw error;
    const userId = await handSessionToDaemon(config.http, session);
    return `Kite web session for ${userId} handed to the running daemon (pid ${error.ownerPid}); market data is switching to it.`;
  }
  try {
    const userId = await storeSession(config, store, session);
    return `Kite web session for ${userId} stored in ${config.store.path}; the daemon uses it when it starts (MARKET_DATA=kite).`;
  } finally {
    store.close();
  }
}

async function main(): Promise<number> {
  const env = readEnvironment();
  // The session belongs to the Kite account's database, whatever MARKET_DATA says.
  const config = loadConfig({ ...env, MARKET_DATA: 'kite' });
  const input = await readLoginInput({
    input: process.stdin,
    output: process.stdout,
    defaultUserId: env.KITE_USER_ID?.trim() || undefined,
  });
  const session = await kiteWebLogin(config.kite.webRoot, input);
  process.stdout.write(`${await useSession(config, session)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ConfigError) {
      process.stderr.write(`${message}\n`);
      process.exit(2);
    }
    const shown = SHOWN_AS_IS.some((kind) => error instanceof kind);
    process.stderr.write(`npm run login: ${shown ? message : `failed: ${message}`}\n`);
    process.exit(1);
  },
);
