/** What a soak run measured: one row per trading day and the week's totals; printed by `scripts/soak.ts`. */

export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface RetentionRun {
  /** IST date of the 03:00 run. */
  date: string;
  /** Epoch ms before which data goes. */
  cutoff: number;
  removed: { observations: number; underlying: number; instruments: number } | null;
  /** Epoch ms of the oldest observation / underlying snapshot left, or null when none. */
  oldestObservation: number | null;
  oldestUnderlying: number | null;
}

export interface ChainDay {
  cycles: number;
  liveSnapshots: number;
  /** The chain's expiry after the day's first and last cycle. */
  firstExpiry: string | null;
  lastExpiry: string | null;
  /** Oldest OI point held in memory right after the day's first cycle (epoch ms), or null. */
  oldestPointAfterFirstCycle: number | null;
  /**
   * Rows of the day's first snapshot with a 5-minute OI change whose base is no longer in the history
   * once the cycle is done: a base from before the open, i.e. from the previous trading day.
   */
  changesAgainstPreviousDay: number;
  /** Tokens with OI history in memory at the day's end. */
  historyTokens: number;
  /** Tokens of the chain (any expiry) the tracker still holds a live price for. */
  livePrices: number;
  /** Tokens of the expiries before the current one that still hold a live price. */
  expiredLivePrices: number;
  tradableOptions: number;
  snapshotListeners: number;
}

export interface DayFigures {
  date: string;
  warmup: boolean;
  rounds: number;
  chains: Record<string, ChainDay>;
  retention: RetentionRun[];
  /** The ticker's subscribed tokens (from /healthz) after the last cycle. */
  subscribed: number;
  trackedBreaches: number;
  alertListeners: number;
  /** Timers pending in this process (the daemon's schedules, the harness's own): flat unless stops leak them. */
  activeTimers: number;
  orders: { placed: number; refused: number; manualExitCommands: number };
  /** Positions closed today by reason (from the store), and those still open after the square-off. */
  closed: { target: number; stop: number; manual: number; squareOff: number };
  openAfterSquareOff: number;
  alerts: Record<string, number>;
  restart?: { kind: 'same-day' | 'next-morning'; historyTokensAtStart: number; historicalCalls?: number };
  memory: MemoryFigures;
  simRss: number;
}

export interface WeekReport {
  settings: {
    seed: number;
    speed: number;
    /** SIM_SPEED of the warm-up day. */
    warmupSpeed: number;
    tickIntervalMs: number;
    retentionDays: number;
    refreshIntervalSeconds: number;
    strikesEachSide: number;
  };
  days: DayFigures[];
  totals: {
    rounds: number;
    ordersPlaced: number;
    autoExits: number;
    manualExits: number;
    squaredOff: number;
    alerts: Record<string, number>;
    retentionRemoved: { observations: number; underlying: number; instruments: number };
  };
  memory: {
    afterWarmup: MemoryFigures;
    end: MemoryFigures;
    rssGrowthPct: number;
    heapGrowthPct: number;
    gcExposed: boolean;
  };
  /** Rows left in the store at the end. */
  store: { observations: number; underlying: number; expiries: string[]; positions: number };
  /** The first few orders the command core refused, with its answer. */
  orderRefusals: string[];
  /** Warnings and errors the daemon logged (first few) and how many. */
  log: { warnings: number; errors: number; first: string[] };
  wallSeconds: number;
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const rows = (removed: RetentionRun['removed']) =>
  removed
    ? [
        `${removed.observations} observations`,
        `${removed.underlying} snapshots`,
        `${removed.instruments} instruments`,
      ].join(', ')
    : 'FAILED';

function chainLine(id: string, chain: ChainDay): string {
  return [
    `  ${id}: ${chain.cycles} cycles (${chain.liveSnapshots} live)`,
    `expiry ${chain.firstExpiry} → ${chain.lastExpiry}`,
    `history ${chain.historyTokens} tokens`,
    `live prices ${chain.livePrices} (${chain.expiredLivePrices} expired)`,
    `first-cycle changes against the previous day ${chain.changesAgainstPreviousDay}`,
  ].join(', ');
}

function dayLines(day: DayFigures): string[] {
  const lines = [
    `${day.date}${day.warmup ? ' (warm-up)' : ''}: ${day.rounds} rounds, rss ${mb(day.memory.rss)}, ` +
      `heap ${mb(day.memory.heapUsed)}, simulator rss ${mb(day.simRss)}`,
  ];
  for (const run of day.retention) lines.push(`  retention ${run.date} 03:00: removed ${rows(run.removed)}`);
  if (day.restart) {
    const calls = day.restart.historicalCalls;
    lines.push(
      `  restart (${day.restart.kind}): ${day.restart.historyTokensAtStart} tokens of history at start` +
        (calls === undefined ? '' : `, ${calls} historical calls after`),
    );
  }
  for (const [id, chain] of Object.entries(day.chains)) lines.push(chainLine(id, chain));
  const { closed } = day;
  lines.push(
    `  orders ${day.orders.placed} (refused ${day.orders.refused}); closed: target ${closed.target}, ` +
      `stop ${closed.stop}, manual ${closed.manual}, square-off ${closed.squareOff}; ` +
      `open after square-off ${day.openAfterSquareOff}`,
  );
  lines.push(
    `  subscribed ${day.subscribed}, breach keys ${day.trackedBreaches}, timers ${day.activeTimers}, ` +
      `alerts ${JSON.stringify(day.alerts)}`,
  );
  return lines;
}

/** The figures as a few readable lines per day and a summary. */
export function formatWeekReport(report: WeekReport): string {
  const { settings, memory, totals, store, log } = report;
  const lines = [
    `soak: seed ${settings.seed}, SIM_SPEED ${settings.speed}, tick every ${settings.tickIntervalMs} ms, ` +
      `RETENTION_DAYS ${settings.retentionDays}, refresh ${settings.refreshIntervalSeconds} s`,
  ];
  for (const day of report.days) lines.push('', ...dayLines(day));
  lines.push(
    '',
    `rss after warm-up ${mb(memory.afterWarmup.rss)}, at the end ${mb(memory.end.rss)}: ` +
      `${memory.rssGrowthPct.toFixed(1)}% (heap ${memory.heapGrowthPct.toFixed(1)}%)` +
      (memory.gcExposed ? '' : ' [no global.gc: run with --expose-gc]'),
    `totals: ${totals.rounds} rounds, ${totals.ordersPlaced} orders, ${totals.autoExits} auto-exits, ` +
      `${totals.manualExits} manual exits, ${totals.squaredOff} squared off`,
    `alerts: ${JSON.stringify(totals.alerts)}`,
    `retention removed ${rows(totals.retentionRemoved)}`,
    `store keeps ${store.observations} observations, expiries ${store.expiries.join(', ')}`,
    ...report.orderRefusals.map((line) => `refused: ${line}`),
    `log: ${log.warnings} warnings, ${log.errors} errors; wall time ${report.wallSeconds.toFixed(0)} s`,
    ...log.first.map((line) => `  ${line}`),
  );
  return lines.join('\n');
}
