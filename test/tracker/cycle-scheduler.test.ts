import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { cronEvery } from '../../src/tracker/cycle-scheduler.ts';

describe('cronEvery', () => {
  it.each([
    [1, '* * * * * *'],
    [30, '*/30 * * * * *'],
    [60, '0 * * * * *'],
    [300, '0 */5 * * * *'],
  ])('%i s → %s, a valid node-cron expression', (seconds, expression) => {
    expect(cronEvery(seconds)).toBe(expression);
    expect(cron.validate(expression)).toBe(true);
  });
});
