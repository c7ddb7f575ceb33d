/**
 * history_at_ms: p50 ms of `GET /api/data/NSE?at=<instant>` at random instants over a 30-day
 * database (real HTTP, real SQLite), against the live `/api/data/NSE` through the same server.
 * heatmap_png_ms: p50 ms of a full day's /heatmap (the day's cycles recomputed, the PNG drawn),
 * against the chain table PNG.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import { ChainHistory } from '../../src/history/chain-history.ts';
import { startApiServer } from '../../src/http/api-server.ts';
import { chainJson } from '../../src/http/chain-json.ts';
import { historyRoutes } from '../../src/http/history-routes.ts';
import { MetricsRegistry } from '../../src/http/metrics.ts';
import { renderChainTable } from '../../src/render/chain-table-png.ts';
import { renderHeatmap } from '../../src/render/heatmap-png.ts';
import { mulberry32 } from '../../src/sim/random.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import { DAY_MS, istWallClock } from '../../src/util/ist.ts';
import { SNAPSHOT, WINDOWS } from '../../test/render/chain-fixture.ts';
import { tradingDays } from './db-bytes-30-days.ts';
import { writeTradingDays } from './recovery-load-day.ts';
import { p50Ms, type BenchResult } from './result.ts';

const AT_BAR_MS = 20;
const HEATMAP_BAR = 3;
const DAYS = tradingDays('2026-10-19', 30);
const LAST_DAY = DAYS.at(-1)!;
const RETENTION_DAYS = 30;

function thirtyDays(path: string): void {
  writeTradingDays(path, DAYS, RETENTION_DAYS);
}

export async function historyBenches(): Promise<Record<string, BenchResult>> {
  const dir = mkdtempSync(join(tmpdir(), 'oi-bench-history-'));
  const path = join(dir, 'oi-tracker.db');
  try {
    thirtyDays(path);
    const store = OiStore.open(path);
    const now = istWallClock(LAST_DAY, '16:00');
    const history = new ChainHistory({
      cycles: store.cycles(),
      now: () => now,
      retentionDays: RETENTION_DAYS,
      windows: WINDOWS,
    });
    const chains = parseChainSpecs(DEFAULT_CHAINS)!;
    const routes = historyRoutes(history, () => chains, WINDOWS);
    const server = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      metrics: new MetricsRegistry(),
      routes: routes.routes,
      source: {
        chains: () => chains,
        chainJson: () => chainJson(SNAPSHOT, WINDOWS, 1),
        pastChainJson: routes.pastChainJson,
        health: () => ({ database: { ok: true }, chains: {} }),
        onEvent: () => () => undefined,
      },
    });
    const kept = DAYS.filter((date) => istWallClock(date, '09:16') >= now - RETENTION_DAYS * DAY_MS);
    const random = mulberry32(5);
    const randomInstant = () => {
      const date = kept[Math.floor(random() * kept.length)]!;
      return istWallClock(date, '09:16') + Math.floor(random() * (374 * 60_000));
    };
    const get = async (route: string) => {
      const response = await fetch(`${server.url}${route}`);
      if (response.status !== 200) throw new Error(`${route}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const atMs = await p50Ms(() => get(`/api/data/NSE?at=${randomInstant()}`), 200, 20);
    const liveMs = await p50Ms(() => get('/api/data/NSE'), 200, 20);
    await server.close();

    const table = () => renderChainTable(SNAPSHOT, { windows: WINDOWS, dataAgeS: 1 });
    const heatmap = () => renderHeatmap(history.heatmap('NSE', undefined, LAST_DAY));
    await p50Ms(table, 3, 3);
    const heatmapMs = await p50Ms(heatmap, 15, 3);
    const tableMs = await p50Ms(table, 15, 3);
    store.close();
    return {
      history_at_ms: {
        value: Math.round(atMs * 100) / 100,
        unit: 'ms',
        baseline: Math.round(liveMs * 100) / 100,
        ratio: Math.round((liveMs / atMs) * 100) / 100,
        bar: `≤ ${AT_BAR_MS} ms`,
        pass: atMs <= AT_BAR_MS,
      },
      heatmap_png_ms: {
        value: Math.round(heatmapMs * 100) / 100,
        unit: 'ms',
        baseline: Math.round(tableMs * 100) / 100,
        ratio: Math.round((tableMs / heatmapMs) * 100) / 100,
        bar: `≤ ${HEATMAP_BAR}× baseline`,
        pass: heatmapMs <= HEATMAP_BAR * tableMs,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
