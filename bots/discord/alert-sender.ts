import { setTimeout as sleep } from 'node:timers/promises';
import type { Alert, DeliveryProgress } from '../../src/alerts/alert.ts';
import type { Logger } from '../../src/log.ts';
import { alertPost, type ChannelPost } from './alert-embed.ts';
import { errorSummary, isRetryable } from './error-summary.ts';

export interface AlertDelivery {
  channelId: string;
  /** Users to ping in this channel's message. */
  mentionUserIds: string[];
}

const USER = /^discord:(\d+)$/;
const CHANNEL = /^discord-channel:(\d+)$/;
const REMEMBERED_DELIVERIES = 5000;

/**
 * Where an alert goes on Discord: the alert channel (when it is broadcast or has any Discord recipient,
 * pinging the `discord:<user>` recipients there) and each `discord-channel:<id>` recipient.
 */
export function alertDeliveries(
  alert: Alert,
  alertChannelId: string | undefined,
): { deliveries: AlertDelivery[]; unreachableUserIds: string[] } {
  const userIds = alert.recipients.flatMap((recipient) => recipient.match(USER)?.[1] ?? []);
  const channelIds = alert.recipients.flatMap((recipient) => recipient.match(CHANNEL)?.[1] ?? []);
  const deliveries = new Map<string, AlertDelivery>();
  if (alertChannelId && (alert.broadcast || userIds.length > 0 || channelIds.length > 0)) {
    deliveries.set(alertChannelId, { channelId: alertChannelId, mentionUserIds: [...new Set(userIds)] });
  }
  for (const channelId of channelIds) {
    if (!deliveries.has(channelId)) deliveries.set(channelId, { channelId, mentionUserIds: [] });
  }
  return { deliveries: [...deliveries.values()], unreachableUserIds: alertChannelId ? [] : userIds };
}

export interface AlertSenderOptions {
  /** Posts a message to a channel (discord.js REST; it waits out 429s itself). */
  post: (channelId: string, post: ChannelPost) => Promise<unknown>;
  alertChannelId?: string;
  /** Waits between attempts after a 5xx or network failure; one more attempt than entries. */
  retryDelaysMs: readonly number[];
  log: Logger;
}

/** Posts alerts to Discord channels, at most once per alert and channel, retrying server and network failures. */
export class DiscordAlertSender {
  /** Per `alert id + channel`: the delivery, done or under way, so a repeat joins it instead of posting again. */
  private readonly deliveries = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: AlertSenderOptions) {}

  async notify(alert: Alert, progress?: DeliveryProgress): Promise<void> {
    const planned = alertDeliveries(alert, this.options.alertChannelId);
    const { unreachableUserIds } = planned;
    const deliveries = planned.deliveries.filter((delivery) => !progress?.has(delivery.channelId));
    if (unreachableUserIds.length > 0) {
      this.options.log.warn(
        { alertId: alert.id, users: unreachableUserIds },
        'Discord alert has user recipients but no DISCORD_ALERT_CHANNEL_ID to mention them in',
      );
    }
    const results = await Promise.allSettled(
      deliveries.map((delivery) =>
        this.deliverOnce(alert, delivery).then(() => progress?.delivered(delivery.channelId)),
      ),
    );
    const failures = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as Error] : [],
    );
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1)
      throw new AggregateError(failures, `Discord alert ${alert.id} failed in ${failures.length} channels`);
  }

  /** Gives up pending retries. */
  stop(): void {
    this.stopping.abort();
  }

  private deliverOnce(alert: Alert, delivery: AlertDelivery): Promise<void> {
    const key = `${alert.id}\n${delivery.channelId}`;
    const earlier = this.deliveries.get(key);
    if (earlier) return earlier;
    const attempt = this.deliver(alert, delivery).catch((error: unknown) => {
      this.deliveries.delete(key);
      throw error;
    });
    this.deliveries.set(key, attempt);
    if (this.deliveries.size > REMEMBERED_DELIVERIES)
      this.deliveries.delete(this.deliveries.keys().next().value!);
    return attempt;
  }

  private async deliver(alert: Alert, delivery: AlertDelivery): Promise<void> {
    const post = alertPost(alert, delivery.channelId, delivery.mentionUserIds);
    const { retryDelaysMs, log } = this.options;
    const context = { alertId: alert.id, kind: alert.kind, channelId: delivery.channelId };
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.options.post(delivery.channelId, post);
        log.info({ ...context, attempts: attempt + 1 }, 'Discord alert posted');
        return;
      } catch (error) {
        const delay = retryDelaysMs[attempt];
        if (!isRetryable(error) || delay === undefined || this.stopping.signal.aborted) {
          log.error(
            { ...context, attempts: attempt + 1, err: errorSummary(error) },
            'Discord alert not delivered',
          );
          // No `cause`: discord.js errors carry the request body (file bytes) and would reach other logs.
          throw new Error(
            `Discord alert ${alert.id} to channel ${delivery.channelId} failed: ${errorSummary(error).message}`,
          );
        }
        log.warn(
          { ...context, attempt: attempt + 1, retryInMs: delay, err: errorSummary(error) },
          'Discord alert send failed; retrying',
        );
        await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }
}
