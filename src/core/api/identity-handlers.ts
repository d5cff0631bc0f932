import { OWNER_CALLER, PERMISSIONS, permissionsOf, TIER_REQUESTS_PER_MINUTE, type Caller, type Principal, type Tier } from '../../shared/contract/access';
import { DomainError } from '../../shared/contract/errors';
import type { Handlers } from '../../shared/contract/index';
import type { ApiKeyRecord, SessionRecord, UpgradeRequestRecord, UserRecord } from '../ports/identity';
import type { Clock } from '../ports/clock';
import type { IdentityService } from '../identity/identity-service';

export interface IdentityHandlerDeps {
  identity: IdentityService;
  clock: Clock;
}

type IdentityHandlers = Pick<
  Handlers,
  | 'auth.register'
  | 'auth.login'
  | 'auth.refresh'
  | 'auth.logout'
  | 'auth.me'
  | 'auth.permissions'
  | 'auth.passwordReset'
  | 'auth.passwordResetComplete'
  | 'auth.sessions'
  | 'auth.terminateSession'
  | 'user.me'
  | 'user.requestUpgrade'
  | 'admin.upgradeQueue'
  | 'admin.executeUpgrade'
  | 'identity.users'
  | 'identity.createUser'
  | 'identity.setRole'
  | 'identity.apiKeys'
  | 'identity.createApiKey'
  | 'identity.revokeApiKey'
  | 'identity.pendingResets'
>;

const userView = (u: UserRecord) => ({
  user_id: u.id,
  username: u.username,
  email: u.email,
  full_name: u.fullName,
  role: u.role,
  tier: u.tier,
  created_at: u.createdAt,
  disabled: u.disabled,
});

const sessionView = (s: SessionRecord) => ({
  session_id: s.id,
  user_id: s.userId,
  created_at: s.createdAt,
  last_used_at: s.lastUsedAt,
  device_info: s.deviceInfo,
});

const apiKeyView = (k: ApiKeyRecord) => ({
  key_id: k.id,
  user_id: k.userId,
  name: k.name,
  role: k.role,
  prefix: k.prefix,
  created_at: k.createdAt,
  ...(k.lastUsedAt ? { last_used_at: k.lastUsedAt } : {}),
  ...(k.revokedAt ? { revoked_at: k.revokedAt } : {}),
});

const TIER_OF = { free: 'Free', premium: 'Premium', enterprise: 'Enterprise' } as const satisfies Record<string, Tier>;

/** The desktop owner has no user record: a fixed profile with every permission. */
const OWNER_CONTEXT = { user_id: 'owner', username: 'owner', role: 'admin' as const, permissions: [...PERMISSIONS] };

function signedInUser(caller: Caller | undefined): Extract<Principal, { kind: 'user' }> | undefined {
  const principal = (caller ?? OWNER_CALLER).principal;
  return principal.kind === 'user' ? principal : undefined;
}

/** Contract ⇄ IdentityService: the sign-in flows of every document, and the owner's Users & access pane. */
export function createIdentityHandlers({ identity, clock }: IdentityHandlerDeps): IdentityHandlers {
  const ack = (message: string) => ({ success: true as const, message, data: { timestamp: clock.now().toISOString() } });
  const upgradeView = (r: UpgradeRequestRecord) => ({
    request_id: r.id,
    user_id: r.userId,
    username: identity.user(r.userId).username,
    current_role: r.currentTier,
    target_role: r.requestedTier,
    reason: r.reason,
    status: r.status,
    created_at: r.createdAt,
    ...(r.decidedAt ? { decided_at: r.decidedAt } : {}),
    ...(r.note !== undefined ? { note: r.note } : {}),
  });
  const contextOf = (caller: Caller | undefined) => {
    const user = signedInUser(caller);
    return user ? identity.context(identity.user(user.userId)) : OWNER_CONTEXT;
  };
  return {
    'auth.register': async (input) => userView(await identity.register(input)),
    'auth.login': (input, caller) => {
      const device = { ...(caller?.device ?? {}), ...(input.device_info ?? {}) };
      return identity.login(input.username?.trim() || input.email!.trim(), input.password, device);
    },
    'auth.refresh': (input) => identity.refresh(input.refresh_token),
    'auth.logout': (_input, caller) => {
      identity.logout((caller ?? OWNER_CALLER).principal);
      return ack('Successfully logged out');
    },
    'auth.me': (_input, caller) => contextOf(caller),
    'auth.permissions': (_input, caller) => {
      const context = contextOf(caller);
      return {
        success: true as const,
        message: 'User permissions retrieved',
        data: { permissions: [...permissionsOf(context.role)], role: context.role, timestamp: clock.now().toISOString() },
      };
    },
    'auth.passwordReset': (input) => {
      identity.requestPasswordReset(input.email);
      return ack('If an account exists with this email, reset instructions will be sent');
    },
    'auth.passwordResetComplete': async (input) => {
      await identity.completePasswordReset(input.token, input.new_password);
      return ack('Password reset successful');
    },
    'auth.sessions': (input, caller) => {
      const principal = (caller ?? OWNER_CALLER).principal;
      const self = signedInUser(caller);
      let list: SessionRecord[];
      if (input.user_id && input.user_id !== self?.userId) {
        if (principal.role !== 'admin') throw new DomainError('FORBIDDEN', "Only an admin may list another user's sessions");
        list = identity.sessions(identity.user(input.user_id).id);
      } else if (self) {
        list = identity.sessions(self.userId);
      } else {
        list = identity.listUsers().flatMap((u) => identity.sessions(u.id));
      }
      return {
        success: true as const,
        message: 'Active sessions retrieved',
        data: { sessions: list.map(sessionView), timestamp: clock.now().toISOString() },
      };
    },
    'auth.terminateSession': (input, caller) => {
      identity.terminateSession((caller ?? OWNER_CALLER).principal, input.session_id);
      return ack('Session terminated successfully');
    },
    'user.me': (_input, caller) => {
      const self = signedInUser(caller);
      if (!self) {
        return {
          id: 'owner',
          username: 'owner',
          email: '',
          full_name: 'Desktop owner',
          role: 'Enterprise' as const,
          access_role: 'admin' as const,
          permissions: [...PERMISSIONS],
          quota: { requests_per_minute: null, remaining: null },
        };
      }
      const user = identity.user(self.userId);
      const quota = identity.peekQuota(self);
      return {
        id: user.id,
        username: user.username,
        email: user.email,
        full_name: user.fullName,
        role: user.tier,
        access_role: self.role,
        permissions: [...permissionsOf(self.role)],
        quota: { requests_per_minute: TIER_REQUESTS_PER_MINUTE[user.tier], remaining: quota },
      };
    },
    'user.requestUpgrade': (input, caller) => {
      const self = signedInUser(caller);
      if (!self) throw new DomainError('VALIDATION_FAILED', 'The desktop owner has every tier already; upgrades are for users');
      return upgradeView(identity.requestUpgrade(self.userId, TIER_OF[input.target_role], input.reason ?? ''));
    },
    'admin.upgradeQueue': () => identity.upgradeQueue().map(upgradeView),
    'admin.executeUpgrade': (input) => upgradeView(identity.decideUpgrade(input.request_id, input.action, input.note)),
    'identity.users': () => identity.listUsers().map(userView),
    'identity.createUser': async (input) => userView(await identity.register(input, input.role)),
    'identity.setRole': (input) => userView(identity.setRole(input.user_id, input.role)),
    'identity.apiKeys': (_input, caller) => {
      const self = signedInUser(caller);
      const all = (caller ?? OWNER_CALLER).principal.role === 'admin';
      return identity.apiKeys(all ? undefined : self?.userId).map(apiKeyView);
    },
    'identity.createApiKey': (input, caller) => {
      const principal = (caller ?? OWNER_CALLER).principal;
      const self = signedInUser(caller);
      const userId = input.user_id ?? self?.userId;
      if (!userId) throw new DomainError('VALIDATION_FAILED', 'Name the user the key is for (user_id): the owner signs in with the local token');
      if (userId !== self?.userId && principal.role !== 'admin') throw new DomainError('FORBIDDEN', 'Only an admin may create keys for another user');
      const { key, record } = identity.createApiKey(userId, input.name, input.role);
      return { ...apiKeyView(record), api_key: key };
    },
    'identity.revokeApiKey': (input, caller) => {
      identity.revokeApiKey((caller ?? OWNER_CALLER).principal, input.key_id);
      return { key_id: input.key_id, revoked: true as const };
    },
    'identity.pendingResets': () => identity.pendingResets(),
  };
}
