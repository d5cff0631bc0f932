import { useEffect, useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../../shared/contract/access';
import { api } from '../../api/client';
import { useIdentityStore } from '../../stores/identity-store';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { Field } from '../common/Field';
import { FormFeedback } from '../common/FormFeedback';
import { Panel } from '../common/Panel';

const when = (iso: string | undefined) => (iso ? iso.replace('T', ' ').slice(0, 16) : '—');

/** Settings → Users & access: who may use this workstation, their sessions, API keys, upgrades and reset tokens. */
export function UsersWorkspace() {
  const me = useIdentityStore((s) => s.me);
  const refresh = useIdentityStore((s) => s.refresh);
  const loadError = useIdentityStore((s) => s.loadError);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const admin = me?.permissions.includes('users') ?? false;
  return (
    <div className="users-page" data-testid="users-workspace">
      <Panel title="You" bodyClassName="padded" testId="users-me">
        {me ? (
          <dl className="kv">
            <dt>Signed in as</dt>
            <dd data-testid="users-me-name">{me.user_id === 'owner' ? 'the desktop owner (local token)' : me.username}</dd>
            <dt>Role</dt>
            <dd data-testid="users-me-role">{me.role}</dd>
            <dt>Permissions</dt>
            <dd>{me.permissions.join(', ')}</dd>
          </dl>
        ) : (
          <p className="dim">{loadError ?? 'Loading…'}</p>
        )}
        <p className="dim small">
          viewer reads everything but secrets · exporter also exports CSV · admin changes allocations, trades, manages brokers and
          users. A self-registered user starts as viewer; only an admin grants more.
        </p>
      </Panel>
      {admin && <AddUserPanel />}
      {admin && <UsersPanel />}
      <SessionsPanel />
      <ApiKeysPanel />
      {admin && <UpgradesPanel />}
      {admin && <ResetsPanel />}
    </div>
  );
}

function AddUserPanel() {
  const act = useIdentityStore((s) => s.act);
  const [form, setForm] = useState({ username: '', email: '', password: '', role: 'viewer' as Role });
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await act(() => api.identity.createUser(form), `User ${form.username} created as ${form.role}`);
    setOutcome(result);
    if (result.ok) setForm({ username: '', email: '', password: '', role: 'viewer' });
  };
  return (
    <Panel title="Add a user" bodyClassName="padded">
      <form className="users-form" onSubmit={(e) => void submit(e)} data-testid="add-user-form">
        <Field label="Username" htmlFor="new-user-name">
          <input id="new-user-name" className="input" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} required />
        </Field>
        <Field label="Email" htmlFor="new-user-email">
          <input id="new-user-email" className="input" type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} required />
        </Field>
        <Field label="Password" htmlFor="new-user-password" note="8 characters or more; the user can change it by a reset">
          <input id="new-user-password" className="input" type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} required />
        </Field>
        <Field label="Role" htmlFor="new-user-role">
          <select id="new-user-role" className="select" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="btn primary" data-testid="add-user-submit">
          Add user
        </button>
      </form>
      <FormFeedback outcome={outcome} testId="add-user-feedback" />
    </Panel>
  );
}

function UsersPanel() {
  const users = useIdentityStore((s) => s.users);
  const act = useIdentityStore((s) => s.act);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  return (
    <Panel title={`Users (${users.length})`} className="wide" testId="users-list">
      <table className="grid">
        <thead>
          <tr>
            <th>Username</th>
            <th>Email</th>
            <th>Role</th>
            <th>Tier</th>
            <th>Since</th>
          </tr>
        </thead>
        <tbody>
          {users.length === 0 && (
            <tr>
              <td colSpan={5} className="dim">
                No users yet: add one above, or let people register at /api/auth/register.
              </td>
            </tr>
          )}
          {users.map((u) => (
            <tr key={u.user_id} data-testid={`user-row-${u.username}`}>
              <td>{u.username}</td>
              <td className="dim">{u.email}</td>
              <td>
                <select
                  className="select"
                  aria-label={`Role of ${u.username}`}
                  value={u.role}
                  onChange={(e) => {
                    const role = e.target.value as Role;
                    void act(() => api.identity.setRole({ user_id: u.user_id, role }), `${u.username} is now ${role}`).then(setOutcome);
                  }}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td>{u.tier}</td>
              <td className="dim mono">{when(u.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <FormFeedback outcome={outcome} testId="users-feedback" />
    </Panel>
  );
}

function SessionsPanel() {
  const sessions = useIdentityStore((s) => s.sessions);
  const users = useIdentityStore((s) => s.users);
  const me = useIdentityStore((s) => s.me);
  const act = useIdentityStore((s) => s.act);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const nameOf = (id: string) => (id === me?.user_id ? me.username : (users.find((u) => u.user_id === id)?.username ?? id));
  return (
    <Panel title={`Sessions (${sessions.length})`} testId="sessions-list">
      <table className="grid">
        <thead>
          <tr>
            <th>User</th>
            <th>Device</th>
            <th>Started</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sessions.length === 0 && (
            <tr>
              <td colSpan={4} className="dim">
                No signed-in sessions.
              </td>
            </tr>
          )}
          {sessions.map((s) => (
            <tr key={s.session_id}>
              <td>{nameOf(s.user_id)}</td>
              <td className="dim" title={s.device_info.user_agent}>
                {s.device_info.device_type ?? 'client'} · {s.device_info.ip_address ?? '—'}
              </td>
              <td className="dim mono">{when(s.created_at)}</td>
              <td>
                <button
                  type="button"
                  className="btn small"
                  onClick={() => void act(() => api.auth.terminateSession({ session_id: s.session_id }), 'Session ended').then(setOutcome)}
                >
                  Terminate
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <FormFeedback outcome={outcome} testId="sessions-feedback" />
    </Panel>
  );
}

function ApiKeysPanel() {
  const me = useIdentityStore((s) => s.me);
  const keys = useIdentityStore((s) => s.apiKeys);
  const users = useIdentityStore((s) => s.users);
  const act = useIdentityStore((s) => s.act);
  const [name, setName] = useState('script');
  const [userId, setUserId] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const owner = me?.user_id === 'owner';
  const create = async (event: FormEvent) => {
    event.preventDefault();
    let key = '';
    const result = await act(async () => {
      key = (await api.identity.createApiKey({ name, ...(owner ? { user_id: userId } : {}) })).api_key;
    }, 'API key created: copy it now, it is not shown again');
    setOutcome(result);
    setShown(result.ok ? key : null);
  };
  return (
    <Panel title={`API keys (${keys.filter((k) => !k.revoked_at).length} active)`} testId="api-keys">
      <form className="users-form inline" onSubmit={(e) => void create(e)}>
        <Field label="Name" htmlFor="api-key-name">
          <input id="api-key-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        {owner && (
          <Field label="For user" htmlFor="api-key-user">
            <select id="api-key-user" className="select" value={userId} onChange={(e) => setUserId(e.target.value)} required>
              <option value="">choose…</option>
              {users.map((u) => (
                <option key={u.user_id} value={u.user_id}>
                  {u.username} ({u.role})
                </option>
              ))}
            </select>
          </Field>
        )}
        <button type="submit" className="btn" data-testid="api-key-create">
          Create key
        </button>
      </form>
      {shown && (
        <pre className="snippet" data-testid="api-key-shown">
          {shown}
        </pre>
      )}
      <FormFeedback outcome={outcome} testId="api-key-feedback" />
      <table className="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th>Key</th>
            <th>Role</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.key_id} className={k.revoked_at ? 'dim' : undefined}>
              <td>{k.name}</td>
              <td className="mono">{k.prefix}…</td>
              <td>{k.role}</td>
              <td className="dim mono">{k.revoked_at ? 'revoked' : when(k.last_used_at)}</td>
              <td>
                {!k.revoked_at && (
                  <button
                    type="button"
                    className="btn small danger"
                    onClick={() => void act(() => api.identity.revokeApiKey({ key_id: k.key_id }), `Key ${k.name} revoked`).then(setOutcome)}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

function UpgradesPanel() {
  const upgrades = useIdentityStore((s) => s.upgrades);
  const act = useIdentityStore((s) => s.act);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const decide = (requestId: string, action: 'APPROVE' | 'REJECT') =>
    void act(() => api.admin.executeUpgrade({ request_id: requestId, action, note: 'from the Users pane' }), `Request ${action === 'APPROVE' ? 'approved' : 'rejected'}`).then(setOutcome);
  return (
    <Panel title={`Upgrade requests (${upgrades.length})`} testId="upgrade-queue">
      <table className="grid">
        <tbody>
          {upgrades.length === 0 && (
            <tr>
              <td className="dim">Nobody is waiting for an upgrade.</td>
            </tr>
          )}
          {upgrades.map((r) => (
            <tr key={r.request_id}>
              <td>{r.username}</td>
              <td>
                {r.current_role} → {r.target_role}
              </td>
              <td className="dim">{r.reason}</td>
              <td>
                <button type="button" className="btn small primary" onClick={() => decide(r.request_id, 'APPROVE')}>
                  Approve
                </button>{' '}
                <button type="button" className="btn small" onClick={() => decide(r.request_id, 'REJECT')}>
                  Reject
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <FormFeedback outcome={outcome} testId="upgrade-feedback" />
    </Panel>
  );
}

function ResetsPanel() {
  const resets = useIdentityStore((s) => s.resets);
  return (
    <Panel title="Password reset tokens" testId="reset-tokens" bodyClassName="padded">
      <p className="dim small">
        There is no mail server: when someone asks for a reset, the one-time token (valid 30 minutes) appears here and as a
        notification. Hand it to them; they complete the reset at /api/v1/auth/password/reset/complete.
      </p>
      {resets.length === 0 ? (
        <p className="dim">No reset waiting.</p>
      ) : (
        <table className="grid">
          <tbody>
            {resets.map((r) => (
              <tr key={r.token}>
                <td>{r.username}</td>
                <td className="mono">{r.token}</td>
                <td className="dim mono">until {when(r.expires_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
