import { useState } from 'react';
import { isDomainError, procedures, type Procedure } from '../../../../shared/contract/index';
import { api, TRANSPORT_LABEL } from '../../api/client';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { FormFeedback } from '../common/FormFeedback';
import { formatDuration } from '../../lib/format';
import { useConnectionStore } from '../../stores/connection-store';
import { Panel } from '../common/Panel';

const ROUTES = (Object.values(procedures) as Procedure[]).flatMap((p) =>
  p.http.map((route) => ({ name: p.name, summary: p.summary, method: route.method, path: route.path, public: route.public === true })),
);

/** The local API: is it up, where are its docs, and how to call it from a script. */
export function ApiWorkspace() {
  const transport = useConnectionStore((s) => s.transport);
  const inBrowser = transport === 'http';
  const origin = inBrowser ? window.location.origin : 'http://127.0.0.1:8000';
  return (
    <div className="api-page" data-testid="api-workspace">
      <HealthPanel />
      <TokenPanel />
      <Panel title="Scripting" bodyClassName="padded">
        <p>
          Every endpoint but <code>/health</code> needs the API token, sent as <code>Authorization: Bearer &lt;token&gt;</code> or{' '}
          <code>X-API-Key: &lt;token&gt;</code>. The token is the file <code>api-token</code> in the data folder;{' '}
          <code>npm run -s token</code> prints it (add <code>-- --data-dir DIR</code> for another folder). Only loopback hosts are
          answered.
        </p>
        <pre className="snippet">{`TOKEN=$(npm run -s token)
curl -s ${origin}/api/capital/portfolios \\
  -H "Authorization: Bearer $TOKEN"`}</pre>
        <pre className="snippet">{`curl -s -X POST ${origin}/api/capital/strategy/allocate \\
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
  -d '{"user_id":"trader_001","strategy_name":"Gold Scalping","allocation_percentage":30}'`}</pre>
        <p>
          Answers use the envelope <code>{'{success, message, data}'}</code>; refusals are{' '}
          <code>{'{success: false, error, code}'}</code> with a 4xx status and a message a person can act on.
        </p>
        {!inBrowser && (
          <p>
            In the desktop app the local HTTP server is off by default; this window talks to the engine over IPC.
          </p>
        )}
      </Panel>
      <Panel
        title="Endpoints"
        aside={
          inBrowser ? (
            <span>
              <a href="/docs" target="_blank" rel="noreferrer" data-testid="docs-link">
                Interactive docs (/docs)
              </a>{' '}
              ·{' '}
              <a href="/openapi.json" target="_blank" rel="noreferrer">
                openapi.json
              </a>
            </span>
          ) : undefined
        }
        className="wide"
      >
        <table className="grid">
          <colgroup>
            <col style={{ width: 70 }} />
            <col style={{ width: 300 }} />
            <col style={{ width: 190 }} />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th>Method</th>
              <th>Path</th>
              <th>Operation</th>
              <th>Summary</th>
            </tr>
          </thead>
          <tbody>
            {ROUTES.map((r) => (
              <tr key={`${r.method} ${r.path}`}>
                <td>
                  <span className={`method ${r.method}`}>{r.method}</span>
                </td>
                <td className="mono">{r.path}</td>
                <td className="mono dim">{r.name}</td>
                <td className="dim">
                  {r.summary}
                  {r.public && <span className="badge neutral" style={{ marginLeft: 6 }}>NO TOKEN</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}

/** Rotating the token: the old one and every browser sign-in stop working at once (a browser that rotates keeps its own). */
function TokenPanel() {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const rotate = async () => {
    setBusy(true);
    try {
      await api.system.rotateApiToken({});
      setOutcome({
        ok: true,
        message: 'New API token in effect: scripts using the old token and other signed-in browsers are refused from now on.',
        notes: ['Scripts: read the new token with npm run -s token.'],
      });
    } catch (error) {
      setOutcome({ ok: false, code: isDomainError(error) ? error.code : 'UNKNOWN', message: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  return (
    <Panel
      title="API token"
      aside={
        confirming ? (
          <span>
            <button type="button" className="btn small danger" disabled={busy} onClick={() => void rotate()} data-testid="rotate-token-confirm">
              Rotate now
            </button>{' '}
            <button type="button" className="btn small" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="btn small" onClick={() => setConfirming(true)} data-testid="rotate-token">
            Rotate token…
          </button>
        )
      }
      bodyClassName="padded"
    >
      <p>
        One token opens the whole local API. Rotate it if it may have leaked: a new token replaces it, scripts using the old one
        and every other signed-in browser are refused at once, and browser sign-ins expire after 7 days anyway. From a terminal:{' '}
        <code>npm run token -- --rotate</code>.
      </p>
      <FormFeedback outcome={outcome} testId="rotate-token-feedback" />
    </Panel>
  );
}

function HealthPanel() {
  const apiState = useConnectionStore((s) => s.apiState);
  const health = useConnectionStore((s) => s.health);
  const latencyMs = useConnectionStore((s) => s.latencyMs);
  const lastError = useConnectionStore((s) => s.lastError);
  const transport = useConnectionStore((s) => s.transport);
  const checkHealth = useConnectionStore((s) => s.checkHealth);
  return (
    <Panel
      title="Health"
      aside={
        <button type="button" className="btn small" onClick={() => void checkHealth()}>
          Check now
        </button>
      }
      bodyClassName="padded"
    >
      <dl className="kv" data-testid="api-health">
        <dt>State</dt>
        <dd className={apiState === 'connected' ? 'up' : apiState === 'disconnected' ? 'down' : 'warn'}>{apiState}</dd>
        <dt>Latency</dt>
        <dd>{latencyMs !== null ? `${latencyMs} ms` : '—'}</dd>
        <dt>Version</dt>
        <dd>{health?.version ?? '—'}</dd>
        <dt>Uptime</dt>
        <dd>{health ? formatDuration(health.uptime_seconds) : '—'}</dd>
        <dt>Server time</dt>
        <dd>{health?.time ?? '—'}</dd>
        <dt>Transport</dt>
        <dd>{TRANSPORT_LABEL[transport]}</dd>
        <dt>Polled</dt>
        <dd>every 5 s</dd>
        {lastError && (
          <>
            <dt>Last error</dt>
            <dd className="down">{lastError}</dd>
          </>
        )}
      </dl>
    </Panel>
  );
}
