import { describe, expect, it } from 'vitest';
import { chainTextTable, TEXT_LIMIT } from '../../src/render/chain-text-table.ts';
import { SNAPSHOT, STRIKES, WINDOWS } from './chain-fixture.ts';

describe('chainTextTable', () => {
  const table = chainTextTable(SNAPSHOT, WINDOWS);
  const lines = table.split('\n');

  it('fits one chat message and has a header, the column labels and every strike', () => {
    expect(table.length).toBeLessThan(TEXT_LIMIT);
    expect(lines).toHaveLength(3 + STRIKES.length);
    expect(lines.at(-1)).toContain('! OI breach');
    expect(lines[0]).toBe(
      'NSE NIFTY 50 25612.35 · ATM 25600 · PCR 0.88 · MaxPain 25500 · 14:30:15 IST · Live',
    );
    expect(lines[1]).toMatch(/CE OI\s+5M%\s+LTP \|\s+STRIKE \|\s+LTP\s+5M%\s+PE OI/);
    STRIKES.forEach((strike, i) => expect(lines[2 + i]).toContain(String(strike)));
  });

  it('marks the ATM strike, the breach and unknown changes, with OI in lakhs', () => {
    expect(lines.slice(2, -1).filter((line) => line.includes('*'))).toEqual([
      expect.stringContaining('*25600'),
    ]);
    expect(lines.slice(2).find((line) => line.includes('25700'))).toMatch(/!/);
    expect(lines.slice(2).find((line) => line.includes('25500'))).toMatch(/N\/A.*25500.*N\/A/);
    expect(lines[2]).toMatch(/^\s*12\.35L\s+-8\.50\s+420\.50 \|\s+25350 \|/);
  });

  it('keeps every row the same width, so the columns line up', () => {
    const widths = new Set(lines.slice(1, -1).map((line) => line.length));
    expect(widths.size).toBe(1);
  });
});
