/**
 * Owner and chat keys are opaque `platform:id` strings: the platform is a lower-case word (with an
 * optional `-kind`, e.g. `discord-channel:42`), the id any non-empty string without `,`, `=` or
 * whitespace, since Slack and Matrix ids are not numbers. `console` and `api` are not chat keys.
 */
const CHAT_KEY = /^([a-z][a-z0-9]*)(-[a-z0-9]+)?:([^\s,=]+)$/;

export function isChatKey(key: string): boolean {
  return CHAT_KEY.test(key);
}

/** The platform a chat key belongs to (`discord-channel:42` → `discord`), or null for other keys. */
export function platformOf(key: string): string | null {
  return key.match(CHAT_KEY)?.[1] ?? null;
}

/** A key as written in ACCESS, with its platform part in lower case (`Telegram:1001` → `telegram:1001`); null when malformed. */
export function normalizeChatKey(text: string): string | null {
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const key = text.slice(0, colon).toLowerCase() + text.slice(colon);
  return isChatKey(key) ? key : null;
}
