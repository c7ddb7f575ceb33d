import { describe, expect, it } from 'vitest';
import { CommandCore } from '../../src/commands/command-core.ts';
import { greeksTextTable } from '../../src/render/greeks-table.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';
import { SNAPSHOT } from '../render/chain-fixture.ts';

const viewer = { owner: 'telegram:1001' };

function core(snapshot: ChainSnapshot, lotSize: number | null = 75): CommandCore {
  return new CommandCore(
    fakeCommandContext({
      access: 'telegram:1001=viewer',
      snapshot: async (chainId) => (chainId === 'NSE' ? { snapshot, dataAgeS: 1.2 } : null),
      lotSize: () => lotSize,
    }),
  );
}

describe('/greeks through the command core', () => {
  it('answers the table PNG, the text table and the ATM summary per unit and per lot', async () => {
    const reply = await core(SNAPSHOT).handle('/greeks NSE', viewer);
    expect(reply.error).toBeUndefined();
    // The fixture's ATM 25600: IV 12.40 both sides, theta −11.125 each: straddle −22.25 a unit, ×75 = −1,668.75.
    expect(reply.text).toBe(
      'NSE Greeks · NIFTY 50 25612.35 · expiry 2026-12-01 · ATM 25600 · ATM IV 12.40% · ' +
        'ATM straddle theta -22.25/day per unit, -1,668.75/day per lot of 75 · Live · 14:30:15 IST',
    );
    expect(reply.image).toMatchObject({ filename: 'greeks-NSE.png' });
    const png = reply.image!.png;
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.length).toBeLessThan(150 * 1024);
    expect(reply.buttons).toEqual([[{ label: 'Refresh', command: '/greeks NSE' }]]);
  });

  it('keeps every row in the text table: calls mirrored left, strike, puts right', async () => {
    const reply = await core(SNAPSHOT).handle('/greeks', viewer);
    const lines = reply.table!.split('\n');
    expect(lines[0]!.trim().split(/\s+/)).toEqual([
      'VEGA',
      'THETA',
      'GAMMA',
      'DELTA',
      'IV%',
      'STRIKE',
      'IV%',
      'DELTA',
      'GAMMA',
      'THETA',
      'VEGA',
    ]);
    expect(lines).toHaveLength(1 + SNAPSHOT.calls.length);
    // 25600 (i = 5): call delta 0.9123 − 0.40 = 0.5123, put −0.0877 − 0.40 = −0.4877; gamma 0.000412 + 5 × 0.0000513.
    expect(lines[6]!.trim().split(/\s+/)).toEqual([
      '12.13',
      '-11.13',
      '0.000669',
      '0.5123',
      '12.40',
      '*',
      '25600',
      '12.40',
      '-0.4877',
      '0.000669',
      '-11.13',
      '12.13',
    ]);
    expect(reply.table).toBe(greeksTextTable(SNAPSHOT));
  });

  it('shows N/A where IV (so every Greek) is unknown, and no per-lot figure without a lot size', async () => {
    const unknown = { iv: null, delta: null, gamma: null, theta: null, vega: null };
    const snapshot: ChainSnapshot = {
      ...SNAPSHOT,
      calls: SNAPSHOT.calls.map((row) => (row.strike === 25_600 ? { ...row, ...unknown } : row)),
    };
    const reply = await core(snapshot, null).handle('/greeks NSE', viewer);
    expect(reply.text).toContain('ATM IV 12.40% · ATM straddle theta N/A (no IV at ATM)');
    expect(reply.table!.split('\n')[6]!.trim().split(/\s+/).slice(0, 5)).toEqual([
      'N/A',
      'N/A',
      'N/A',
      'N/A',
      'N/A',
    ]);
    const withoutLot = await core(SNAPSHOT, null).handle('/greeks NSE', viewer);
    expect(withoutLot.text).toContain('ATM straddle theta -22.25/day per unit · Live');
  });

  it('refuses an unknown chain and waits for data like /chain', async () => {
    expect((await core(SNAPSHOT).handle('/greeks NASDAQ', viewer)).text).toMatch(/^Unknown chain "NASDAQ"/);
    expect((await core(SNAPSHOT).handle('/greeks BSE', viewer)).text).toBe(
      'BSE has no data yet: the tracker is starting. Try again in a minute.',
    );
  });
});
