import { useState, type FormEvent } from 'react';
import { useNotificationStore } from '../../stores/notification-store';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { useTradingStore } from '../../stores/trading-store';

const SPEEDS = [0.5, 1, 2, 5, 10, 50, 200];

/** Session picker and creation, offline feed speed, and the desktop-alerts switch. */
export function SessionBar() {
  const sessions = useTradingStore((s) => s.sessions);
  const sessionId = useTradingStore((s) => s.sessionId);
  const selectSession = useTradingStore((s) => s.selectSession);
  const createSession = useTradingStore((s) => s.createSession);
  const feedSpeed = useTradingStore((s) => s.feedSpeed);
  const setFeedSpeed = useTradingStore((s) => s.setFeedSpeed);
  const pollError = useTradingStore((s) => s.pollError);
  const [userId, setUserId] = useState('');
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const [busy, setBusy] = useState(false);

  async function create(e: FormEvent) {
    e.preventDefault();
    if (!userId.trim()) return;
    setBusy(true);
    const result = await createSession(userId.trim());
    setBusy(false);
    setOutcome(result.ok ? null : result);
    if (result.ok) setUserId('');
  }

  const speeds = feedSpeed !== null && !SPEEDS.includes(feedSpeed) ? [...SPEEDS, feedSpeed].sort((a, b) => a - b) : SPEEDS;

  return (
    <div className="session-bar" data-testid="session-bar">
      <label className="sb-label" htmlFor="session-select">
        Session
      </label>
      <select
        id="session-select"
        className="select sb-select"
        value={sessionId ?? ''}
        onChange={(e) => selectSession(e.target.value || null)}
        data-testid="session-select"
        disabled={sessions.length === 0}
      >
        {sessions.length === 0 && <option value="">No active session</option>}
        {sessions.map((s) => (
          <option key={s.session_id} value={s.session_id}>
            {s.user_id} · {s.session_id.slice(0, 8)} · {s.active_tasks} task(s)
          </option>
        ))}
      </select>
      <form className="sb-create" onSubmit={(e) => void create(e)}>
        <input
          className="input"
          placeholder="User id, e.g. trader_001"
          value={userId}
          onChange={(e) => setUserId(e.target.value)}
          aria-label="User id for a new session"
          data-testid="session-user"
        />
        <button type="submit" className="btn" disabled={busy || !userId.trim()} data-testid="session-create">
          New session
        </button>
      </form>
      {outcome && !outcome.ok && (
        <span className="sb-error" role="alert" data-testid="session-error">
          {outcome.message}
        </span>
      )}
      {pollError && !outcome && (
        <span className="sb-error" role="alert">
          {pollError}
        </span>
      )}
      <span className="sb-spacer" />
      <label className="sb-label" htmlFor="feed-speed" title="Offline feed: bars per second per task, for replayed history and the simulated market">
        Feed speed
      </label>
      <select
        id="feed-speed"
        className="select sb-speed"
        value={feedSpeed ?? ''}
        onChange={(e) => void setFeedSpeed(Number(e.target.value))}
        data-testid="feed-speed"
      >
        {speeds.map((v) => (
          <option key={v} value={v}>
            {v} bar/s
          </option>
        ))}
      </select>
      <AlertsSwitch />
    </div>
  );
}

function AlertsSwitch() {
  const permission = useNotificationStore((s) => s.permission);
  const request = useNotificationStore((s) => s.requestPermission);
  if (permission === 'desktop' || permission === 'unsupported') return null;
  if (permission === 'granted') return <span className="sb-alerts on" title="Fills, take-profits and risk breaches also raise desktop notifications">🔔 Desktop alerts on</span>;
  if (permission === 'denied') return <span className="sb-alerts dim" title="Allow notifications for this site in the browser settings">Desktop alerts blocked</span>;
  return (
    <button type="button" className="btn small" onClick={() => void request()} data-testid="alerts-enable" title="Also show fills, take-profits and risk breaches as desktop notifications">
      Enable desktop alerts
    </button>
  );
}
