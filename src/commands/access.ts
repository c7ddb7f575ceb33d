import { normalizeChatKey } from '../util/chat-key.ts';
import { ROLE_RANK, ROLES, type Role } from './roles.ts';

/** Who is asking: the platform and its user (or chat) id, e.g. `telegram:1001`, `discord:4242`, `console`. */
export interface Caller {
  /** The book and the role key: `telegram:<user id>`, `discord:<user id>`, `console`, `api`. */
  owner: string;
  /** The chat's key for group roles, e.g. `telegram:-100777`; may equal `owner`. */
  chat?: string;
  /** Others in the chat read what the caller types (a group): secrets must not be sent here. */
  shared?: boolean;
}

/** Parses `ACCESS` (`telegram:1001=admin,discord:4242=trader,telegram:-100777=viewer`); null when malformed. */
export function parseAccess(text: string): Map<string, Role> | null {
  const roles = new Map<string, Role>();
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [key, role, ...rest] = entry.split('=');
    const chatKey = normalizeChatKey(key ?? '');
    const wanted = role?.toLowerCase() as Role;
    if (chatKey === null || rest.length > 0 || !ROLES.includes(wanted)) return null;
    roles.set(chatKey, wanted);
  }
  return roles;
}

/** The caller's role: their own entry, else their chat's (a group), else none. The console is admin. */
export function roleOf(access: ReadonlyMap<string, Role>, caller: Caller): Role | null {
  if (caller.owner === 'console') return 'admin';
  const own = access.get(caller.owner);
  const group = caller.chat ? access.get(caller.chat) : undefined;
  if (own && group) return ROLE_RANK[own] >= ROLE_RANK[group] ? own : group;
  return own ?? group ?? null;
}

/** The keys ACCESS gives `role` (exactly that role). */
export function keysWithRole(access: ReadonlyMap<string, Role>, role: Role): string[] {
  return [...access].filter(([, given]) => given === role).map(([key]) => key);
}

export function allows(role: Role | null, needed: Role): boolean {
  return role !== null && ROLE_RANK[role] >= ROLE_RANK[needed];
}
