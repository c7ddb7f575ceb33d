/**
 * `npm run sim`: the Kite-compatible simulator alone. Prints the settings that point any Kite
 * client (this project's `MARKET_DATA=kite`, or the official libraries) at it, web sessions included.
 */
import { ConfigError } from '../src/errors.ts';
import { loadConfig } from '../src/config.ts';
import { startSimServer } from '../src/sim/server.ts';

try {
  const { sim } = loadConfig();
  const server = await startSimServer({
    seed: sim.seed,
    speed: sim.speed,
    port: sim.port,
    apiKey: sim.apiKey,
    accessToken: sim.accessToken,
  });
  process.stdout.write(
    [
      `KITE_API_ROOT=${server.apiRoot}`,
      `KITE_WS_ROOT=${server.wsRoot}`,
      `KITE_API_KEY=${server.credentials.apiKey}`,
      `KITE_ACCESS_TOKEN=${server.credentials.accessToken}`,
      `KITE_WEB_ROOT=${server.webRoot}`,
      `KITE_WEB_WS_ROOT=${server.webWsRoot}`,
      '',
    ].join('\n'),
  );
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
