import { describe, expect, it } from 'vitest';
import type { Alert, Notifier } from '../../src/alerts/alert.ts';
import { keysWithRole, parseAccess } from '../../src/commands/access.ts';
import { stopLossExit, testAlertEngine } from '../support/alert-engine.ts';
import { waitFor } from '../support/wait-for.ts';

/** An adapter for a platform the core has never heard of. */
class SlackLikeNotifier implements Notifier {
  readonly name = 'slack';
  readonly platform = 'slack';
  readonly alerts: Alert[] = [];
  async notify(alert: Alert): Promise<void> {
    this.alerts.push(alert);
  }
}

describe('alerts to chat keys of any platform', () => {
  it("sends an auto-exit to its owner on a new platform, and the 08:45 reminder to that platform's admins", async () => {
    const slack = new SlackLikeNotifier();
    const engine = testAlertEngine({
      notifiers: [slack],
      admins: keysWithRole(parseAccess('slack:U024BE7LH=admin,matrix:@ops:example.org=viewer')!, 'admin'),
    });
    engine.onPositionClosed(stopLossExit('slack:U024BE7LH'));
    engine.onPositionClosed(stopLossExit('api'));
    engine.sessionReminder();
    await waitFor(() => slack.alerts.length === 3);
    expect(slack.alerts.map((alert) => [alert.kind, alert.recipients])).toEqual([
      ['auto_exit', ['slack:U024BE7LH']],
      ['auto_exit', []],
      ['session_reminder', ['slack:U024BE7LH']],
    ]);
    await engine.stop();
  });
});
