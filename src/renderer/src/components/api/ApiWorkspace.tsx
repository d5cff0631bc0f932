import { procedures, type Procedure } from '../../../../shared/contract/index';
import { TRANSPORT_LABEL } from '../../api/client';
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
      <Panel title="Scripting" bodyClassName="padded">
        <p>
          Every endpoint but <code>/health</code> needs the API token, sent as <code>Authorization: Bearer &lt;token&gt;</code> or{' '}
          <code>X-API-Key: &lt;token&gt;</code>. The token is the file <code>api-token</code> in the data directory; its path is
          printed by <code>npm run serve</code> at start. Only loopback hosts are answered.
        </p>
        <pre className="snippet">{`TOKEN=$(cat <data-dir>/api-token)
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
