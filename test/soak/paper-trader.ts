import type { Daemon } from '../../src/daemon.ts';

/** tp/sl points: tight ones exit within a tick or two, wide ones stay for a manual exit or the square-off. */
const TIGHT_POINTS = 3;
const WIDE_POINTS = 5000;
const WIDE_SHARE = 0.2;
const MANUAL_EXIT_SHARE = 0.3;

export interface TraderCounts {
  placed: number;
  refused: number;
  manualExits: number;
  exitRefused: number;
  queries: number;
  /** The first few refusals, to tell a product problem from an expected one (e.g. no fresh price yet). */
  refusals: string[];
}

/** mulberry32: a small seeded generator, so two soak runs trade alike. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Paper-trades through the command core as chat users would: `/buy` and `/sell` of options in the
 * window with tight tp/sl (most exit on a tick), some wide ones closed by `/exit <id>` or left to the
 * square-off, and the read-only commands in between.
 */
export class PaperTrader {
  readonly counts: TraderCounts = {
    placed: 0,
    refused: 0,
    manualExits: 0,
    exitRefused: 0,
    queries: 0,
    refusals: [],
  };
  private readonly random: () => number;
  private readonly wide: { owner: string; id: string }[] = [];
  private steps = 0;

  constructor(
    private daemon: Daemon,
    private readonly owners: readonly string[],
    seed: number,
  ) {
    this.random = seeded(seed);
  }

  /** After a restart the trader carries on against the new daemon; wide positions reloaded stay exitable. */
  use(daemon: Daemon): void {
    this.daemon = daemon;
  }

  /** One order, sometimes a manual exit, and a couple of read-only commands. */
  async step(): Promise<void> {
    const owner = this.owners[this.steps % this.owners.length]!;
    const tracker =
      this.daemon.trackers[Math.floor(this.steps / this.owners.length) % this.daemon.trackers.length]!;
    this.steps++;
    const priced = tracker.tradableOptions().filter((option) => tracker.latestPrice(option.token) !== null);
    if (priced.length > 0) {
      const option = priced[Math.floor(this.random() * priced.length)]!;
      const side = this.random() < 0.5 ? 'buy' : 'sell';
      const wide = this.random() < WIDE_SHARE;
      const points = wide ? WIDE_POINTS : TIGHT_POINTS;
      const qty = option.lotSize * (1 + Math.floor(this.random() * 3));
      const reply = await this.daemon.commands.handle(
        `/${side} ${tracker.spec.id} ${option.strike}${option.type} ${qty} tp=${points} sl=${points}`,
        { owner },
      );
      const id = reply.text.match(/^(\w+_P\d+):/)?.[1];
      if (reply.error || !id) this.refuse(reply.text);
      else {
        this.counts.placed++;
        if (wide) this.wide.push({ owner, id });
      }
    }
    if (this.wide.length > 0 && this.random() < MANUAL_EXIT_SHARE) {
      const { owner: holder, id } = this.wide.shift()!;
      const reply = await this.daemon.commands.handle(`/exit ${id}`, { owner: holder });
      if (reply.error) this.counts.exitRefused++;
      else this.counts.manualExits++;
    }
    await this.daemon.commands.handle('/positions', { owner });
    await this.daemon.commands.handle('/pnl', { owner });
    this.counts.queries += 2;
  }

  /** Once a day: the commands that render (PNG table, charts) and the status. */
  async dailyQueries(): Promise<void> {
    const owner = this.owners[0]!;
    for (const command of ['/chain NSE', '/chain BSE', '/oi NSE', '/pcr BSE', '/status']) {
      const reply = await this.daemon.commands.handle(command, { owner });
      if (reply.error) this.refuse(`${command}: ${reply.text}`);
      this.counts.queries++;
    }
  }

  /** Square-off closes what is left; forget the wide positions of the day. */
  endOfDay(): void {
    this.wide.length = 0;
  }

  private refuse(text: string): void {
    this.counts.refused++;
    if (this.counts.refusals.length < 10) this.counts.refusals.push(text);
  }
}
