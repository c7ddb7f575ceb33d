/**
 * Running per-minute aggregates of one instrument over one IST day, filled lazily up to the latest
 * minute asked for, so day high/low, volume and VWAP cost O(1) per quote after the first.
 */

export interface MinuteSample {
  /** Last traded price of the minute. */
  close: number;
  /** Open interest at the minute's end (0 for indices). */
  oi: number;
  volume: number;
}

export interface DayTotals {
  high: number;
  low: number;
  oiHigh: number;
  oiLow: number;
  volume: number;
  turnover: number;
}

const MINUTES_PER_DAY = 1440;

export class DaySeries {
  private readonly sample: (minute: number) => MinuteSample;
  private readonly high = new Float64Array(MINUTES_PER_DAY);
  private readonly low = new Float64Array(MINUTES_PER_DAY);
  private readonly oiHigh = new Float64Array(MINUTES_PER_DAY);
  private readonly oiLow = new Float64Array(MINUTES_PER_DAY);
  private readonly volume = new Float64Array(MINUTES_PER_DAY);
  private readonly turnover = new Float64Array(MINUTES_PER_DAY);
  private filled = 0;

  /** `sample(m)` describes minute m of the day (0 = 00:00 IST). */
  constructor(sample: (minute: number) => MinuteSample) {
    this.sample = sample;
  }

  /** Aggregates over minutes [0, minuteCount), or null when minuteCount is 0. */
  totalsBefore(minuteCount: number): DayTotals | null {
    const count = Math.min(Math.max(0, Math.floor(minuteCount)), MINUTES_PER_DAY);
    this.fillTo(count);
    if (count === 0) return null;
    const i = count - 1;
    return {
      high: this.high[i] ?? 0,
      low: this.low[i] ?? 0,
      oiHigh: this.oiHigh[i] ?? 0,
      oiLow: this.oiLow[i] ?? 0,
      volume: this.volume[i] ?? 0,
      turnover: this.turnover[i] ?? 0,
    };
  }

  private fillTo(count: number): void {
    for (let m = this.filled; m < count; m++) {
      const { close, oi, volume } = this.sample(m);
      const previous = m - 1;
      const hasPrevious = previous >= 0;
      this.high[m] = hasPrevious ? Math.max(this.high[previous] ?? close, close) : close;
      this.low[m] = hasPrevious ? Math.min(this.low[previous] ?? close, close) : close;
      this.oiHigh[m] = hasPrevious ? Math.max(this.oiHigh[previous] ?? oi, oi) : oi;
      this.oiLow[m] = hasPrevious ? Math.min(this.oiLow[previous] ?? oi, oi) : oi;
      this.volume[m] = (hasPrevious ? (this.volume[previous] ?? 0) : 0) + volume;
      this.turnover[m] = (hasPrevious ? (this.turnover[previous] ?? 0) : 0) + volume * close;
    }
    this.filled = Math.max(this.filled, count);
  }
}
