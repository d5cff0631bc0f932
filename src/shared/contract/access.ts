/**
 * Who may do what. Roles come from the trading-application document (admin | exporter | viewer); tiers and their
 * request quotas from the ai-trading-hub document (Free | Premium | Enterprise). Every procedure of the contract names
 * one permission; a role grants a fixed set of them. The desktop owner (Electron IPC, the local API token) is admin.
 */

export const ROLES = ['admin', 'exporter', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * - `read`: look at anything but secrets (portfolios, tasks, trades, backtests, the journal).
 * - `export`: download trades, backtests and the journal as CSV.
 * - `write`: change capital allocations, strategies, run backtests and research.
 * - `trade`: start/stop tasks, place and close orders.
 * - `brokers`: add, edit and connect broker accounts and the MT5 terminal.
 * - `users`: manage users, roles, sessions of others, API keys of others, the upgrade queue.
 */
export const PERMISSIONS = ['read', 'export', 'write', 'trade', 'brokers', 'users'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  exporter: ['read', 'export'],
  viewer: ['read'],
};

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

export function roleGrants(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, exporter: 1, admin: 2 };

/** The lesser of two roles (an API key never carries more than its owner has now). */
export function lesserRole(a: Role, b: Role): Role {
  return ROLE_RANK[a] <= ROLE_RANK[b] ? a : b;
}

export const TIERS = ['Free', 'Premium', 'Enterprise'] as const;
export type Tier = (typeof TIERS)[number];

/** Requests per minute per user or API key (the owner has no quota). */
export const TIER_REQUESTS_PER_MINUTE: Record<Tier, number> = { Free: 60, Premium: 600, Enterprise: 6000 };

/** Who is calling: the desktop owner, a signed-in user (JWT of a session) or a script with an API key. */
export type Principal =
  | { kind: 'owner'; role: 'admin' }
  /** Nobody signed in: may call only the public procedures (sign-in itself, health). */
  | { kind: 'anonymous'; role: 'viewer' }
  | {
      kind: 'user';
      userId: string;
      username: string;
      role: Role;
      tier: Tier;
      /** The session of the access token; absent for API keys. */
      sessionId?: string;
      apiKeyId?: string;
    };

export const OWNER: Principal = { kind: 'owner', role: 'admin' };
export const ANONYMOUS: Principal = { kind: 'anonymous', role: 'viewer' };

export function principalCan(principal: Principal, permission: RequiredPermission): boolean {
  if (permission === 'public') return true;
  if (principal.kind === 'anonymous') return false;
  if (permission === 'signed-in') return true;
  return roleGrants(principal.role, permission);
}

/** What a procedure needs: a permission, any signed-in caller (their own profile), or nothing (sign-in itself). */
export type RequiredPermission = Permission | 'signed-in' | 'public';

/** Where a request came from, as the identity procedures record it on a session. */
export interface CallerDevice {
  ip_address?: string;
  user_agent?: string;
  device_type?: string;
}

/** Who calls a procedure, handed to every handler by the transport (IPC and the local token: the owner). */
export interface Caller {
  principal: Principal;
  device?: CallerDevice;
}

export const OWNER_CALLER: Caller = { principal: OWNER };
