/**
 * `npm run bench`: the project's benchmarks, each against a baseline measured in the same run.
 * Prints a table and writes bench/results.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { alertLatency } from './bench/alert-latency.ts';
import { chainBurst50, chainPngBytes } from './bench/chain-png.ts';
import { commandChainP50 } from './bench/command-chain.ts';
import { cycleCompute } from './bench/cycle-compute.ts';
import { dbBytes30Days } from './bench/db-bytes-30-days.ts';
import { decodeVsKiteconnect } from './bench/decode-vs-kiteconnect.ts';
import { exitLatencyTicks } from './bench/exit-latency-ticks.ts';
import { historyBenches } from './bench/history.ts';
import { recoveryLoadDay } from './bench/recovery-load-day.ts';
import { renderChainPng } from './bench/render-chain-png.ts';
import { ruleReplay } from './bench/rule-replay.ts';
import { tickToMtm } from './bench/tick-to-mtm.ts';
import { benchReport, formatReport } from './bench/report.ts';
import type { BenchResult } from './bench/result.ts';
import { telegramChainRoundtrip } from './bench/telegram-chain-roundtrip.ts';

type Bench = () => BenchResult | Promise<BenchResult> | Promise<Record<string, BenchResult>>;

const benches: Record<string, Bench> = {
  decode_vs_kiteconnect: decodeVsKiteconnect,
  recovery_load_day: recoveryLoadDay,
  db_bytes_30_days: dbBytes30Days,
  cycle_compute: cycleCompute,
  exit_latency_ticks: exitLatencyTicks,
  tick_to_mtm_us: tickToMtm,
  render_chain_png: renderChainPng,
  history: historyBenches,
  rule_replay: () => ruleReplay(),
  command_chain_p50: commandChainP50,
  chain_png_bytes: chainPngBytes,
  chain_burst_50_p99_ms: chainBurst50,
  telegram_chain_roundtrip: telegramChainRoundtrip,
  alert_latency: alertLatency,
};

const results: Record<string, BenchResult> = {};
const isResult = (value: object): value is BenchResult => 'value' in value && 'unit' in value;
for (const [name, run] of Object.entries(benches)) {
  // Each bench starts on a collected heap, so no figure pays for the garbage of the ones before it.
  (globalThis as { gc?: () => void }).gc?.();
  const outcome = await run();
  // A bench may report several figures (e.g. p50 and p99), each under its own name.
  if (isResult(outcome)) results[name] = outcome;
  else Object.assign(results, outcome);
}

const report = benchReport(results);
console.log(formatReport(report));
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', `${JSON.stringify(report, null, 2)}\n`);
console.log('\nwrote bench/results.json');
if (report.benchmarks.some((row) => row.pass === false)) process.exitCode = 1;
