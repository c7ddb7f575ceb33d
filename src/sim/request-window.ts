/** Server-side rate limit as Kite applies it: at most `limit` requests in any trailing second. */
export class RequestWindow {
  private readonly times: number[] = [];

  constructor(readonly limit: number) {}

  /** Records a request at `now` and says whether it is within the limit (rejected ones do not count). */
  admit(now: number): boolean {
    while (this.times.length > 0 && now - this.times[0]! >= 1000) this.times.shift();
    if (this.times.length >= this.limit) return false;
    this.times.push(now);
    return true;
  }
}
