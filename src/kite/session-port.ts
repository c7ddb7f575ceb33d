/** A Kite session an admin set from chat; secret, so it is never logged. */
export type StoredSession =
  | { kind: 'access_token'; apiKey: string; accessToken: string; savedAt: number }
  | { kind: 'enctoken'; enctoken: string; userId: string; savedAt: number };

/** Where the session set from chat is kept across restarts; the store's `SessionStore` is one. */
export interface SessionPort {
  load(): StoredSession | null;
  save(session: StoredSession): void;
}
