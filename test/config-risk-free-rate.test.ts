import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

describe('RISK_FREE_RATE', () => {
  it('is a percentage, 10 by default, resolved to a fraction for IV and the Greeks', () => {
    expect(loadConfig({}).tracker.riskFreeRate).toBe(0.1);
    expect(loadConfig({ RISK_FREE_RATE: '6.5' }).tracker.riskFreeRate).toBeCloseTo(0.065, 12);
    expect(loadConfig({ RISK_FREE_RATE: '0' }).tracker.riskFreeRate).toBe(0);
  });

  it('refuses anything but a percentage from 0 to 50 with one line', () => {
    for (const bad of ['-1', '51', '0.1%', 'ten']) {
      expect(() => loadConfig({ RISK_FREE_RATE: bad })).toThrow(
        `config: RISK_FREE_RATE="${bad}" is invalid; expected a percentage from 0 to 50`,
      );
    }
  });
});
