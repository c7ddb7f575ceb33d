import type { Alert, DeliveryProgress, Notifier } from '../../src/alerts/alert.ts';
import type { Logger } from '../../src/log.ts';

export interface NtfyOptions {
  /** NTFY_URL: the topic's URL, e.g. https://ntfy.example.org/oi-alerts. */
  url: string;
  /** NTFY_TOKEN: sent as a bearer token when set. */
  token?: string;
  logger: Logger;
  /** Attempts per alert (429, 5xx and network errors are retried). */
  attempts?: number;
  retryDelayMs?: number;
}

/** ntfy priorities: 3 default, 4 high. */
const PRIORITY: Record<Alert['priority'], string> = { default: '3', high: '4' };

/** HTTP headers are ASCII; ntfy decodes RFC 2047 encoded words in Title, Message and Tags. */
export function headerText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** The outbox's target name for the one topic this notifier pushes to. */
const TOPIC = 'topic';

/** A stable ntfy sequence id for an alert: its id, in the characters ntfy allows, at most 64 long. */
export function ntfySequenceId(alertId: string): string {
  return alertId.replace(/[^-_A-Za-z0-9]/g, '_').slice(0, 64);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pushes alerts to a phone through an ntfy topic: title, message, priority, tags, the PNG attached. */
export class NtfyNotifier implements Notifier {
  readonly name = 'ntfy';
  private readonly delivered = new Set<string>();

  constructor(private readonly options: NtfyOptions) {}

  async notify(alert: Alert, progress?: DeliveryProgress): Promise<void> {
    if (this.delivered.has(alert.id) || progress?.has(TOPIC)) return;
    // A rule's alert is the chat's own unless the rule broadcasts.
    if (alert.kind === 'rule' && !alert.broadcast) return;
    const attempts = this.options.attempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      const failure = await this.send(alert);
      if (failure === null) {
        this.delivered.add(alert.id);
        progress?.delivered(TOPIC);
        if (this.delivered.size > 1000) this.delivered.delete(this.delivered.values().next().value!);
        return;
      }
      if (!failure.retry || attempt >= attempts) {
        throw new Error(`ntfy: ${failure.message} after ${attempt} attempt${attempt === 1 ? '' : 's'}`);
      }
      this.options.logger.warn(
        { alert: alert.id, attempt, problem: failure.message },
        'ntfy send failed; retrying',
      );
      await sleep(failure.waitMs ?? (this.options.retryDelayMs ?? 1000) * 2 ** (attempt - 1));
    }
  }

  private async send(alert: Alert): Promise<{ message: string; retry: boolean; waitMs?: number } | null> {
    const headers: Record<string, string> = {
      Title: headerText(alert.title),
      Priority: PRIORITY[alert.priority],
      Tags: headerText(alert.tags.join(',')),
      // ntfy (2.16 and later) shows a message with a sequence id it already has in place of the first,
      // so a send repeated after a lost answer or a restart does not show twice on the phone.
      'X-Sequence-ID': ntfySequenceId(alert.id),
    };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    let body: string | Buffer = alert.text;
    if (alert.image) {
      headers.Message = headerText(alert.text.replaceAll('\n', '\\n'));
      headers.Filename = alert.image.filename;
      headers['Content-Type'] = 'image/png';
      body = alert.image.png;
    } else {
      headers['Content-Type'] = 'text/plain; charset=utf-8';
    }
    try {
      const response = await fetch(this.options.url, {
        method: alert.image ? 'PUT' : 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
      if (response.ok) return null;
      const retryAfter = Number(response.headers.get('retry-after'));
      return {
        message: `HTTP ${response.status}`,
        retry: response.status === 429 || response.status >= 500,
        ...(retryAfter > 0 ? { waitMs: retryAfter * 1000 } : {}),
      };
    } catch (error) {
      return { message: error instanceof Error ? error.message : String(error), retry: true };
    }
  }
}
