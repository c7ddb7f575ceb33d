import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { TickerClient } from '../kite/ticker-client.ts';
import type { ChainTracker } from '../tracker/chain-tracker.ts';

/** The daemon's Prometheus metrics, on a registry of its own (no global state). */
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly ticks = new Counter({
    name: 'oi_tracker_ticks_total',
    help: 'Ticks decoded from the Kite ticker',
    registers: [this.registry],
  });
  readonly skippedPackets = new Gauge({
    name: 'oi_tracker_skipped_packets',
    help: 'Malformed ticker packets skipped, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly cycles = new Counter({
    name: 'oi_tracker_cycles_total',
    help: 'Analytics cycles run, by chain and outcome',
    labelNames: ['chain', 'outcome'],
    registers: [this.registry],
  });
  readonly cycleSeconds = new Gauge({
    name: 'oi_tracker_cycle_duration_seconds',
    help: 'Duration of the last cycle, by chain',
    labelNames: ['chain'],
    registers: [this.registry],
  });
  readonly dataAge = new Gauge({
    name: 'oi_tracker_data_age_seconds',
    help: 'Seconds since the last option tick, by chain',
    labelNames: ['chain'],
    registers: [this.registry],
  });
  readonly chainPngRenders = new Counter({
    name: 'oi_tracker_chain_png_renders_total',
    help: 'PNG replies rendered (each is reused while its published snapshot stands), by chain and kind (chain, oi, pcr, greeks, iv)',
    labelNames: ['chain', 'kind'],
    registers: [this.registry],
  });
  readonly tickerConnections = new Gauge({
    name: 'oi_tracker_ticker_connections',
    help: 'Open ticker WebSocket connections',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Samples the gauges every `intervalMs` until the returned function is called. */
  sampleEvery(
    intervalMs: number,
    ticker: Pick<TickerClient, 'connectedCount' | 'decodeStats'>,
    trackers: readonly Pick<ChainTracker, 'spec' | 'dataAgeSeconds'>[],
  ): () => void {
    const timer = setInterval(() => this.sample(ticker, trackers), intervalMs);
    return () => clearInterval(timer);
  }

  /** Reads the gauges off the ticker and the trackers. */
  sample(
    ticker: Pick<TickerClient, 'connectedCount' | 'decodeStats'>,
    trackers: readonly Pick<ChainTracker, 'spec' | 'dataAgeSeconds'>[],
  ): void {
    this.tickerConnections.set(ticker.connectedCount);
    for (const tracker of trackers) {
      const age = tracker.dataAgeSeconds();
      if (age !== null) this.dataAge.set({ chain: tracker.spec.id }, age);
    }
    const stats = ticker.decodeStats;
    this.skippedPackets.set({ reason: 'truncated_frame' }, stats.truncatedFrames);
    this.skippedPackets.set({ reason: 'overrun' }, stats.overrunPackets);
    this.skippedPackets.set({ reason: 'unknown_size' }, stats.unknownSizePackets);
  }
}
