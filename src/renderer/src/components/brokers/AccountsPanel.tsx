import { Fragment, useState } from 'react';
import { formatAmount } from '../../lib/format';
import { useBrokersStore, type AccountSummary } from '../../stores/brokers-store';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { FormFeedback } from '../common/FormFeedback';
import { Panel } from '../common/Panel';

function ago(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return iso.slice(0, 16).replace('T', ' ');
}

function amount(value: number | null, currency: string | null) {
  if (value === null) return '—';
  return (
    <>
      {formatAmount(value)}
      {currency && <span className="ccy"> {currency}</span>}
    </>
  );
}

/** Asset balances (non-zero), largest value first. */
function Balances({ account }: { account: AccountSummary }) {
  const rows = Object.entries(account.balances)
    .filter(([, b]) => b.total !== 0)
    .sort((a, b) => (b[1].value ?? 0) - (a[1].value ?? 0));
  if (rows.length === 0) return <span className="faint">No balances synced yet: Test connection fetches them.</span>;
  const currency = account.account_info.valuation_currency ?? '';
  return (
    <table className="grid balances" data-testid={`balances-${account.account_info.account_id}`}>
      <thead>
        <tr>
          <th>Asset</th>
          <th className="num">Free</th>
          <th className="num">In orders</th>
          <th className="num">Total</th>
          <th className="num">Value {currency}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([asset, b]) => (
          <tr key={asset} data-testid={`balance-${asset}`}>
            <td className="mono">{asset}</td>
            <td className="num">{b.free.toLocaleString('en-US', { maximumFractionDigits: 8 })}</td>
            <td className="num">{b.used.toLocaleString('en-US', { maximumFractionDigits: 8 })}</td>
            <td className="num">{b.total.toLocaleString('en-US', { maximumFractionDigits: 8 })}</td>
            <td className="num">{b.value === null ? '—' : formatAmount(b.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Exchange accounts: one row each with masked hints, balance/equity and last sync; test, edit, delete. */
export function AccountsPanel({ editingId, onEdit }: { editingId: string | null; onEdit(accountId: string): void }) {
  const accounts = useBrokersStore((s) => s.accounts);
  const loaded = useBrokersStore((s) => s.accountsLoaded);
  const error = useBrokersStore((s) => s.accountsError);
  const syncs = useBrokersStore((s) => s.syncs);
  const syncing = useBrokersStore((s) => s.syncing);
  const testConnection = useBrokersStore((s) => s.testConnection);
  const deleteAccount = useBrokersStore((s) => s.deleteAccount);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [deleteOutcome, setDeleteOutcome] = useState<ActionOutcome | null>(null);

  async function remove(accountId: string) {
    setConfirming(null);
    setDeleteOutcome(await deleteAccount(accountId));
  }

  return (
    <Panel
      title="Exchange accounts"
      aside={<span className="dim">{loaded ? `${accounts.length} account(s) · credentials in the OS keychain` : 'loading…'}</span>}
      className="area-accounts"
      testId="accounts-panel"
    >
      {error && <div className="feedback error">{error}</div>}
      <FormFeedback outcome={deleteOutcome} testId="account-delete-feedback" />
      {loaded && accounts.length === 0 ? (
        <div className="empty">
          <strong>No exchange accounts yet</strong>
          Add one with its API key on the right; strategies can then trade on it ("ccxt:&lt;account&gt;" in a task).
        </div>
      ) : (
        <table className="grid accounts-grid" data-testid="accounts-grid">
          <thead>
            <tr>
              <th>Exchange</th>
              <th>Key</th>
              <th className="num">Balance</th>
              <th className="num">Equity</th>
              <th>Last sync</th>
              <th>Connection</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => {
              const info = a.account_info;
              const id = info.account_id;
              const sync = syncs[id];
              const busy = syncing[id] === true;
              return (
                <Fragment key={id}>
                  <tr data-testid={`account-row-${id}`} className={editingId === id ? 'selected' : undefined}>
                    <td title={`account ${id}`}>
                      <span className="exchange-name">{info.exchange_name}</span>{' '}
                      {info.is_testnet ? <span className="badge medium">TESTNET</span> : <span className="badge high">LIVE</span>}
                    </td>
                    <td className="mono" data-testid={`account-key-hint-${id}`}>
                      {info.api_key_hint}
                      {info.passphrase_hint ? <span className="faint"> +pass</span> : null}
                    </td>
                    <td className="num" data-testid={`account-balance-${id}`}>
                      {amount(info.balance, info.valuation_currency)}
                    </td>
                    <td className="num" data-testid={`account-equity-${id}`}>
                      {amount(info.equity, info.valuation_currency)}
                    </td>
                    <td className="dim" title={info.balance_synced_at ?? undefined}>
                      {ago(info.balance_synced_at)}
                    </td>
                    <td data-testid={`account-conn-${id}`} data-state={sync ? (sync.ok ? 'ok' : 'error') : 'untested'}>
                      {busy ? (
                        <span className="conn">
                          <span className="dot pending" /> testing…
                        </span>
                      ) : sync ? (
                        sync.ok ? (
                          <span className="conn up">
                            <span className="dot ok" /> connected
                          </span>
                        ) : (
                          <span className="conn down" title={`${sync.code}: ${sync.message}`}>
                            <span className="dot bad" /> refused
                          </span>
                        )
                      ) : (
                        <span className="conn faint">
                          <span className="dot" /> untested
                        </span>
                      )}
                    </td>
                    <td className="row-actions">
                      <button type="button" className="btn small" disabled={busy} onClick={() => void testConnection(id)} data-testid={`account-test-${id}`}>
                        Test connection
                      </button>
                      <button type="button" className="btn small ghost" onClick={() => onEdit(id)} data-testid={`account-edit-${id}`}>
                        Edit keys
                      </button>
                      {confirming === id ? (
                        <>
                          <button type="button" className="btn small danger" onClick={() => void remove(id)} data-testid={`account-delete-confirm-${id}`}>
                            Delete + keys
                          </button>
                          <button type="button" className="btn small ghost" onClick={() => setConfirming(null)}>
                            Keep
                          </button>
                        </>
                      ) : (
                        <button type="button" className="btn small ghost" onClick={() => setConfirming(id)} data-testid={`account-delete-${id}`}>
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                  <tr className="account-detail">
                    <td colSpan={7}>
                      <div className="account-ids faint">
                        Account <span className="mono">{id}</span> · tasks use broker <span className="mono">{info.broker_id}</span>
                      </div>
                      {confirming === id && (
                        <div className="feedback error" role="alert">
                          Delete {info.exchange_name} account {id} and remove its credentials from the OS keychain? Refused while
                          tasks hold open positions on it.
                        </div>
                      )}
                      {sync && !sync.ok && (
                        <div className="feedback error" role="alert" data-testid={`account-test-error-${id}`}>
                          <span className="code">{sync.code}</span>
                          {sync.message}
                        </div>
                      )}
                      {sync?.ok && (
                        <div className="sync-ok" data-testid={`account-test-ok-${id}`}>
                          {info.exchange_name} answered: balance <strong>{formatAmount(sync.balance)} {sync.currency}</strong>, equity{' '}
                          <strong>
                            {formatAmount(sync.equity)} {sync.currency}
                          </strong>
                        </div>
                      )}
                      <Balances account={a} />
                    </td>
                  </tr>
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
