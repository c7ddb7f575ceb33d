import { describe, expect, it } from 'vitest';
import { formatAge, formatChange, formatOi, formatPct, formatPrice } from '../../src/render/oi-format.ts';

describe('number formats', () => {
  it('shows OI in lakhs or thousands', () => {
    expect(formatOi(1_234_500)).toBe('12.35L');
    expect(formatOi(100_000)).toBe('1.00L');
    expect(formatOi(85_200)).toBe('85.2K');
    expect(formatOi(750)).toBe('750');
    expect(formatOi(null)).toBe('N/A');
  });

  it('shows changes with a sign and 2 decimals, N/A when unknown', () => {
    expect(formatChange(2.1)).toBe('+2.10');
    expect(formatChange(-3.3)).toBe('-3.30');
    expect(formatChange(0.001)).toBe('0.00');
    expect(formatChange(null)).toBe('N/A');
    expect(formatChange(Number.NaN)).toBe('N/A');
    expect(formatPct(26.4)).toBe('+26.40%');
  });

  it('shows prices and data age', () => {
    expect(formatPrice(25_612.35)).toBe('25612.35');
    expect(formatPrice(null)).toBe('N/A');
    expect(formatAge(1.24)).toBe('1.2s');
    expect(formatAge(185)).toBe('3m 05s');
    expect(formatAge(null)).toBe('N/A');
  });
});
