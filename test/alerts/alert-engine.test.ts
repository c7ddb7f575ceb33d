import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, Notifier } from '../../src/alerts/alert.ts';
import { dailySummaryDraft } from '../../src/alerts/alert-messages.ts';
import { summaryInput } from '../../src/alerts/summary-input.ts';
import { parseQuietHours } from '../../src/alerts/quiet-hours.ts';
import { keysWithRole, parseAccess } from '../../src/commands/access.ts';
import type { PositionClosedEvent } from '../../src/paper/types.ts';
import { testAlertEngine } from '../support/alert-engine.ts';
import { chainSnapshot, optionRow } from '../support/chain-builders.ts';
import { samplePosition } from '../support/sample-position.ts';
import { waitFor } from '../support/wait-for.ts';
import { OiStore } from '../../src/store/oi-store.ts';
import type { ChainSnapshot, OptionRow } from '../../src/tracker/types.ts';

const IST_10_00 = Date.parse('2026-11-25T10:00:00+05:30');
const MINUTE = 60_000;

class RecordingNotifier implements Notifier {
  readonly alerts: Alert[] = [];
  constructor(readonly name = 'recording') {}
  async notify(alert: Alert): Promise<void> {
    this.alerts.push(alert);
  }
}

function row(strike: number, type: 'CE' | 'PE', fivePct: number | null): OptionRow {
  return optionRow(strike, type, {
    oiChangePct: { '5': fivePct, '30': null },
    breaches: fivePct !== null && Math.abs(fivePct) >= 8 ? ['5'] : [],
  });
}

function snapshot(
  at: number,
  changes: { strike: number; type: 'CE' | 'PE'; pct: number | null }[],
): ChainSnapshot {
  const rows = changes.map((change) => row(change.strike, change.type, change.pct));
  return chainSnapshot({
    lastUpdate: at,
    calls: rows.filter((r) => r.type === 'CE'),
    puts: rows.filter((r) => r.type === 'PE'),
  });
}

function closedEvent(owner: string, reason: string, level: number | null): PositionClosedEvent {
  return {
    exchange: 'NSE',
    position_id: 'NSE_P0001',
    exit_reason: reason,
    exit_price: 145.6,
    realized_pnl: 1882.5,
    closed_pnl: 1882.5,
    level,
    position: samplePosition({
      owner,
      exit_time: '2026-11-25T10:05:00+05:30',
      current_price: 145.6,
      mtm: 0,
    }),
  };
}

const stores: OiStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function setUp(options: { quiet?: string; cooldownMinutes?: number } = {}) {
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-alerts-')), 'oi.db');
  const store = OiStore.open(dbPath);
  stores.push(store);
  const clock = { now: IST_10_00 };
  const notifier = new RecordingNotifier();
  const engine = testAlertEngine({
    subscriptions: store.alertSubscriptions(),
    admins: keysWithRole(parseAccess('telegram:1001=admin,telegram:2002=trader')!, 'admin'),
    windows: [5, 30],
    thresholds: [8, 25],
    cooldownMinutes: options.cooldownMinutes ?? 15,
    quietHours: options.quiet ? parseQuietHours(options.quiet) : null,
    chainImage: async () => ({ png: Buffer.from('png'), alt: 'chain', filename: 'chain-NSE.png' }),
    now: () => clock.now,
    notifiers: [notifier],
  });
  return { engine, notifier, clock, store, dbPath };
}

describe('OI breach alerts', () => {
  it('sends one alert per breach until it re-arms below 80% of the threshold, then after the cooldown', async () => {
    const { engine, notifier, clock } = setUp();
    const at = (minutes: number, pct: number) => {
      clock.now = IST_10_00 + minutes * MINUTE;
      return engine.onSnapshot(snapshot(clock.now, [{ strike: 25_600, type: 'CE', pct }]));
    };
    await at(0, 9);
    await at(1, 12); // still breaching: no repeat
    await at(2, 7); // 7 ≥ 6.4 (80% of 8): not re-armed yet
    await at(3, 9);
    expect(notifier.alerts).toHaveLength(1);
    await at(4, 6); // re-armed
    await at(5, 9); // inside the 15-minute cooldown: held off
    expect(notifier.alerts).toHaveLength(1);
    await at(16, 9); // cooldown over and armed
    await engine.idle();
    expect(notifier.alerts).toHaveLength(2);
    const alert = notifier.alerts[0]!;
    expect(alert.kind).toBe('oi_breach');
    expect(alert.text).toContain('25600 CE +9.00% in 5m (threshold 8%)');
    expect(alert.text).toContain('Data as of 10:00:00 IST');
  });

  it('puts every breach of one cycle for a chain in one alert with the chain PNG', async () => {
    const { engine, notifier } = setUp();
    await engine.onSnapshot(
      snapshot(IST_10_00, [
        { strike: 25_600, type: 'CE', pct: 9 },
        { strike: 25_650, type: 'CE', pct: -10 },
        { strike: 25_600, type: 'PE', pct: 30 },
        { strike: 25_550, type: 'PE', pct: 2 },
      ]),
    );
    await engine.idle();
    expect(notifier.alerts).toHaveLength(1);
    const alert = notifier.alerts[0]!;
    expect(alert.title).toBe('NSE: OI jump at 2 strikes');
    expect(alert.text.split('\n').filter((line) => line.includes('threshold'))).toHaveLength(3);
    expect(alert.image?.filename).toBe('chain-NSE.png');
  });

  it('ignores snapshots that are not Live', async () => {
    const { engine, notifier } = setUp();
    await engine.onSnapshot({
      ...snapshot(IST_10_00, [{ strike: 25_600, type: 'CE', pct: 50 }]),
      status: 'Stale',
    });
    expect(notifier.alerts).toHaveLength(0);
  });
});

describe('OI breaches of two expiries (ALERT_EXPIRIES=all)', () => {
  it('alerts each expiry of the same strike apart, each naming its expiry', async () => {
    const { engine, notifier, store, clock } = setUp();
    store.alertSubscriptions().set({ chat: 'telegram:-100777', enabled: true, mutedUntil: 0 });
    await engine.onSnapshot(snapshot(clock.now, [{ strike: 25_600, type: 'CE', pct: 9 }]));
    await engine.onSnapshot({
      ...snapshot(clock.now, [{ strike: 25_600, type: 'CE', pct: 9 }]),
      expiry: '2026-12-08',
    });
    await engine.idle();
    const breaches = notifier.alerts.filter((alert) => alert.kind === 'oi_breach');
    expect(breaches).toHaveLength(2);
    expect(breaches[0]!.text).toContain('expiry 2026-12-01');
    expect(breaches[1]!.text).toContain('expiry 2026-12-08');
  });
});

describe('routing, quiet hours and mutes', () => {
  it('sends to chats that turned alerts on, skips muted ones, and still sends them auto-exits', async () => {
    const { engine, notifier, store, clock } = setUp();
    const subscriptions = store.alertSubscriptions();
    subscriptions.set({ chat: 'telegram:-100777', enabled: true, mutedUntil: 0 });
    subscriptions.set({ chat: 'telegram:2002', enabled: true, mutedUntil: clock.now + 30 * MINUTE });
    subscriptions.set({ chat: 'telegram:3003', enabled: false, mutedUntil: 0 });
    await engine.onSnapshot(snapshot(clock.now, [{ strike: 25_600, type: 'CE', pct: 9 }]));
    engine.onPositionClosed(closedEvent('telegram:1001', 'Target Hit (+25)', 145.5));
    await engine.idle();
    const [breach, exit] = notifier.alerts;
    expect(breach!.recipients).toEqual(['telegram:-100777']);
    expect(exit!.kind).toBe('auto_exit');
    expect(exit!.priority).toBe('high');
    expect(exit!.recipients.sort()).toEqual(['telegram:-100777', 'telegram:1001', 'telegram:2002']);
    expect(exit!.text).toContain('NSE_P0001 BUY 75 NIFTY26D0125600CE closed at 145.60 (level 145.50)');
  });

  it('holds back all but auto-exits and session alerts in quiet hours, and releases the rest after', async () => {
    const { engine, notifier, clock } = setUp({ quiet: '09:30-10:30' });
    const suppressed: string[] = [];
    engine.on('suppressed', (draft, reason) => suppressed.push(`${draft.kind}: ${reason}`));
    await engine.onSnapshot(snapshot(clock.now, [{ strike: 25_600, type: 'CE', pct: 9 }]));
    engine.onFeedStatus(false);
    clock.now += 61_000;
    engine.onFeedStatus(false);
    engine.onPositionClosed(closedEvent('telegram:1001', 'Stop Loss (-25)', 95.5));
    engine.onSessionExpired('403 TokenException');
    await engine.idle();
    expect(notifier.alerts.map((alert) => alert.kind)).toEqual(['auto_exit', 'session_expired']);
    expect(suppressed).toEqual(['oi_breach: quiet hours', 'feed_down: held until quiet hours end']);
    engine.releaseHeld(); // still quiet
    expect(notifier.alerts).toHaveLength(2);
    clock.now = Date.parse('2026-11-25T10:31:00+05:30');
    engine.releaseHeld();
    await engine.idle();
    expect(notifier.alerts.map((alert) => alert.kind)).toEqual(['auto_exit', 'session_expired', 'feed_down']);
    expect(notifier.alerts[2]!.text).toContain('Data as of 10:00:00 IST');
  });

  it('keeps subscriptions and mutes across a restart', () => {
    const { store, dbPath } = setUp();
    store.alertSubscriptions().set({ chat: 'telegram:2002', enabled: true, mutedUntil: IST_10_00 + MINUTE });
    store.close();
    const reopened = OiStore.open(dbPath);
    stores.push(reopened);
    expect(reopened.alertSubscriptions().recipients(IST_10_00)).toEqual([]);
    expect(reopened.alertSubscriptions().recipients(IST_10_00 + MINUTE)).toEqual(['telegram:2002']);
  });

  it('reminds admins only, and gathers a square-off into one alert per owner', async () => {
    const { engine, notifier } = setUp();
    engine.sessionReminder();
    engine.onPositionClosed(closedEvent('telegram:2002', 'Square-off', null));
    engine.onPositionClosed({
      ...closedEvent('telegram:2002', 'Square-off', null),
      position_id: 'NSE_P0002',
    });
    engine.onPositionClosed(closedEvent('telegram:2002', 'Manual Exit', null));
    await new Promise((resolve) => setImmediate(resolve));
    await engine.idle();
    const [reminder, squareOff] = notifier.alerts;
    expect(reminder!.recipients).toEqual(['telegram:1001']);
    expect(reminder!.broadcast).toBe(false);
    expect(squareOff!.title).toBe('Square-off: 2 positions closed (telegram:2002)');
    expect(notifier.alerts).toHaveLength(2);
  });

  it('a failing notifier does not stop the others, and gets the alert again until stop', async () => {
    const { engine, notifier } = setUp();
    let brokenCalls = 0;
    engine.addNotifier({
      name: 'broken',
      notify: async () => {
        brokenCalls++;
        throw new Error('down');
      },
    });
    const late = new RecordingNotifier('late');
    engine.addNotifier(late);
    engine.onSessionRenewed('access_token', 'SIM001');
    const handedAt = Date.now();
    await waitFor(() => brokenCalls === 2, { timeoutMs: 5000, what: 'the alert handed over again' });
    // At once, then again a second later (not sooner).
    expect(Date.now() - handedAt).toBeGreaterThanOrEqual(900);
    expect(notifier.alerts).toHaveLength(1);
    expect(late.alerts).toHaveLength(1);
    await engine.stop(); // cuts the next wait short and gives up
    expect(brokenCalls).toBe(2);
  });

  it('tells when the feed has been down for a minute, and when it is back', async () => {
    const { engine, notifier, clock } = setUp();
    engine.onFeedStatus(false);
    clock.now += 30_000;
    engine.onFeedStatus(false);
    expect(notifier.alerts).toHaveLength(0);
    clock.now += 31_000;
    engine.onFeedStatus(false);
    engine.onFeedStatus(false);
    clock.now += 5000;
    engine.onFeedStatus(true);
    await engine.idle();
    expect(notifier.alerts.map((alert) => alert.kind)).toEqual(['feed_down', 'feed_recovered']);
    expect(notifier.alerts[1]!.text).toContain('after 66 s');
  });
});

describe('the end-of-day summary', () => {
  it("lists each book's realized P&L and open MTM, and the day's biggest OI movers", () => {
    const snap = snapshot(IST_10_00, [
      { strike: 25_600, type: 'CE', pct: 1 },
      { strike: 25_600, type: 'PE', pct: 1 },
    ]);
    const [call, put] = [snap.calls[0]!, snap.puts[0]!];
    const input = summaryInput({
      realizedToday: [{ owner: 'telegram:1001', chainId: 'NSE', paise: 188_250 }],
      openPositions: [],
      chains: [
        {
          snapshot: snap,
          observations: new Map([
            [
              call.token,
              [
                { time: 1, oi: 100_000, ltp: 1 },
                { time: 2, oi: 150_000, ltp: 1 },
              ],
            ],
            [
              put.token,
              [
                { time: 1, oi: 200_000, ltp: 1 },
                { time: 2, oi: 190_000, ltp: 1 },
              ],
            ],
          ]),
        },
      ],
    });
    expect(input.movers.map((mover) => [mover.strike, mover.type, mover.changePct])).toEqual([
      [25_600, 'CE', 50],
      [25_600, 'PE', -5],
    ]);
    const text = dailySummaryDraft(input, Date.parse('2026-11-25T15:35:00+05:30')).text;
    expect(text).toContain('telegram:1001 NSE: realized +₹1882.50');
    expect(text).toContain('NSE 25600 CE +50.00% (OI 1.50L)');
    expect(text).toContain('Data as of 15:35:00 IST');
  });
});
