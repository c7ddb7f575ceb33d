/**
 * A simulated trading week (a warm-up day and five trading days) against the real daemon, printing
 * per-day figures: memory, retention, expiry roll, paper trades, alerts, per-token structures.
 *
 *   node --import tsx scripts/soak.ts [--speed 1600] [--days 5] [--seed N] [--expiries 1] [--no-restarts] [--json]
 *
 * The figures go to stderr as they come; `--json` also writes the whole report as one JSON line to
 * stdout (the soak test reads it). Takes about 15 s per simulated day at speed 1600.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { runTradingWeek } from '../test/soak/trading-week.ts';
import { formatWeekReport } from '../test/soak/week-report.ts';

/**
 * Memory is measured after `global.gc()`, and with glibc's mmap threshold fixed: by default it rises
 * to the largest block freed (a 13 MB PNG surface), after which such blocks come from the heap and
 * stay resident once freed, so RSS would swing by tens of MB with the timing of the last render.
 */
const MEASURING_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

if (typeof globalThis.gc !== 'function' || process.env.MALLOC_MMAP_THRESHOLD_ === undefined) {
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...MEASURING_ENV },
  });
  process.exit(child.status ?? 1);
}

const { values } = parseArgs({
  options: {
    speed: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    expiries: { type: 'string' },
    'no-restarts': { type: 'boolean' },
    json: { type: 'boolean' },
  },
});
const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

const report = await runTradingWeek({
  speed: number(values.speed),
  tradingDays: number(values.days),
  seed: number(values.seed),
  expiriesTracked: number(values.expiries),
  restarts: !values['no-restarts'],
  onDay: (day) =>
    process.stderr.write(
      `${day.date}: ${day.rounds} rounds, ${day.orders.placed} orders, rss ${mb(day.memory.rss)}\n`,
    ),
});
process.stderr.write(`\n${formatWeekReport(report)}\n`);
if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
