import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, DeliveryProgress, Notifier } from '../../src/alerts/alert.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import { stopLossExit, testAlertEngine } from '../support/alert-engine.ts';
import { waitFor } from '../support/wait-for.ts';

const MINUTE = 60_000;
const stores: OiStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

/** Delivers to the targets it is given; `down` targets fail. Records each (alert, target) it sent. */
class TargetNotifier implements Notifier {
  readonly sent: { id: string; kind: string; target: string }[] = [];
  readonly seenInOutbox: boolean[] = [];
  down = new Set<string>();
  /** Calls that fail outright before the notifier works. */
  failTimes = 0;
  constructor(
    readonly name: string,
    private readonly targets: string[],
    private readonly dbPath?: string,
  ) {}

  async notify(alert: Alert, progress?: DeliveryProgress): Promise<void> {
    if (this.dbPath) this.seenInOutbox.push(outboxRow(this.dbPath, alert.id) !== undefined);
    if (this.failTimes-- > 0) throw new Error('down');
    const failed: string[] = [];
    for (const target of this.targets) {
      if (progress?.has(target)) continue;
      if (this.down.has(target)) {
        failed.push(target);
        continue;
      }
      this.sent.push({ id: alert.id, kind: alert.kind, target });
      progress?.delivered(target);
    }
    if (failed.length > 0) throw new Error(`down: ${failed.join(', ')}`);
  }
}

function outboxRow(dbPath: string, id: string): { finished: number; image: Buffer | null } | undefined {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT finished, image FROM alert_outbox WHERE id = ?').get(id) as
      { finished: number; image: Buffer | null } | undefined;
  } finally {
    db.close();
  }
}

function open(dbPath: string): OiStore {
  const store = OiStore.open(dbPath);
  stores.push(store);
  return store;
}

const newDbPath = () => path.join(mkdtempSync(path.join(tmpdir(), 'oi-outbox-')), 'oi.db');

function logCapture() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

function engineOn(
  store: OiStore,
  clock: { now: number },
  extra: Partial<Parameters<typeof testAlertEngine>[0]> = {},
) {
  return testAlertEngine({
    outbox: store.alertOutbox(),
    now: () => clock.now,
    redeliveryDelaysMs: [],
    maxAgeMinutes: 10,
    ...extra,
  });
}

describe('the alert outbox', () => {
  it('writes every alert before any notifier sees it, and finishes it (PNG dropped) once all are done', async () => {
    const dbPath = newDbPath();
    const store = open(dbPath);
    const clock = { now: Date.parse('2026-11-25T10:00:00+05:30') };
    const first = new TargetNotifier('first', ['a'], dbPath);
    const second = new TargetNotifier('second', ['b'], dbPath);
    const engine = engineOn(store, clock, { notifiers: [first, second], notifierGraceMs: 0 });
    engine.onPositionClosed(stopLossExit('telegram:1001'));
    await engine.idle();
    expect(first.seenInOutbox).toEqual([true]);
    expect(second.seenInOutbox).toEqual([true]);
    const id = first.sent[0]!.id;
    expect(outboxRow(dbPath, id)).toEqual({ finished: 1, image: null });
    await engine.stop();
  });

  it('after a restart delivers what is pending: the auto-exit always, a breach only while younger than the limit', async () => {
    const dbPath = newDbPath();
    const clock = { now: Date.parse('2026-11-25T10:00:00+05:30') };
    let store = open(dbPath);
    const down = new TargetNotifier('ntfy', ['topic']);
    down.down.add('topic');
    const engine = engineOn(store, clock, { notifiers: [down] });
    engine.onPositionClosed(stopLossExit('telegram:1001'));
    const young = { ...breachLike(clock.now - 2 * MINUTE), id: 'oi_breach-young' };
    const old = { ...breachLike(clock.now - 11 * MINUTE), id: 'oi_breach-old' };
    store.alertOutbox().add(young, clock.now);
    store.alertOutbox().add(old, clock.now);
    await engine.stop();
    store.close();

    clock.now += 30_000;
    store = open(dbPath);
    const { logger, lines } = logCapture();
    const up = new TargetNotifier('ntfy', ['topic']);
    const restarted = engineOn(store, clock, { logger, notifiers: [up] });
    await restarted.idle();
    expect(up.sent.map((sent) => sent.kind).sort()).toEqual(['auto_exit', 'oi_breach']);
    expect(up.sent.find((sent) => sent.kind === 'oi_breach')!.id).toBe('oi_breach-young');
    expect(lines.some((line) => line.includes('alert dropped') && line.includes('oi_breach-old'))).toBe(true);
    // Nothing is owed any more: a third start sends nothing.
    await restarted.stop();
    store.close();
    store = open(dbPath);
    const third = new TargetNotifier('ntfy', ['topic']);
    await engineOn(store, clock, { notifiers: [third] }).idle();
    expect(third.sent).toEqual([]);
  });

  it('marks each target: a restart sends only to the targets that did not get the alert', async () => {
    const dbPath = newDbPath();
    const clock = { now: Date.parse('2026-11-25T10:00:00+05:30') };
    let store = open(dbPath);
    const partial = new TargetNotifier('telegram', ['1001', '2002', '3003']);
    partial.down.add('2002');
    const engine = engineOn(store, clock, { notifiers: [partial] });
    engine.onSessionExpired('TokenException');
    await engine.stop();
    expect(partial.sent.map((sent) => sent.target)).toEqual(['1001', '3003']);
    store.close();

    store = open(dbPath);
    const again = new TargetNotifier('telegram', ['1001', '2002', '3003']);
    await engineOn(store, clock, { notifiers: [again] }).idle();
    expect(again.sent.map((sent) => sent.target)).toEqual(['2002']);
  });

  it('keeps redelivering in the same run, and a notifier that registers late gets what was written before', async () => {
    const dbPath = newDbPath();
    const clock = { now: Date.parse('2026-11-25T10:00:00+05:30') };
    const store = open(dbPath);
    const flaky = new TargetNotifier('discord', ['chan']);
    flaky.failTimes = 3;
    const engine = engineOn(store, clock, { notifiers: [flaky], redeliveryDelaysMs: [10, 10, 10, 10, 10] });
    engine.onPositionClosed(stopLossExit('telegram:1001'));
    await waitFor(() => flaky.sent.length === 1, { what: 'the redelivery' });
    const late = new TargetNotifier('ntfy', ['topic']);
    engine.addNotifier(late);
    await engine.idle();
    expect(late.sent.map((sent) => sent.id)).toEqual(flaky.sent.map((sent) => sent.id));
    await engine.stop();
  });

  it('without any notifier, an alert is finished at once (kept for the record, no PNG held for later)', async () => {
    const dbPath = newDbPath();
    const store = open(dbPath);
    const clock = { now: Date.parse('2026-11-25T10:00:00+05:30') };
    const engine = engineOn(store, clock, { notifierGraceMs: 0 });
    const alerts: Alert[] = [];
    engine.on('alert', (alert) => alerts.push(alert));
    engine.onSessionExpired('TokenException');
    expect(outboxRow(dbPath, alerts[0]!.id)).toEqual({ finished: 1, image: null });
    await engine.stop();
  });

  it('prunes alerts older than the cutoff with their delivery marks', async () => {
    const dbPath = newDbPath();
    const store = open(dbPath);
    const outbox = store.alertOutbox();
    const now = Date.parse('2026-11-25T10:00:00+05:30');
    outbox.add({ ...breachLike(now - 40 * 86_400_000), id: 'old' }, now - 40 * 86_400_000);
    outbox.add({ ...breachLike(now), id: 'new' }, now);
    outbox.delivered('old', 'ntfy', 'topic', now);
    expect(outbox.pruneBefore(now - 30 * 86_400_000)).toBe(1);
    expect(outbox.deliveredTargets('old', 'ntfy').size).toBe(0);
    expect(outbox.pendingFor('ntfy').map((pending) => pending.alert.id)).toEqual(['new']);
  });
});

function breachLike(dataTime: number): Alert {
  return {
    id: 'oi_breach-x',
    kind: 'oi_breach',
    title: 'NSE: OI jump at 1 strike',
    text: '25600 CE +12.0% in 5m\nData as of 10:00:00 IST',
    priority: 'default',
    dataTime,
    tags: ['nse', 'oi'],
    recipients: [],
    broadcast: true,
    image: { png: Buffer.from('png'), alt: 'chain', filename: 'chain-NSE.png' },
  };
}
