import { useRef, useState, type FormEvent } from 'react';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { EXCHANGE_SUGGESTIONS, useBrokersStore, type AccountSummary } from '../../stores/brokers-store';
import { FormFeedback } from '../common/FormFeedback';

/**
 * Add an exchange account, or replace the credentials of one. The key, secret and passphrase inputs are uncontrolled:
 * their values are read once on submit, sent to the API (which puts them in the OS keychain) and the inputs are
 * cleared, so no credential lives in React state or in a DOM attribute.
 */
export function AccountForm({ editing, onDone }: { editing: AccountSummary | null; onDone(): void }) {
  const createAccount = useBrokersStore((s) => s.createAccount);
  const updateCredentials = useBrokersStore((s) => s.updateCredentials);
  const formRef = useRef<HTMLFormElement>(null);
  const [exchange, setExchange] = useState('binance');
  const [testnet, setTestnet] = useState(true);
  const [initialBalance, setInitialBalance] = useState('');
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const [busy, setBusy] = useState(false);

  const info = editing?.account_info;
  const known = EXCHANGE_SUGGESTIONS.find((e) => e.id === (info?.exchange ?? exchange.trim().toLowerCase()));

  function clearSecrets() {
    const form = formRef.current;
    if (!form) return;
    for (const name of ['api_key', 'api_secret', 'passphrase']) {
      const input = form.elements.namedItem(name) as HTMLInputElement | null;
      if (input) input.value = '';
    }
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const apiKey = String(data.get('api_key') ?? '');
    const apiSecret = String(data.get('api_secret') ?? '');
    const passphrase = String(data.get('passphrase') ?? '');
    // The values are on their way to the keychain: nothing keeps them on screen.
    clearSecrets();
    setBusy(true);
    const balance = Number(initialBalance.replace(/[,\s]/g, ''));
    const result = info
      ? await updateCredentials({ account_id: info.account_id, api_key: apiKey, api_secret: apiSecret, ...(passphrase ? { passphrase } : {}) })
      : await createAccount({
          exchange,
          api_key: apiKey,
          api_secret: apiSecret,
          ...(passphrase ? { passphrase } : {}),
          initial_balance: initialBalance.trim() && Number.isFinite(balance) ? balance : 0,
          is_testnet: testnet,
        });
    setBusy(false);
    setOutcome(result);
    if (result.ok && info) onDone();
  }

  return (
    <form ref={formRef} className="ticket broker-form" onSubmit={(e) => void submit(e)} autoComplete="off" data-testid="account-form" noValidate>
      <header className="panel-head">
        <span className="panel-title">{info ? 'Replace credentials' : 'Add exchange account'}</span>
        {info && (
          <button type="button" className="btn ghost small panel-aside" onClick={onDone} data-testid="account-edit-cancel">
            Cancel
          </button>
        )}
      </header>
      <div className="ticket-body">
        {info ? (
          <div className="preview" data-testid="account-edit-target">
            <strong>{info.exchange_name}</strong> {info.is_testnet ? 'testnet' : 'live'} · <span className="mono">{info.account_id}</span>
            <br />
            Key {info.api_key_hint} · secret {info.api_secret_hint}
            {info.passphrase_hint ? ` · passphrase ${info.passphrase_hint}` : ''}
          </div>
        ) : (
          <>
            <div className="row">
              <div className="field">
                <div className="field-label">
                  <label htmlFor="account-exchange">Exchange</label>
                  <span className="faint">ccxt id</span>
                </div>
                <input
                  id="account-exchange"
                  className="input"
                  list="account-exchange-list"
                  value={exchange}
                  onChange={(e) => setExchange(e.target.value)}
                  data-testid="account-exchange"
                />
                <datalist id="account-exchange-list">
                  {EXCHANGE_SUGGESTIONS.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name}
                    </option>
                  ))}
                </datalist>
              </div>
              <div className="field">
                <div className="field-label">
                  <label htmlFor="account-initial">Initial balance</label>
                  <span className="faint">optional</span>
                </div>
                <input
                  id="account-initial"
                  className="input num"
                  inputMode="decimal"
                  placeholder="0.00"
                  value={initialBalance}
                  onChange={(e) => setInitialBalance(e.target.value)}
                  data-testid="account-initial"
                />
              </div>
            </div>
            <label className="check">
              <input type="checkbox" checked={testnet} onChange={(e) => setTestnet(e.target.checked)} data-testid="account-testnet" />
              Testnet / sandbox
              {known && known.testnet === undefined && <span className="faint">— {known.name} has no testnet</span>}
            </label>
          </>
        )}
        <div className="field">
          <div className="field-label">
            <label htmlFor="account-key">API key</label>
          </div>
          <input id="account-key" name="api_key" className="input mono" type="password" autoComplete="off" spellCheck={false} data-testid="account-key" />
        </div>
        <div className="field">
          <div className="field-label">
            <label htmlFor="account-secret">API secret</label>
          </div>
          <input id="account-secret" name="api_secret" className="input mono" type="password" autoComplete="off" spellCheck={false} data-testid="account-secret" />
        </div>
        <div className="field">
          <div className="field-label">
            <label htmlFor="account-passphrase">Passphrase</label>
            <span className={known?.passphrase ? 'warn' : 'faint'}>{known?.passphrase ? `${known.name} needs it` : 'only if the exchange issued one'}</span>
          </div>
          <input
            id="account-passphrase"
            name="passphrase"
            className="input mono"
            type="password"
            autoComplete="off"
            spellCheck={false}
            data-testid="account-passphrase"
          />
        </div>
        <p className="keychain-note">
          <strong className="lock">OS keychain only.</strong> Sent once to the local engine and stored only in the OS keychain. This window never keeps or shows them; the
          list shows masked hints. Use a key with trading rights and <strong>no withdrawal rights</strong>.
        </p>
      </div>
      <footer className="ticket-submit">
        <FormFeedback outcome={outcome} testId="account-feedback" />
        <button type="submit" className="btn primary block" disabled={busy} data-testid="account-submit">
          {busy ? 'Saving…' : info ? 'Replace credentials' : 'Add account'}
        </button>
      </footer>
    </form>
  );
}
