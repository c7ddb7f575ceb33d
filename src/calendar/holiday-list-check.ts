import type { Logger } from '../log.ts';
import { istDateOf } from '../util/ist.ts';
import type { MarketCalendar } from './market-hours.ts';

/**
 * Warns when the holiday list has no entries for the current IST year: the exchanges publish each
 * year's list in December, and until someone adds it every holiday is taken for a trading day.
 * At most one warning per IST day, however often it runs.
 */
export class HolidayListCheck {
  private warnedOn: string | undefined;

  constructor(
    private readonly calendar: MarketCalendar,
    private readonly logger: Logger,
  ) {}

  /** Checks the year of `nowMs` (IST); true when it warned. */
  run(nowMs: number): boolean {
    const today = istDateOf(nowMs);
    const year = today.slice(0, 4);
    if (this.calendar.listsYear(year) || this.warnedOn === today) return false;
    this.warnedOn = today;
    const file = this.calendar.file ?? 'the holiday list';
    this.logger.warn(
      { year: Number(year), file },
      `no exchange holidays listed for ${year}: add the NSE/BSE holiday list for ${year} to ${file} ` +
        'and restart; until then every weekday counts as a trading day',
    );
    return true;
  }
}
