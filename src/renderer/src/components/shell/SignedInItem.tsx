import { useEffect } from 'react';
import { useConnectionStore } from '../../stores/connection-store';
import { useIdentityStore } from '../../stores/identity-store';

/** Who this window acts as: the desktop owner, or a signed-in user with their role (and, in a browser, Sign out). */
export function SignedInItem() {
  const me = useIdentityStore((s) => s.me);
  const loadMe = useIdentityStore((s) => s.loadMe);
  const inBrowser = useConnectionStore((s) => s.transport) === 'http';
  useEffect(() => {
    void loadMe();
  }, [loadMe]);
  if (!me) return null;
  const owner = me.user_id === 'owner';
  return (
    <span className="status-item" data-testid="signed-in-as" data-role={me.role}>
      {owner ? 'Owner' : `${me.username} · ${me.role}`}
      {inBrowser && !owner && (
        <form method="post" action="/auth/browser-sign-out" style={{ display: 'inline', marginLeft: 6 }}>
          <button type="submit" className="btn ghost small" data-testid="sign-out">
            Sign out
          </button>
        </form>
      )}
    </span>
  );
}
