import { describe, expect, it } from 'vitest';
import { MarketCalendar } from '../../src/calendar/market-hours.ts';
import { istWallClock } from '../../src/util/ist.ts';

const calendar = MarketCalendar.fromFile();

describe('MarketCalendar', () => {
  it('is open 09:15–15:30 IST on a trading day, whatever the machine’s time zone', () => {
    expect(calendar.isOpen(istWallClock('2026-11-25', '09:14:59'))).toBe(false);
    expect(calendar.isOpen(istWallClock('2026-11-25', '09:15'))).toBe(true);
    expect(calendar.isOpen(istWallClock('2026-11-25', '15:30'))).toBe(true);
    expect(calendar.isOpen(istWallClock('2026-11-25', '15:30:01'))).toBe(false);
  });

  it('is closed at weekends and on exchange holidays from the data file', () => {
    expect(calendar.isOpen(istWallClock('2026-11-28', '11:00'))).toBe(false); // Saturday
    expect(calendar.isOpen(istWallClock('2026-11-29', '11:00'))).toBe(false); // Sunday
    expect(calendar.holiday('2026-12-25')).toBe('Christmas');
    expect(calendar.isOpen(istWallClock('2026-12-25', '11:00'))).toBe(false);
    expect(calendar.isTradingDay('2026-12-24')).toBe(true);
  });
});
