import { readFileSync } from 'node:fs';
import { istDateOf, istWallClock, istWeekday } from '../util/ist.ts';

const OPEN = '09:15';
const CLOSE = '15:30';

/** Exchange trading days and hours in IST: Monday to Friday, 09:15–15:30, holidays excluded. */
export class MarketCalendar {
  constructor(private readonly holidays: ReadonlyMap<string, string>) {}

  static fromFile(path = new URL('./nse-holidays.json', import.meta.url)): MarketCalendar {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { holidays: Record<string, string> };
    return new MarketCalendar(new Map(Object.entries(data.holidays)));
  }

  /** The holiday's name when `date` (YYYY-MM-DD) is an exchange holiday. */
  holiday(date: string): string | undefined {
    return this.holidays.get(date);
  }

  isTradingDay(date: string): boolean {
    const weekday = istWeekday(date);
    return weekday >= 1 && weekday <= 5 && !this.holidays.has(date);
  }

  isOpen(nowMs: number): boolean {
    const today = istDateOf(nowMs);
    return (
      this.isTradingDay(today) && nowMs >= istWallClock(today, OPEN) && nowMs <= istWallClock(today, CLOSE)
    );
  }
}
