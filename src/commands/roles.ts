/** Who may do what: viewers read and subscribe to alerts, traders also paper-trade, admins also manage the Kite session. */
export type Role = 'viewer' | 'trader' | 'admin';

export const ROLE_RANK: Record<Role, number> = { viewer: 1, trader: 2, admin: 3 };

export const ROLES: readonly Role[] = ['viewer', 'trader', 'admin'];
