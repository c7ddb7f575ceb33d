import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandCore } from '../../src/commands/command-core.ts';
import { createCommandRegistry } from '../../src/commands/registry.ts';
import { readBookStats } from '../../src/paper/book-stats.ts';
import type { OiStore } from '../../src/store/oi-store.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';
import { NOW, OWNER, storeWithBook } from '../paper/stats-book.ts';

let store: OiStore;
let core: CommandCore;
beforeAll(() => {
  store = storeWithBook().store;
  core = new CommandCore(
    fakeCommandContext({
      access: `${OWNER}=viewer,telegram:3003=viewer`,
      trading: {
        stats: (owner, days) => readBookStats(store.paperStore(), { owner, days, now: NOW }),
      },
    }),
  );
});
afterAll(() => store.close());

describe('/stats through the command core', () => {
  it('answers the hand-computed figures of the last 30 days, the split and the equity curve', async () => {
    const reply = await core.handle('/stats', { owner: OWNER });
    expect(reply.error).toBeUndefined();
    expect(reply.text.split('\n')).toEqual([
      'Your paper book · last 30 days (2026-10-27 → 2026-11-25 IST)',
      '23 closed trades: 11 won, 11 lost, 1 break-even · win rate 47.83%',
      'Net +2,898.50 · expectancy +126.02 a trade · profit factor 1.27',
      'Average win +1,257.59 · average loss -994.09',
      'Best +3,000.00 (NSE_P0010) · worst -2,250.00 (NSE_P0011)',
      'Max drawdown 5,110.00',
    ]);
    const table = reply.table!.split('\n');
    expect(table[0]).toMatch(
      /^by chain\s+trades\s+won\s+lost\s+win%\s+net\s+avg win\s+avg loss\s+PF\s+expect\.\s+max DD$/,
    );
    const cells = (name: string) =>
      table
        .find((line) => line.startsWith(`${name} `))!
        .trim()
        .split(/\s{2,}/);
    expect(cells('BSE')).toEqual([
      'BSE',
      '9',
      '4',
      '5',
      '44.4',
      '-439.00',
      '+351.50',
      '-369.00',
      '0.76',
      '-48.78',
      '939.00',
    ]);
    expect(cells('NSE')).toEqual([
      'NSE',
      '14',
      '7',
      '6',
      '50.0',
      '+3,337.50',
      '+1,775.36',
      '-1,515.00',
      '1.37',
      '+238.39',
      '4,980.00',
    ]);
    expect(cells('Target Hit')).toEqual([
      'Target Hit',
      '7',
      '7',
      '0',
      '100.0',
      '+11,500.00',
      '+1,642.86',
      'N/A',
      '-',
      '+1,642.86',
      '0.00',
    ]);
    expect(cells('Stop Loss')).toEqual([
      'Stop Loss',
      '7',
      '0',
      '7',
      '0.0',
      '-9,375.00',
      'N/A',
      '-1,339.29',
      '0.00',
      '-1,339.29',
      '9,375.00',
    ]);
    expect(cells('Manual Exit')).toEqual([
      'Manual Exit',
      '5',
      '3',
      '2',
      '60.0',
      '+1,358.50',
      '+674.50',
      '-332.50',
      '3.04',
      '+271.70',
      '665.00',
    ]);
    expect(cells('Square-off')).toEqual([
      'Square-off',
      '4',
      '1',
      '2',
      '25.0',
      '-585.00',
      '+310.00',
      '-447.50',
      '0.35',
      '-146.25',
      '765.00',
    ]);
    expect(reply.image).toMatchObject({ filename: 'stats-equity.png' });
    expect(reply.image!.png.subarray(1, 4).toString('ascii')).toBe('PNG');
    // 1200 × 900: a phone shows it near full width, with type at 2.5% of that.
    expect([reply.image!.png.readUInt32BE(16), reply.image!.png.readUInt32BE(20)]).toEqual([1200, 900]);
  });

  it('takes a number of days', async () => {
    const reply = await core.handle('/stats 7', { owner: OWNER });
    expect(reply.text.split('\n').slice(0, 3)).toEqual([
      'Your paper book · last 7 days (2026-11-19 → 2026-11-25 IST)',
      '5 closed trades: 3 won, 2 lost · win rate 60.00%',
      'Net +2,253.50 · expectancy +450.70 a trade · profit factor 3.25',
    ]);
    expect((await core.handle('/stats 1', { owner: OWNER })).text.split('\n')[0]).toBe(
      'Your paper book · today (2026-11-25 IST)',
    );
  });

  it('gives an empty book a friendly line and no picture', async () => {
    const reply = await core.handle('/stats', { owner: 'telegram:3003' });
    expect(reply).toEqual({
      text:
        'Your book has no closed trades in the last 30 days (since 2026-10-27 IST), so there is nothing to ' +
        'measure yet. A trade counts once it is closed.',
    });
  });

  it('refuses a bad number of days with one line saying what is accepted', async () => {
    for (const bad of ['0', 'week', '2.5', '99999']) {
      const reply = await core.handle(`/stats ${bad}`, { owner: OWNER });
      expect(reply.error).toBe(true);
      expect(reply.text).toBe(
        `days "${bad}" is not accepted: give a whole number of days from 1 to 3650 (the last n IST calendar ` +
          'days, today included), e.g. 7; the default is 30',
      );
    }
  });

  it('is in /help with an example', async () => {
    const help = await core.handle('/help', { owner: OWNER });
    expect(help.text).toContain('/stats [days]');
    const command = createCommandRegistry().find('stats')!;
    expect(command.example).toBe('/stats 7');
    expect(command.summary.length).toBeLessThanOrEqual(100);
  });
});
