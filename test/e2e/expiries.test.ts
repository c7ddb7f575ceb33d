/**
 * EXPIRIES_TRACKED=2 on the simulator: both expiries of both chains are live in /api/data, and at
 * 15:30 on expiry day the next expiry becomes the nearest and keeps its OI history.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import type { ChainJson } from '../../src/http/chain-json.ts';
import { SimClock } from '../../src/sim/clock.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { istWallClock } from '../../src/util/ist.ts';
import { waitFor } from '../support/wait-for.ts';

const EXPIRY_DAY = '2026-12-08'; // a Tuesday: NIFTY's weekly expiry
const SPEED = 60;

describe('two expiries per chain, and the roll at 15:30 on expiry day', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
  });

  it('serves both expiries of both chains, and rolls the next into the nearest with its history', async () => {
    const clock = new SimClock(SPEED, Date.now, istWallClock(EXPIRY_DAY, '15:18'));
    const config = loadConfig({
      MARKET_DATA: 'sim',
      SIM_SEED: '11',
      MARKET_HOURS: 'always',
      HTTP_PORT: '0',
      HTTP_TOKEN: 'secret',
      DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'oi-expiries-')), 'oi.db'),
      REFRESH_INTERVAL_SECONDS: '30',
      OI_CHANGE_THRESHOLDS: '100000,100000,100000,100000',
    });
    daemon = await startDaemon(config, pino({ level: 'silent' }), { clock });
    const running = daemon;
    const get = async (route: string) => {
      const response = await fetch(`${running.apiUrl}${route}`, {
        headers: { Authorization: 'Bearer secret' },
      });
      return { status: response.status, body: (await response.json()) as ChainJson & { error?: string } };
    };
    const nse: ChainSnapshot[] = [];
    running.trackers.find((tracker) => tracker.spec.id === 'NSE')!.on('snapshot', (s) => nse.push(s));

    // Before the roll: the nearest and the next of both chains are live.
    const before = await waitFor(
      async () => {
        const answers = await Promise.all(
          ['NSE', 'NSE?expiry=next', 'BSE', 'BSE?expiry=next'].map((route) => get(`/api/data/${route}`)),
        );
        const live = answers.every(
          (answer) =>
            answer.status === 200 && answer.body.status === 'Live' && answer.body.call_options.length > 0,
        );
        return live && clock.now() < istWallClock(EXPIRY_DAY, '15:30') ? answers : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'both expiries of both chains live' },
    );
    const [nearest, next, bse, bseNext] = before.map((answer) => answer.body);
    expect(nearest!.expiry).toBe(EXPIRY_DAY);
    expect(next!.expiry! > EXPIRY_DAY).toBe(true);
    expect(bseNext!.expiry! > bse!.expiry!).toBe(true);
    const dated = await get(`/api/data/NSE?expiry=${next!.expiry}`);
    expect(dated.body.expiry).toBe(next!.expiry);
    const unknown = await get('/api/data/NSE?expiry=2027-01-05');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe(
      `NSE does not track the 2027-01-05 expiry; tracked: ${EXPIRY_DAY} (nearest), ${next!.expiry} (next)`,
    );

    // Chat chooses the same expiries, and refuses one that is not tracked.
    const console_ = { owner: 'console' };
    const chainNext = await running.commands.handle('/chain NSE next', console_);
    expect(chainNext.text).toContain(`expiry ${next!.expiry}`);
    expect(chainNext.buttons?.[0]?.at(-1)).toEqual({ label: 'Refresh', command: '/chain NSE next' });
    const chainDated = await running.commands.handle(`/chain BSE exp=${bseNext!.expiry}`, console_);
    expect(chainDated.text).toContain(`expiry ${bseNext!.expiry}`);
    for (const command of ['greeks', 'iv']) {
      const reply = await running.commands.handle(`/${command} NSE next`, console_);
      expect(reply.image, command).toBeDefined();
      expect(reply.buttons?.[0]?.at(-1), command).toEqual({
        label: 'Refresh',
        command: `/${command} NSE next`,
      });
    }
    const refused = await running.commands.handle('/chain NSE exp=2027-01-05', console_);
    expect(refused).toMatchObject({
      error: true,
      text: `NSE does not track the 2027-01-05 expiry; tracked: ${EXPIRY_DAY} (nearest), ${next!.expiry} (next)`,
    });
    const malformed = await running.commands.handle('/chain NSE exp=soon', console_);
    expect(malformed.text).toMatch(
      /^"exp=soon" is not an expiry; use next or exp=YYYY-MM-DD\. Usage: \/chain/,
    );

    // After 15:30 the nearest is the former next, and its first cycle already has 5-minute changes.
    const rolled = await waitFor(
      () => nse.find((snapshot) => snapshot.expiry === next!.expiry && snapshot.calls.length > 0),
      {
        timeoutMs: 30_000,
        what: 'the roll to the next expiry',
      },
    );
    expect(rolled.lastUpdate).toBeGreaterThanOrEqual(istWallClock(EXPIRY_DAY, '15:30'));
    const withChange = rolled.calls.filter((row) => row.oiChangePct['5'] !== null).length;
    expect(withChange).toBeGreaterThanOrEqual(rolled.calls.length - 1);
    // The next tracker moves on to the expiry after at its own first cycle past 15:30.
    await waitFor(async () => (await get('/api/data/NSE?expiry=next')).body.expiry! > next!.expiry!, {
      timeoutMs: 10_000,
      what: 'the next expiry to move on',
    });

    // The stored cycles before the roll answer for each expiry.
    const beforeRoll = nse
      .filter((snapshot) => snapshot.expiry === EXPIRY_DAY && snapshot.status === 'Live')
      .at(-1)!;
    const at = encodeURIComponent(new Date(beforeRoll.lastUpdate).toISOString());
    expect((await get(`/api/data/NSE?at=${at}`)).body.expiry).toBe(EXPIRY_DAY);
    expect((await get(`/api/data/NSE?at=${at}&expiry=next`)).body.expiry).toBe(next!.expiry);
  }, 60_000);
});
