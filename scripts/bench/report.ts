import { cpus, totalmem } from 'node:os';
import type { BenchResult } from './result.ts';

export interface ReportRow {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  bar: string | null;
  pass: boolean | null;
}

export interface BenchReport {
  generated_at: string;
  machine: { cpu: string; cores: number; memory_gb: number; node: string; platform: string };
  benchmarks: ReportRow[];
}

/** Two decimals, or three significant digits below 1 (a /help through the core takes microseconds). */
const round = (value: number) =>
  Math.abs(value) >= 1 || value === 0 ? Math.round(value * 100) / 100 : Number(value.toPrecision(3));

export function benchReport(results: Record<string, BenchResult>, at = new Date()): BenchReport {
  return {
    generated_at: at.toISOString(),
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memory_gb: round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    benchmarks: Object.entries(results).map(([name, result]) => ({
      name,
      value: round(result.value),
      unit: result.unit,
      baseline: result.baseline === undefined ? null : round(result.baseline),
      ratio: result.ratio === undefined ? null : round(result.ratio),
      bar: result.bar ? result.bar : null,
      pass: result.pass ?? null,
    })),
  };
}

const number = (value: number) =>
  value.toLocaleString(
    'en-US',
    Math.abs(value) >= 1 || value === 0 ? { maximumFractionDigits: 2 } : { maximumSignificantDigits: 3 },
  );

/** One aligned text table: name, value, unit, baseline, ratio, bar, pass/fail. */
export function formatReport(report: BenchReport): string {
  const header = ['name', 'value', 'unit', 'baseline', 'ratio', 'bar', 'result'];
  const cells = report.benchmarks.map((row) => [
    row.name,
    number(row.value),
    row.unit,
    row.baseline === null ? '—' : number(row.baseline),
    row.ratio === null ? '—' : `${number(row.ratio)}×`,
    row.bar ?? '—',
    row.pass === null ? '—' : row.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((row) => row[i]!.length)));
  const numeric = new Set([1, 3, 4]);
  const line = (row: string[]) =>
    row.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  const { machine } = report;
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
    '',
    `${machine.cpu} · ${machine.cores} cores · ${machine.memory_gb} GB · Node ${machine.node} · ${report.generated_at}`,
  ].join('\n');
}
