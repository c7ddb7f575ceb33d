/**
 * The daemon on the simulator renders the chain PNG once per published cycle: a burst of /chain NSE
 * shares one table, shows the published cycle's figures (not the ticks laid over it since), and
 * /metrics counts the renders.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { formatPrice } from '../../src/render/oi-format.ts';
import { startSimServer, type SimServer } from '../../src/sim/server.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { untilWindowsSubscribed } from '../support/daemon-cycles.ts';
import { configAgainstSim } from '../support/daemon-config.ts';
import { waitFor } from '../support/wait-for.ts';

const CONSOLE = { owner: 'console' };

describe('chain PNGs in the daemon, rendered once per published cycle', () => {
  let sim: SimServer;
  let daemon: Daemon | undefined;
  let published: ChainSnapshot | undefined;

  const renders = async (chain: string, kind: string): Promise<number> => {
    const text = await (await fetch(`${daemon!.apiUrl}/metrics`)).text();
    const line = text
      .split('\n')
      .find((row) => row.startsWith(`oi_tracker_chain_png_renders_total{chain="${chain}",kind="${kind}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  beforeAll(async () => {
    sim = await startSimServer({ seed: 17 });
    daemon = await startDaemon(
      configAgainstSim(sim, {
        DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'oi-png-')), 'oi.db'),
        // Cycles run when the test says (runCycles), not on the schedule in the middle of a burst.
        REFRESH_INTERVAL_SECONDS: '3600',
      }),
      pino({ level: 'silent' }),
    );
    const nse = daemon.trackers.find((tracker) => tracker.spec.id === 'NSE')!;
    nse.on('snapshot', (snapshot) => (published = snapshot));
    await untilWindowsSubscribed(daemon);
    await waitFor(
      async () => {
        await daemon!.runCycles();
        return published?.status === 'Live' && published.calls.some((row) => row.ltp !== null);
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'NSE live with prices' },
    );
  }, 60_000);
  afterAll(async () => {
    await daemon?.stop();
    await sim?.close();
  });

  it('twenty concurrent /chain NSE render one table, of the published cycle', async () => {
    const before = await renders('NSE', 'chain');
    const cycle = published!;
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => daemon!.commands.handle('/chain NSE', CONSOLE)),
    );
    expect(await renders('NSE', 'chain')).toBe(before + 1);
    for (const reply of replies) {
      expect(reply.image!.png).toBe(replies[0]!.image!.png);
      // The cycle's own figures, not the index ticks that arrived after it.
      expect(reply.text).toContain(`NIFTY 50 ${formatPrice(cycle.underlyingPrice)} · ATM ${cycle.atmStrike}`);
      expect(reply.text).toMatch(/ · data \d+\.\d s old$/);
    }

    await daemon!.runCycles();
    expect(published!.lastUpdate).toBeGreaterThan(cycle.lastUpdate);
    const next = await daemon!.commands.handle('/chain NSE', CONSOLE);
    expect(next.image!.png).not.toBe(replies[0]!.image!.png);
    expect(await renders('NSE', 'chain')).toBe(before + 2);
    await daemon!.commands.handle('/chain NSE', CONSOLE);
    expect(await renders('NSE', 'chain')).toBe(before + 2);
  }, 30_000);
});
