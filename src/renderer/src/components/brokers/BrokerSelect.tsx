import { useEffect } from 'react';
import { MT5_STATE_LABEL, useBrokersStore } from '../../stores/brokers-store';

/** Which broker a new task trades on: 'paper', 'mt5' or 'ccxt:<account id>' (the `broker` of trading.start). */
export function BrokerSelect({ value, onChange }: { value: string; onChange(broker: string): void }) {
  const accounts = useBrokersStore((s) => s.accounts);
  const mt5 = useBrokersStore((s) => s.mt5);
  const refreshAccounts = useBrokersStore((s) => s.refreshAccounts);
  const refreshMt5 = useBrokersStore((s) => s.refreshMt5);
  useEffect(() => {
    void refreshAccounts();
    void refreshMt5();
  }, [refreshAccounts, refreshMt5]);

  return (
    <div className="field">
      <div className="field-label">
        <label htmlFor="start-broker">Broker / account</label>
      </div>
      <select id="start-broker" className="select" value={value} onChange={(e) => onChange(e.target.value)} data-testid="start-broker">
        <option value="paper">Paper broker (simulated)</option>
        <option value="mt5">MetaTrader 5{mt5 ? ` — ${MT5_STATE_LABEL[mt5.state]}` : ''}</option>
        {accounts.length > 0 && (
          <optgroup label="Exchange accounts">
            {accounts.map(({ account_info: a }) => (
              <option key={a.account_id} value={a.broker_id}>
                {a.exchange_name}
                {a.is_testnet ? ' testnet' : ''} · {a.account_id.slice(0, 8)} · key {a.api_key_hint}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </div>
  );
}
