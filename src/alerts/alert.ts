import type { PngImage } from '../render/png-image.ts';

export type AlertKind =
  | 'oi_breach'
  | 'auto_exit'
  | 'square_off'
  | 'feed_down'
  | 'feed_recovered'
  | 'session_expired'
  | 'session_renewed'
  | 'session_reminder'
  | 'daily_summary'
  | 'rule';

/** One event worth pushing to people; platform-neutral, built by the alert engine, sent by notifiers. */
export interface Alert {
  /** Unique per alert: a notifier retrying a send uses it so nothing is delivered twice. */
  id: string;
  kind: AlertKind;
  /** One short line, e.g. "NSE: OI jump at 3 strikes". */
  title: string;
  /** Plain text (no markup), a few lines; always says what time its data is from. */
  text: string;
  /** `high` for auto-exits, square-offs and session expiry. */
  priority: 'default' | 'high';
  /** UTC epoch ms the alert's data is from. */
  dataTime: number;
  /** Short keywords, e.g. ["nse", "oi"] (ntfy shows them as tags). */
  tags: string[];
  image?: PngImage;
  /**
   * Chats that must get this alert, decided by the engine (subscriptions, mutes, the position's owner,
   * admins): `telegram:<chat id>`, `discord:<user id>`, `discord-channel:<channel id>`.
   */
  recipients: string[];
  /** Also send to each notifier's configured alert chats/channels (TELEGRAM_ALERT_CHAT_IDS, …). */
  broadcast: boolean;
}

/** A way to push alerts (Telegram, Discord, ntfy). */
export interface Notifier {
  readonly name: string;
  /** The platform of the `platform:id` keys this notifier delivers to (`telegram`); none for push-only ones. */
  readonly platform?: string;
  /**
   * Delivers the alert to its recipients; retries on its own and rejects only when it gives up. With
   * `progress`, skips the targets it says already got the alert and reports each target delivered.
   */
  notify(alert: Alert, progress?: DeliveryProgress): Promise<void>;
}

/** What a notifier already delivered of one alert (kept in the outbox, so it outlives a restart). */
export interface DeliveryProgress {
  /** Whether `target` (a chat, channel or topic of the notifier's own naming) already got the alert. */
  has(target: string): boolean;
  /** Records that `target` got the alert. */
  delivered(target: string): void;
}
