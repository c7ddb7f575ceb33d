import type { Alert, DeliveryProgress, Notifier } from '../../src/alerts/alert.ts';
import { redactedMessage } from './redact.ts';
import { TelegramSendError } from './send-queue.ts';
import type { Outgoing, TelegramSender } from './telegram-sender.ts';

const PREFIX = 'telegram:';
/** How many (alert, chat) deliveries are remembered to refuse repeats. */
const REMEMBERED_DELIVERIES = 10_000;

/** `telegram:-100123` or `-100123` as the Bot API's chat_id: a number, or an `@channel` name as is. */
export function telegramChatId(key: string): number | string {
  const id = key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key;
  return /^-?\d+$/.test(id) ? Number(id) : id;
}

export function alertOutgoing(alert: Alert): Outgoing {
  return {
    blocks: [{ text: alert.title, style: 'bold' }, { text: alert.text }],
    ...(alert.image ? { image: alert.image } : {}),
  };
}

/** Delivers alerts to their Telegram recipients (and the alert chats when broadcast), each chat once per alert. */
export class TelegramNotifier implements Notifier {
  readonly name = 'telegram';
  readonly platform = 'telegram';
  private readonly delivered = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly sender: TelegramSender,
    private readonly alertChatIds: readonly string[],
    private readonly token: string,
  ) {}

  /** The chats an alert goes to: its telegram recipients, plus the alert chats when it is a broadcast. */
  chatsFor(alert: Alert): (number | string)[] {
    const keys = alert.recipients.filter((recipient) => recipient.startsWith(PREFIX));
    if (alert.broadcast) keys.push(...this.alertChatIds);
    return [...new Set(keys.map((key) => String(telegramChatId(key))))].map(telegramChatId);
  }

  async notify(alert: Alert, progress?: DeliveryProgress): Promise<void> {
    const chats = this.chatsFor(alert).filter((chat) => !progress?.has(String(chat)));
    const results = await Promise.allSettled(chats.map((chat) => this.deliverOnce(alert, chat, progress)));
    const failed = chats.filter((_, index) => results[index]!.status === 'rejected');
    if (failed.length === 0) return;
    const { reason } = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    const cause = redactedMessage(reason instanceof TelegramSendError ? reason.cause : reason, this.token);
    throw new Error(`Telegram alert ${alert.id} was not delivered to ${failed.join(', ')}: ${cause}`);
  }

  private deliverOnce(alert: Alert, chat: number | string, progress?: DeliveryProgress): Promise<void> {
    const key = `${alert.id}\u0000${chat}`;
    if (this.delivered.has(key)) return Promise.resolve();
    const running = this.inFlight.get(key);
    if (running) return running;
    const delivery = this.sender
      .post(chat, alertOutgoing(alert))
      .then(() => {
        this.remember(key);
        progress?.delivered(String(chat));
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, delivery);
    return delivery;
  }

  private remember(key: string): void {
    this.delivered.add(key);
    if (this.delivered.size > REMEMBERED_DELIVERIES) {
      const oldest = this.delivered.values().next().value;
      if (oldest !== undefined) this.delivered.delete(oldest);
    }
  }
}
