import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { SimClock } from '../../src/sim/clock.ts';
import { istWallClock } from '../../src/util/ist.ts';
import { waitFor } from '../support/wait-for.ts';

/** The two default chains and the three `.env.example` suggests adding. */
const FIVE_CHAINS = [
  'NSE:NIFTY 50:NIFTY:NFO:50',
  'BSE:SENSEX:SENSEX:BFO:100',
  'BANKNIFTY:NIFTY BANK:BANKNIFTY:NFO:100',
  'FINNIFTY:NIFTY FIN SERVICE:FINNIFTY:NFO:50',
  'MIDCPNIFTY:NIFTY MID SELECT:MIDCPNIFTY:NFO:25',
].join(',');

describe('the demo with the five chains of .env.example', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
  });

  it('shows all five Live on the simulator', async () => {
    const config = loadConfig({
      MARKET_DATA: 'sim',
      CHAINS: FIVE_CHAINS,
      REFRESH_INTERVAL_SECONDS: '5',
      HTTP_PORT: '0',
      DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'oi-demo-five-')), 'sim.db'),
    });
    // A Sunday evening: the last trading session is played, ten played seconds a real second.
    const clock = new SimClock(10, Date.now, istWallClock('2026-11-29', '19:00'));
    daemon = await startDaemon(config, pino({ level: 'silent' }), { clock });
    const running = daemon;
    expect(running.trackers.map((tracker) => tracker.spec.id)).toEqual([
      'NSE',
      'BSE',
      'BANKNIFTY',
      'FINNIFTY',
      'MIDCPNIFTY',
    ]);
    const status = await waitFor(
      async () => {
        const reply = await running.commands.handle('/status', { owner: 'console' });
        return running.trackers.every((tracker) => tracker.current()?.status === 'Live') && reply.text;
      },
      { timeoutMs: 20_000, what: 'all five chains Live' },
    );
    for (const id of ['NSE', 'BSE', 'BANKNIFTY', 'FINNIFTY', 'MIDCPNIFTY']) {
      expect(status).toMatch(new RegExp(`^${id}: Live, data [\\d.]+ s old`, 'm'));
    }
    expect(status).toMatch(/simulated session of 2026-11-27, now at \d\d:\d\d/);
    const lots = Object.fromEntries(
      running.trackers.map((tracker) => [tracker.spec.id, tracker.tradableOptions()[0]?.lotSize]),
    );
    expect(lots).toEqual({ NSE: 75, BSE: 20, BANKNIFTY: 30, FINNIFTY: 60, MIDCPNIFTY: 120 });
  }, 40_000);
});
