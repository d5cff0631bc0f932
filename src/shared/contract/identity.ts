import { z } from 'zod';
import { PERMISSIONS, ROLES, TIERS } from './access';
import { defineProcedure } from './procedure';

/**
 * Identity and access (issue 11): every documented sign-in, on one account store.
 * forex-echo `/api/auth/register|login` (market7 signs in at the same path with username + password);
 * trading-application `/api/v1/auth/...`; ai-trading-hub `/auth/register`, `/auth/token` (OAuth2 password form),
 * `/user/...` and `/admin/...`; and the owner's Users & access pane under `/api/identity/...`.
 */

const password = z.string({ error: 'password is required' }).min(1, 'password is required').max(1024, 'password is too long');
const deviceInfo = z
  .object({
    ip_address: z.string().max(100).optional(),
    user_agent: z.string().max(500).optional(),
    device_type: z.string().max(100).optional(),
  })
  .optional();
const role = z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` });
const timestamp = z.string();

const userContext = z.object({
  user_id: z.string(),
  username: z.string(),
  role,
  permissions: z.array(z.string()),
});

const tokenPair = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number(),
  user_context: userContext,
});

const userView = z.object({
  user_id: z.string(),
  username: z.string(),
  email: z.string(),
  full_name: z.string(),
  role,
  tier: z.enum(TIERS),
  created_at: z.string(),
  disabled: z.boolean(),
});
export type UserView = z.infer<typeof userView>;

/** Envelopes that answer with the body as is carry no separate message: the body's own `message` or nothing. */
const noMessage = () => '';
const bodyMessage = (o: { message: string }) => o.message;

const ackBody = z.object({ success: z.literal(true), message: z.string(), data: z.object({ timestamp }) });

export const register = defineProcedure({
  name: 'auth.register',
  tag: 'Identity',
  summary: 'Register a user (starts as viewer on the Free tier; an admin grants more)',
  description:
    'forex-echo sends username, email, password, full_name; ai-trading-hub sends email, password, full_name and the username ' +
    'is derived from the email. Usernames and emails are unique whatever their case. Passwords: 8 characters or more.',
  input: z.strictObject({
    username: z.string().max(32, 'username must be at most 32 characters').optional(),
    email: z.string({ error: 'email is required' }).max(254, 'email is too long'),
    password: password,
    full_name: z.string().max(200, 'full_name must be at most 200 characters').optional(),
  }),
  output: userView,
  http: [
    { method: 'POST', path: '/api/auth/register', envelope: 'forex-echo', public: true, status: 201 },
    { method: 'POST', path: '/auth/register', envelope: 'ai-trading-hub', public: true, status: 201 },
  ],
  message: (u) => `User ${u.username} registered as ${u.role}`,
});

export const login = defineProcedure({
  name: 'auth.login',
  tag: 'Identity',
  summary: 'Sign in with username or email and password: a JWT access token (1 day) and a refresh token',
  description:
    'Accepts `email` (forex-echo), `username` (trading-application, market7) or the OAuth2 password form of ai-trading-hub ' +
    '(`/auth/token`, form-encoded, username = the email). Unknown names and wrong passwords get the same answer; after 5 ' +
    'failures in a row each further try of that name waits 1 s, 2 s, 4 s … (at most 15 minutes).',
  input: z
    .strictObject({
      username: z.string().max(254).optional(),
      email: z.string().max(254).optional(),
      password: password,
      device_info: deviceInfo,
      // OAuth2 password-form fields some clients send along; ignored.
      grant_type: z.string().optional(),
      scope: z.string().optional(),
      client_id: z.string().optional(),
      client_secret: z.string().optional(),
    })
    .refine((v) => Boolean(v.username?.trim() || v.email?.trim()), { message: 'send username or email', path: ['username'] }),
  output: tokenPair,
  http: [
    { method: 'POST', path: '/api/auth/login', envelope: 'forex-echo', public: true },
    { method: 'POST', path: '/api/v1/auth/login', envelope: 'trading-application', public: true },
    { method: 'POST', path: '/auth/token', envelope: 'ai-trading-hub', public: true, form: true },
  ],
  message: (t) => `Signed in as ${t.user_context.username}`,
});

export const refresh = defineProcedure({
  name: 'auth.refresh',
  tag: 'Identity',
  summary: 'A new token pair for a refresh token (which is spent: presenting it again ends the session)',
  input: z.strictObject({ refresh_token: z.string({ error: 'refresh_token is required' }).min(1, 'refresh_token is required').max(200) }),
  output: tokenPair,
  http: [{ method: 'POST', path: '/api/v1/auth/refresh', envelope: 'trading-application', public: true }],
  message: noMessage,
});

export const logout = defineProcedure({
  name: 'auth.logout',
  tag: 'Identity',
  summary: 'End the current session: its access and refresh tokens stop working at once',
  input: z.strictObject({}),
  output: ackBody,
  http: [{ method: 'POST', path: '/api/v1/auth/logout', envelope: 'trading-application' }],
  message: bodyMessage,
});

export const me = defineProcedure({
  name: 'auth.me',
  tag: 'Identity',
  summary: 'Who am I: user id, username, role and permissions',
  input: z.strictObject({}),
  output: userContext,
  http: [{ method: 'GET', path: '/api/v1/auth/me', envelope: 'trading-application' }],
  message: noMessage,
});

export const permissions = defineProcedure({
  name: 'auth.permissions',
  tag: 'Identity',
  summary: "The current user's role and permissions",
  input: z.strictObject({}),
  output: z.object({
    success: z.literal(true),
    message: z.string(),
    data: z.object({ permissions: z.array(z.enum(PERMISSIONS)), role, timestamp }),
  }),
  http: [{ method: 'GET', path: '/api/v1/auth/permissions', envelope: 'trading-application' }],
  message: bodyMessage,
});

export const requestPasswordReset = defineProcedure({
  name: 'auth.passwordReset',
  tag: 'Identity',
  summary: 'Ask for a password reset (the one-time token goes to the desktop owner, who hands it on)',
  description: 'The same answer whether or not the email is known. The token is valid 30 minutes and works once.',
  input: z.strictObject({ email: z.string({ error: 'email is required' }).min(1, 'email is required').max(254) }),
  output: ackBody,
  http: [{ method: 'POST', path: '/api/v1/auth/password/reset', envelope: 'trading-application', public: true }],
  message: bodyMessage,
});

export const completePasswordReset = defineProcedure({
  name: 'auth.passwordResetComplete',
  tag: 'Identity',
  summary: 'Set a new password with a reset token; every session of the user ends',
  input: z.strictObject({
    token: z.string({ error: 'token is required' }).min(1, 'token is required').max(200),
    new_password: password,
  }),
  output: ackBody,
  http: [{ method: 'POST', path: '/api/v1/auth/password/reset/complete', envelope: 'trading-application', public: true }],
  message: bodyMessage,
});

const sessionView = z.object({
  session_id: z.string(),
  user_id: z.string(),
  created_at: z.string(),
  last_used_at: z.string(),
  device_info: z.object({ ip_address: z.string().optional(), user_agent: z.string().optional(), device_type: z.string().optional() }),
});

export const sessions = defineProcedure({
  name: 'auth.sessions',
  tag: 'Identity',
  summary: 'Active sessions of the current user (an admin may name another user, or see all)',
  input: z.strictObject({ user_id: z.string().max(64).optional() }),
  output: z.object({
    success: z.literal(true),
    message: z.string(),
    data: z.object({ sessions: z.array(sessionView), timestamp }),
  }),
  http: [{ method: 'GET', path: '/api/v1/auth/sessions', envelope: 'trading-application' }],
  message: bodyMessage,
});

export const terminateSession = defineProcedure({
  name: 'auth.terminateSession',
  tag: 'Identity',
  summary: 'End one of your sessions (an admin: anyone’s)',
  input: z.strictObject({ session_id: z.string().min(1).max(64) }),
  output: ackBody,
  http: [{ method: 'POST', path: '/api/v1/auth/sessions/{session_id}/terminate', envelope: 'trading-application' }],
  message: bodyMessage,
});

const tierLower = z.enum(['free', 'premium', 'enterprise'], { error: 'target_role must be "premium" or "enterprise"' });

export const profile = defineProcedure({
  name: 'user.me',
  tag: 'Identity',
  summary: 'Personal data, membership (Free / Premium / Enterprise) and request quota',
  input: z.strictObject({}),
  output: z.object({
    id: z.string(),
    username: z.string(),
    email: z.string(),
    full_name: z.string(),
    role: z.enum(TIERS),
    access_role: role,
    permissions: z.array(z.string()),
    quota: z.object({ requests_per_minute: z.number().nullable(), remaining: z.number().nullable() }),
  }),
  http: [{ method: 'GET', path: '/user/me', envelope: 'ai-trading-hub' }],
  message: noMessage,
});

const upgradeView = z.object({
  request_id: z.string(),
  user_id: z.string(),
  username: z.string(),
  current_role: z.enum(TIERS),
  target_role: z.enum(TIERS),
  reason: z.string(),
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED']),
  created_at: z.string(),
  decided_at: z.string().optional(),
  note: z.string().optional(),
});

export const requestUpgrade = defineProcedure({
  name: 'user.requestUpgrade',
  tag: 'Identity',
  summary: 'Ask an admin for a higher membership (premium or enterprise)',
  input: z.strictObject({ target_role: tierLower, reason: z.string().max(500).optional() }),
  output: upgradeView,
  http: [{ method: 'POST', path: '/user/request-upgrade', envelope: 'ai-trading-hub', status: 201 }],
  message: noMessage,
});

export const upgradeQueue = defineProcedure({
  name: 'admin.upgradeQueue',
  tag: 'Identity',
  summary: 'Users waiting for an upgrade (admin)',
  input: z.strictObject({}),
  output: z.array(upgradeView),
  http: [{ method: 'GET', path: '/admin/upgrade-queue', envelope: 'ai-trading-hub' }],
  message: noMessage,
});

export const executeUpgrade = defineProcedure({
  name: 'admin.executeUpgrade',
  tag: 'Identity',
  summary: 'Approve or reject an upgrade request (admin)',
  input: z.strictObject({
    request_id: z.string({ error: 'request_id is required' }).min(1).max(64),
    action: z.enum(['APPROVE', 'REJECT'], { error: 'action must be "APPROVE" or "REJECT"' }),
    note: z.string().max(500).default(''),
  }),
  output: upgradeView,
  http: [{ method: 'POST', path: '/admin/execute-upgrade', envelope: 'ai-trading-hub' }],
  message: noMessage,
});

// ── the owner's Users & access pane ──────────────────────────────────────────────────────────────────────────────

export const listUsers = defineProcedure({
  name: 'identity.users',
  tag: 'Identity',
  summary: 'Every user with role and tier (admin)',
  input: z.strictObject({}),
  output: z.array(userView),
  http: [{ method: 'GET', path: '/api/identity/users', envelope: 'forex-echo' }],
  message: (u) => `${u.length} user(s)`,
});

export const createUser = defineProcedure({
  name: 'identity.createUser',
  tag: 'Identity',
  summary: 'Create a user with a role (admin)',
  input: z.strictObject({
    username: z.string().max(32),
    email: z.string().max(254),
    password: password,
    full_name: z.string().max(200).optional(),
    role: role.default('viewer'),
  }),
  output: userView,
  http: [{ method: 'POST', path: '/api/identity/users', envelope: 'forex-echo', status: 201 }],
  message: (u) => `User ${u.username} created as ${u.role}`,
});

export const setUserRole = defineProcedure({
  name: 'identity.setRole',
  tag: 'Identity',
  summary: "Change a user's role (admin); it applies to their next request",
  input: z.strictObject({ user_id: z.string().min(1).max(64), role }),
  output: userView,
  http: [{ method: 'PUT', path: '/api/identity/users/{user_id}/role', envelope: 'forex-echo' }],
  message: (u) => `${u.username} is now ${u.role}`,
});

const apiKeyView = z.object({
  key_id: z.string(),
  user_id: z.string(),
  name: z.string(),
  role,
  prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().optional(),
  revoked_at: z.string().optional(),
});

export const listApiKeys = defineProcedure({
  name: 'identity.apiKeys',
  tag: 'Identity',
  summary: 'API keys (yours; an admin sees all)',
  input: z.strictObject({}),
  output: z.array(apiKeyView),
  http: [{ method: 'GET', path: '/api/identity/api-keys', envelope: 'forex-echo' }],
  message: (k) => `${k.length} API key(s)`,
});

export const createApiKey = defineProcedure({
  name: 'identity.createApiKey',
  tag: 'Identity',
  summary: 'Create an API key for scripts: shown once, stored hashed, at most its user’s role',
  description: 'Send it as `X-API-Key: <key>` or `Authorization: Bearer <key>`. An admin may create one for another user (user_id).',
  input: z.strictObject({
    name: z.string().max(100).default('script'),
    role: role.optional(),
    user_id: z.string().max(64).optional(),
  }),
  output: apiKeyView.extend({ api_key: z.string() }),
  http: [{ method: 'POST', path: '/api/identity/api-keys', envelope: 'forex-echo', status: 201 }],
  message: () => 'API key created: copy it now, it is not shown again',
});

export const revokeApiKey = defineProcedure({
  name: 'identity.revokeApiKey',
  tag: 'Identity',
  summary: 'Revoke an API key; it is refused from the next request on',
  input: z.strictObject({ key_id: z.string().min(1).max(64) }),
  output: z.object({ key_id: z.string(), revoked: z.literal(true) }),
  http: [{ method: 'DELETE', path: '/api/identity/api-keys/{key_id}', envelope: 'forex-echo' }],
  message: () => 'API key revoked',
});

export const pendingResets = defineProcedure({
  name: 'identity.pendingResets',
  tag: 'Identity',
  summary: 'Password-reset tokens waiting to be handed on (admin; there is no mail server)',
  input: z.strictObject({}),
  output: z.array(z.object({ user_id: z.string(), username: z.string(), email: z.string(), token: z.string(), expires_at: z.string() })),
  http: [{ method: 'GET', path: '/api/identity/password-resets', envelope: 'forex-echo' }],
  message: (r) => `${r.length} reset token(s) waiting`,
});
