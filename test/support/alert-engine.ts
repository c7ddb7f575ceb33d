import { pino } from 'pino';
import type { Alert, Notifier } from '../../src/alerts/alert.ts';
import { AlertEngine, type AlertEngineOptions } from '../../src/alerts/alert-engine.ts';
import type { PositionClosedEvent } from '../../src/paper/types.ts';
import { samplePosition } from './sample-position.ts';

export interface TestAlertEngineOptions extends Partial<AlertEngineOptions> {
  /** Chat keys every broadcast goes to (ignored when `subscriptions` is given). */
  subscribers?: string[];
  /** Notifiers added before the engine is returned. */
  notifiers?: Notifier[];
}

/**
 * The one alert engine builder for tests: 5-minute window at 8%, 15-minute cooldown, no quiet hours,
 * no admins, a silent logger, `subscribers` getting every broadcast. Override what a
 * test is about; `notifiers` are added to it.
 */
export function testAlertEngine(options: TestAlertEngineOptions = {}): AlertEngine {
  const { subscribers = [], notifiers = [], ...overrides } = options;
  const engine = new AlertEngine({
    subscriptions: { recipients: () => subscribers },
    admins: [],
    windows: [5],
    thresholds: [8],
    cooldownMinutes: 15,
    quietHours: null,
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
  for (const notifier of notifiers) engine.addNotifier(notifier);
  return engine;
}

let nextPosition = 1;
/** A stop-loss exit of a fresh position (a new id each call) owned by `owner`; its id marks the alert. */
export function stopLossExit(owner: string): PositionClosedEvent {
  const id = `NSE_P${String(nextPosition++).padStart(4, '0')}`;
  return {
    exchange: 'NSE',
    position_id: id,
    exit_reason: 'Stop Loss (-25)',
    exit_price: 95.5,
    realized_pnl: -1875,
    closed_pnl: -1875,
    level: 95.5,
    position: samplePosition({ id, owner }),
  };
}

let nextAlert = 1;
/** A feed-down alert with a fresh id (in its title too, to find it in a chat); override the rest. */
export function feedDownAlert(overrides: Partial<Alert> = {}): Alert {
  const id = `test-alert-${nextAlert++}`;
  return {
    id,
    kind: 'feed_down',
    title: `Market data down (${id})`,
    text: 'No ticks for 60 s.\nData as of 10:15:00 IST.',
    priority: 'default',
    dataTime: Date.now(),
    tags: ['feed'],
    recipients: [],
    broadcast: false,
    ...overrides,
  };
}
