import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { istDateOf, istWallClock, istWeekday } from '../util/ist.ts';

const OPEN = '09:15';
const CLOSE = '15:30';

/** Exchange trading days and hours in IST: Monday to Friday, 09:15–15:30, holidays excluded. */
export class MarketCalendar {
  /**
   * @param file where the holiday list was read from, for messages asking to update it
   */
  constructor(
    private readonly holidays: ReadonlyMap<string, string>,
    readonly file?: string,
  ) {}

  static fromFile(path: URL | string = new URL('./nse-holidays.json', import.meta.url)): MarketCalendar {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { holidays: Record<string, string> };
    const file = path instanceof URL ? fileURLToPath(path) : path;
    return new MarketCalendar(new Map(Object.entries(data.holidays)), file);
  }

  /** The holiday's name when `date` (YYYY-MM-DD) is an exchange holiday. */
  holiday(date: string): string | undefined {
    return this.holidays.get(date);
  }

  /** Whether the list has any holiday in `year` (YYYY); without one every weekday counts as trading. */
  listsYear(year: string): boolean {
    for (const date of this.holidays.keys()) if (date.startsWith(`${year}-`)) return true;
    return false;
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
