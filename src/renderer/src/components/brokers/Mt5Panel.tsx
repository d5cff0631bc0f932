import { useEffect, useState, type FormEvent } from 'react';
import { isDomainError, type OutputOf } from '../../../../shared/contract/index';
import { api } from '../../api/client';
import { MT5_STATE_LABEL, mt5Tone, useBrokersStore, type Mt5Status } from '../../stores/brokers-store';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { FormFeedback } from '../common/FormFeedback';
import { Panel } from '../common/Panel';

type Tone = 'ok' | 'pending' | 'bad' | 'off';

function toneClass(tone: Tone): string {
  return tone === 'off' ? 'dot' : `dot ${tone}`;
}

function linkTone(link: Mt5Status['link']): Tone {
  return link === 'up' ? 'ok' : link === 'connecting' ? 'pending' : 'bad';
}
function terminalTone(t: Mt5Status['terminal']): Tone {
  return t === 'connected' ? 'ok' : t === 'disconnected' ? 'bad' : 'off';
}
function brokerTone(b: Mt5Status['broker']): Tone {
  return b === 'connected' ? 'ok' : b === 'disconnected' ? 'bad' : 'off';
}

function heartbeat(ms: number | null): string {
  if (ms === null) return 'none yet';
  return ms < 1000 ? `${ms} ms ago` : `${(ms / 1000).toFixed(1)} s ago`;
}

function StateLine({ label, value, tone, testId }: { label: string; value: string; tone: Tone; testId: string }) {
  return (
    <div className="mt5-state" data-testid={testId} data-state={value}>
      <span className={toneClass(tone)} aria-hidden="true" />
      <span className="mt5-state-label">{label}</span>
      <span className="mt5-state-value">{value.replace(/_/g, ' ')}</span>
    </div>
  );
}

/** The one-time EchoBridge setup (README, "MetaTrader 5"), with this machine's port and token file filled in. */
function SetupSteps({ status }: { status: Mt5Status }) {
  const port = status.bridge.port ?? status.bridge.configured_port;
  return (
    <ol className="setup-steps" data-testid="mt5-setup-steps">
      <li>
        <strong>Copy the EA.</strong> In MetaTrader 5: File → Open Data Folder → MQL5 → Experts, copy <code>EchoBridge.mq5</code> there (from{' '}
        <code>resources/mt5</code> in the installation folder).
      </li>
      <li>
        <strong>Compile.</strong> In the Navigator right-click EchoBridge → Modify, then Compile (F7) in MetaEditor.
      </li>
      <li>
        <strong>Allow 127.0.0.1.</strong> Tools → Options → Expert Advisors: tick <em>Allow algorithmic trading</em> and{' '}
        <em>Allow WebRequest for listed URL</em>, add <code>127.0.0.1</code>. Leave DLL imports off.
      </li>
      <li>
        <strong>Connect here</strong> (below): the bridge opens on 127.0.0.1:<span className="mono">{port}</span>. On Windows the app starts the
        terminal with EchoBridge attached.
      </li>
      <li>
        <strong>Attach.</strong> Drag EchoBridge onto one chart with <code>InpPort = {port}</code> and <code>InpToken</code> = the contents of{' '}
        <code className="path">{status.bridge.token_file}</code>; allow Algo Trading on the Common tab. Use a <em>hedging</em> account.
      </li>
    </ol>
  );
}

function ConnectForm({ status }: { status: Mt5Status | null }) {
  const connectMt5 = useBrokersStore((s) => s.connectMt5);
  const disconnectMt5 = useBrokersStore((s) => s.disconnectMt5);
  const [login, setLogin] = useState('');
  const [server, setServer] = useState('');
  const [answer, setAnswer] = useState<{ outcome: ActionOutcome; state: string | undefined } | null>(null);
  const [busy, setBusy] = useState(false);
  // The answer to the last connect/disconnect stays only while the state it described lasts.
  const outcome = answer && (!answer.outcome.ok || answer.state === status?.state) ? answer.outcome : null;
  const setOutcome = (o: ActionOutcome) => setAnswer({ outcome: o, state: useBrokersStore.getState().mt5?.state });
  const running = status ? status.bridge.listening : false;

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const passwordInput = form.elements.namedItem('mt5_password') as HTMLInputElement | null;
    const password = passwordInput?.value ?? '';
    if (passwordInput) passwordInput.value = '';
    setBusy(true);
    const result = await connectMt5({ login: login.trim(), server: server.trim(), wait_seconds: 0, ...(password ? { password } : {}) });
    setBusy(false);
    setOutcome(result);
  }

  async function disconnect() {
    setBusy(true);
    setOutcome(await disconnectMt5());
    setBusy(false);
  }

  return (
    <form className="mt5-connect" onSubmit={(e) => void submit(e)} autoComplete="off" data-testid="mt5-connect-form" noValidate>
      <div className="row">
        <div className="field">
          <div className="field-label">
            <label htmlFor="mt5-login">Login</label>
          </div>
          <input
            id="mt5-login"
            className="input mono"
            inputMode="numeric"
            placeholder="12345678"
            value={login}
            onChange={(e) => setLogin(e.target.value)}
            data-testid="mt5-login"
          />
        </div>
        <div className="field">
          <div className="field-label">
            <label htmlFor="mt5-password">Password</label>
            <span className="faint">→ OS keychain</span>
          </div>
          <input id="mt5-password" name="mt5_password" className="input mono" type="password" autoComplete="off" data-testid="mt5-password" />
        </div>
        <div className="field grow">
          <div className="field-label">
            <label htmlFor="mt5-server">Server</label>
          </div>
          <input
            id="mt5-server"
            className="input"
            placeholder="MetaQuotes-Demo"
            value={server}
            onChange={(e) => setServer(e.target.value)}
            data-testid="mt5-server"
          />
        </div>
      </div>
      <div className="mt5-actions">
        <button type="submit" className="btn primary" disabled={busy} data-testid="mt5-connect">
          {busy ? 'Working…' : running ? 'Reconnect' : 'Connect'}
        </button>
        <button type="button" className="btn" disabled={busy || !running} onClick={() => void disconnect()} data-testid="mt5-disconnect">
          Disconnect
        </button>
        <span className="faint">Disconnect closes the link and stops the bridge; positions stay open at the broker.</span>
      </div>
      <FormFeedback outcome={outcome} testId="mt5-feedback" />
    </form>
  );
}

/** MetaTrader 5 through the EchoBridge EA: bridge status (polled every 2 s while shown), setup steps, connect. */
export function Mt5Panel() {
  const status = useBrokersStore((s) => s.mt5);
  const error = useBrokersStore((s) => s.mt5Error);
  const tone = status ? mt5Tone(status.state) : 'off';

  return (
    <Panel
      title="MetaTrader 5 · EchoBridge"
      aside={
        status ? (
          <span className={`state-pill ${tone}`} data-testid="mt5-state" data-state={status.state}>
            <span className={toneClass(tone)} aria-hidden="true" />
            {MT5_STATE_LABEL[status.state]}
          </span>
        ) : (
          <span className="dim">loading…</span>
        )
      }
      className="area-mt5"
      bodyClassName="padded"
      testId="mt5-panel"
    >
      {error && <div className="feedback error">{error}</div>}
      {status && (
        <>
          <p className="mt5-detail" data-testid="mt5-detail">
            {status.detail}
          </p>
          <div className="mt5-grid">
            <div className="mt5-states">
              <StateLine label="Link" value={status.link} tone={linkTone(status.link)} testId="mt5-link" />
              <StateLine label="Terminal" value={status.terminal} tone={terminalTone(status.terminal)} testId="mt5-terminal" />
              <StateLine label="Broker" value={status.broker} tone={brokerTone(status.broker)} testId="mt5-broker" />
            </div>
            <dl className="kv mt5-kv">
              <dt>Heartbeat</dt>
              <dd data-testid="mt5-heartbeat">{heartbeat(status.heartbeat_age_ms)}</dd>
              <dt>Bridge</dt>
              <dd className="mono" data-testid="mt5-port">
                {status.bridge.listening ? `listening ${status.bridge.host}:${status.bridge.port ?? '?'}` : `stopped (port ${status.bridge.configured_port})`}
              </dd>
              <dt>Token file</dt>
              <dd className="mono path" title={status.bridge.token_file} data-testid="mt5-token-file">
                {status.bridge.token_file}
              </dd>
              {status.account && (
                <>
                  <dt>Account</dt>
                  <dd data-testid="mt5-account">
                    {status.account.login} · {status.account.server} · {status.account.currency}
                  </dd>
                </>
              )}
              {status.ea && (
                <>
                  <dt>Terminal</dt>
                  <dd>
                    {status.ea.terminal_name} build {status.ea.terminal_build} · EA {status.ea.version}
                    {!status.ea.trade_allowed && <span className="warn"> · Algo Trading off</span>}
                  </dd>
                </>
              )}
              {status.open_positions !== null && (
                <>
                  <dt>Open positions</dt>
                  <dd>{status.open_positions}</dd>
                </>
              )}
            </dl>
          </div>
          {status.setup_hint && status.state !== 'bridge_stopped' && (
            <div className="preview mt5-hint" data-testid="mt5-hint">
              <strong>Next: </strong>
              {status.setup_hint}
            </div>
          )}
          {status.last_denied && (
            <div className="feedback error" data-testid="mt5-denied">
              EA refused at {status.last_denied.at.slice(11, 19)}: {status.last_denied.reason}
            </div>
          )}
          {status.state !== 'connected' && <SetupSteps status={status} />}
        </>
      )}
      <ConnectForm status={status} />
      <AllowedTerminals />
    </Panel>
  );
}

type Terminals = OutputOf<'mt5.terminals'>;

/**
 * Which terminal64.exe Connect may start: the ones the app found, and the owner's allow-list (set here, or with
 * PUT /api/mt5/terminals). A terminal_path in a connect request that is on neither list is refused.
 */
function AllowedTerminals() {
  const [terminals, setTerminals] = useState<Terminals | null>(null);
  const [draft, setDraft] = useState('');
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    api.mt5.terminals({}).then(
      (t) => {
        if (!live) return;
        setTerminals(t);
        setDraft(t.allowed.join('\n'));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  async function save() {
    setBusy(true);
    try {
      const allowed = draft.split('\n').map((line) => line.trim()).filter(Boolean);
      const t = await api.mt5.allowTerminals({ allowed });
      setTerminals(t);
      setDraft(t.allowed.join('\n'));
      setOutcome({ ok: true, message: `${t.allowed.length} terminal(s) allowed.`, notes: [] });
    } catch (error) {
      setOutcome({ ok: false, code: isDomainError(error) ? error.code : 'UNKNOWN', message: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="mt5-terminals" data-testid="mt5-terminals">
      <summary>Allowed terminals</summary>
      <p className="faint">
        Connect starts only a <code>terminal64.exe</code> the app found or one listed here (full paths, one per line).
        {terminals && !terminals.can_launch && ' This computer is not Windows: start MetaTrader yourself and attach EchoBridge.'}
      </p>
      <p>
        Found:{' '}
        {terminals?.found.length ? terminals.found.map((p) => <code key={p} className="path">{p} </code>) : <span className="dim">none</span>}
      </p>
      <textarea
        className="input mono"
        rows={3}
        placeholder="C:\\Program Files\\MetaTrader 5\\terminal64.exe"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        data-testid="mt5-allowed-terminals"
      />
      <div className="mt5-actions">
        <button type="button" className="btn small" disabled={busy} onClick={() => void save()} data-testid="mt5-allowed-save">
          Save list
        </button>
      </div>
      <FormFeedback outcome={outcome} testId="mt5-allowed-feedback" />
    </details>
  );
}
