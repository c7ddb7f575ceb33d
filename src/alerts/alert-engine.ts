import { EventEmitter } from 'node:events';
import { isChatKey } from '../util/chat-key.ts';
import type { PngImage } from '../render/png-image.ts';
import type { Logger } from '../log.ts';
import type { PositionClosedEvent } from '../paper/types.ts';
import type { ChainSnapshot } from '../tracker/types.ts';
import type { Alert, AlertKind, Notifier } from './alert.ts';
import {
  autoExitDraft,
  breachDraft,
  dailySummaryDraft,
  feedDownDraft,
  feedRecoveredDraft,
  sessionExpiredDraft,
  sessionReminderDraft,
  sessionRenewedDraft,
  squareOffDraft,
  type AlertDraft,
  type BreachLine,
  type SummaryInput,
} from './alert-messages.ts';
import type { RuleFiring } from '../rules/rule-book.ts';
import { AlertDelivery, LIVE_ONLY, type AlertOutbox } from './alert-delivery.ts';
import { ruleDraft } from './rule-alert.ts';
import type { AlertSubject } from '../store/score-store.ts';
import { breachSubjects, ruleSubjects } from './alert-scorer.ts';
import { BreachGate, type BreachReading } from './breach-gate.ts';
import { isQuiet, type QuietHours } from './quiet-hours.ts';

/** Alerts that go out even in quiet hours and to muted chats: they concern money or the session. */
const URGENT = new Set<AlertKind>([
  'auto_exit',
  'square_off',
  'session_expired',
  'session_renewed',
  'session_reminder',
]);
const FEED_DOWN_AFTER_MS = 60_000;
/** ALERT_MAX_AGE_MINUTES's default: an OI-breach or rule alert older than this is not worth delivering. */
const DEFAULT_MAX_AGE_MINUTES = 10;
const RELEASE_CHECK_MS = 30_000;

export interface AlertEngineOptions {
  subscriptions: { recipients(now: number, includeMuted?: boolean): string[] };
  /** The admins' chat keys: the 08:45 session reminder goes to them. */
  admins: readonly string[];
  /** OI_CHANGE_WINDOWS and OI_CHANGE_THRESHOLDS, pairwise. */
  windows: readonly number[];
  thresholds: readonly number[];
  cooldownMinutes: number;
  quietHours: QuietHours | null;
  /** The chain table PNG with breaching cells boxed. */
  chainImage?: (snapshot: ChainSnapshot) => Promise<PngImage | undefined>;
  logger: Logger;
  now?: () => number;
  /** The waits before handing an alert to a notifier that gave up again; about 30 minutes in all by default. */
  redeliveryDelaysMs?: readonly number[];
  /** Every alert is written here before any notifier sees it; a notifier that registers gets what it still owes. */
  outbox?: AlertOutbox;
  /** ALERT_MAX_AGE_MINUTES: OI-breach and rule alerts older than this are dropped, not delivered (default 10). */
  maxAgeMinutes?: number;
  /** How long after the start notifiers may still register and get every alert (default 60 s). */
  notifierGraceMs?: number;
}

export interface AlertEngineEvents {
  /** An alert handed to the notifiers. */
  alert: [alert: Alert];
  /** An alert held back (quiet hours) or dropped (`reason`). */
  suppressed: [draft: AlertDraft, reason: string];
  /** What an OI-breach or rule alert that went out is to be scored on. */
  scoring: [subjects: AlertSubject[]];
}

/**
 * Turns tracker, paper-book, feed and session events into alerts without floods (per-key arming and
 * cooldown, quiet hours, mutes) and hands each to every notifier; one failing notifier never blocks
 * the others.
 */
export class AlertEngine extends EventEmitter<AlertEngineEvents> {
  private readonly delivery: AlertDelivery;
  private readonly gate: BreachGate;
  private readonly now: () => number;
  private readonly held: AlertDraft[] = [];
  private readonly squareOffs = new Map<string, PositionClosedEvent[]>();
  private feedDownSince: number | null = null;
  private feedDownAlerted = false;
  private sequence = 0;
  private releaseTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AlertEngineOptions) {
    super();
    this.gate = new BreachGate(options.cooldownMinutes * 60_000);
    this.now = options.now ?? Date.now;
    this.delivery = new AlertDelivery({
      logger: options.logger,
      now: this.now,
      maxAgeMs: (options.maxAgeMinutes ?? DEFAULT_MAX_AGE_MINUTES) * 60_000,
      ...(options.outbox ? { outbox: options.outbox } : {}),
      ...(options.redeliveryDelaysMs ? { redeliveryDelaysMs: options.redeliveryDelaysMs } : {}),
      ...(options.notifierGraceMs === undefined ? {} : { notifierGraceMs: options.notifierGraceMs }),
    });
  }

  /** Adds a notifier; it is handed at once whatever the outbox still owes it (after a restart). */
  addNotifier(notifier: Notifier): void {
    this.delivery.register(notifier);
  }

  /** Starts the check that releases held alerts when quiet hours end. */
  start(): void {
    this.releaseTimer ??= setInterval(() => this.releaseHeld(), RELEASE_CHECK_MS);
    this.releaseTimer.unref();
  }

  /** Stops redelivering (what is still undelivered is logged) and waits for sends under way. */
  async stop(): Promise<void> {
    if (this.releaseTimer) clearInterval(this.releaseTimer);
    this.releaseTimer = null;
    await this.delivery.stop();
  }

  /** Resolves when every alert handed out so far has been delivered or finally given up on. */
  async idle(): Promise<void> {
    await this.delivery.idle();
  }

  /** OI breaches of one cycle: those that pass the gate go out together, as one alert per chain. */
  async onSnapshot(snapshot: ChainSnapshot): Promise<void> {
    if (snapshot.status !== 'Live') return;
    const now = this.now();
    const lines = new Map<string, BreachLine>();
    const readings: BreachReading[] = [];
    for (const row of [...snapshot.calls, ...snapshot.puts]) {
      this.options.windows.forEach((window, index) => {
        const pct = row.oiChangePct[String(window)];
        // Per expiry: the nearest's and the next's same strike are different options.
        const key = `${snapshot.chainId}:${snapshot.expiry ?? ''}:${row.strike}:${row.type}:${window}`;
        const threshold = this.options.thresholds[index]!;
        readings.push({
          key,
          magnitude: pct === null || pct === undefined ? null : Math.abs(pct),
          threshold,
        });
        lines.set(key, { row, window: String(window), threshold });
      });
    }
    const admitted = this.gate.admit(readings, now);
    if (admitted.length === 0) return;
    const breaches = admitted.map((reading) => lines.get(reading.key)!);
    const draft = breachDraft(snapshot, breaches, now);
    if (this.holdOrDrop(draft)) return;
    const image = await this.image(snapshot);
    const alert = this.publish(image ? { ...draft, image } : draft);
    this.emit('scoring', breachSubjects(alert.id, snapshot, breaches));
  }

  /**
   * A rule fired: to the chat that made it, and with `broadcast` also wherever OI breaches go (the
   * subscribed chats, the alert channels, ntfy); with the chain PNG.
   */
  async onRuleFired(firing: RuleFiring): Promise<void> {
    const draft = ruleDraft(firing, this.now());
    if (this.holdOrDrop(draft)) return;
    const image = await this.image(firing.snapshot);
    const alert = this.publish(
      image ? { ...draft, image } : draft,
      [firing.rule.chat],
      firing.rule.broadcast,
    );
    this.emit('scoring', ruleSubjects(alert.id, firing));
  }

  /** Auto-exits go out at once; square-offs are gathered into one alert per owner. */
  onPositionClosed(event: PositionClosedEvent): void {
    const now = this.now();
    if (event.level !== null) {
      this.publish(autoExitDraft(event, now), [event.position.owner]);
      return;
    }
    if (event.exit_reason !== 'Square-off') return;
    const owner = event.position.owner;
    const batch = this.squareOffs.get(owner);
    if (batch) {
      batch.push(event);
      return;
    }
    this.squareOffs.set(owner, [event]);
    setImmediate(() => {
      const events = this.squareOffs.get(owner) ?? [];
      this.squareOffs.delete(owner);
      this.publish(squareOffDraft(owner, events, this.now()), [owner]);
    });
  }

  /** Called whenever the ticker's state may have changed (and periodically). */
  onFeedStatus(connected: boolean): void {
    const now = this.now();
    if (connected) {
      if (this.feedDownSince !== null && this.feedDownAlerted) {
        const draft = feedRecoveredDraft(this.feedDownSince, now);
        if (!this.holdOrDrop(draft)) this.publish(draft);
      }
      this.feedDownSince = null;
      this.feedDownAlerted = false;
      return;
    }
    this.feedDownSince ??= now;
    if (!this.feedDownAlerted && now - this.feedDownSince >= FEED_DOWN_AFTER_MS) {
      this.feedDownAlerted = true;
      const draft = feedDownDraft(this.feedDownSince, now);
      if (!this.holdOrDrop(draft)) this.publish(draft);
    }
  }

  onSessionExpired(reason: string): void {
    this.publish(sessionExpiredDraft(reason, this.now()));
  }

  onSessionRenewed(kind: string, userId: string): void {
    this.publish(sessionRenewedDraft(kind, userId, this.now()));
  }

  /** The 08:45 reminder: to admins only. */
  sessionReminder(): void {
    this.publish(sessionReminderDraft(this.now()), this.options.admins, false);
  }

  dailySummary(input: SummaryInput): void {
    const draft = dailySummaryDraft(input, this.now());
    if (!this.holdOrDrop(draft)) this.publish(draft);
  }

  /** Breach keys the gate remembers (bounded by strikes × sides × windows of the day). */
  get trackedBreaches(): number {
    return this.gate.size;
  }

  /** Forgets breach state that no longer matters (called daily). */
  prune(): void {
    this.gate.prune(this.now());
  }

  /** Non-urgent alerts in quiet hours: live-only ones are dropped, the rest held until the end. */
  private holdOrDrop(draft: AlertDraft): boolean {
    if (URGENT.has(draft.kind) || !isQuiet(this.options.quietHours, this.now())) return false;
    if (LIVE_ONLY.has(draft.kind)) {
      this.emit('suppressed', draft, 'quiet hours');
    } else {
      this.held.push(draft);
      this.emit('suppressed', draft, 'held until quiet hours end');
    }
    return true;
  }

  /** Sends what quiet hours held back, once they are over. */
  releaseHeld(): void {
    if (this.held.length === 0 || isQuiet(this.options.quietHours, this.now())) return;
    for (const draft of this.held.splice(0)) this.publish(draft);
  }

  private async image(snapshot: ChainSnapshot): Promise<PngImage | undefined> {
    try {
      return await this.options.chainImage?.(snapshot);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'alert image could not be rendered; sending text only');
      return undefined;
    }
  }

  private publish(draft: AlertDraft, extra: readonly string[] = [], broadcast = true): Alert {
    const now = this.now();
    const urgent = URGENT.has(draft.kind);
    const subscribers = broadcast ? this.options.subscriptions.recipients(now, urgent) : [];
    const recipients = [...new Set([...subscribers, ...extra.filter(isChatKey)])];
    const alert: Alert = { ...draft, id: this.alertId(draft.kind, now), recipients, broadcast };
    this.send(alert);
    return alert;
  }

  /** Logs the alert, tells listeners, and hands it to delivery (the outbox first). */
  protected send(alert: Alert): void {
    this.options.logger.info(
      { alert: alert.id, kind: alert.kind, title: alert.title, recipients: alert.recipients.length },
      'alert',
    );
    this.emit('alert', alert);
    this.delivery.dispatch(alert);
  }

  /** Unique across restarts too (the outbox keys on it, Discord's nonce and ntfy's id derive from it). */
  private alertId(kind: string, now: number): string {
    const salt = Math.floor(Math.random() * 36 ** 4).toString(36);
    return `${kind}-${now.toString(36)}-${(++this.sequence).toString(36)}${salt}`;
  }
}
