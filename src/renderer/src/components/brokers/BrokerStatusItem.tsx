import { useEffect } from 'react';
import './brokers.css';
import { MT5_STATE_LABEL, mt5Tone, useBrokersStore } from '../../stores/brokers-store';
import { useWorkspaceStore } from '../../stores/workspace-store';

/** Status bar: "MT5 ● connected" / "MT5 ○ waiting" and the number of exchange accounts; a click opens Brokers. */
export function BrokerStatusItem() {
  const mt5 = useBrokersStore((s) => s.mt5);
  const accounts = useBrokersStore((s) => s.accounts);
  const loaded = useBrokersStore((s) => s.accountsLoaded);
  const refreshAccounts = useBrokersStore((s) => s.refreshAccounts);
  const watchBrokers = useBrokersStore((s) => s.watchBrokers);
  const open = useWorkspaceStore((s) => s.open);

  useEffect(() => {
    void refreshAccounts();
  }, [refreshAccounts]);
  useEffect(() => watchBrokers(), [watchBrokers]);

  const tone = mt5 ? mt5Tone(mt5.state) : 'off';
  const synced = accounts.filter((a) => a.account_info.balance_synced_at !== null).length;
  return (
    <button
      type="button"
      className="status-item status-button"
      onClick={() => open('brokers')}
      title={mt5 ? `MetaTrader 5: ${mt5.detail}` : 'MetaTrader 5 status loading'}
      data-testid="broker-status"
      data-mt5-state={mt5?.state ?? 'unknown'}
    >
      <span className={tone === 'off' ? 'dot' : `dot ${tone}`} aria-hidden="true" />
      MT5 {mt5 ? MT5_STATE_LABEL[mt5.state] : '…'}
      <span className="status-sep" aria-hidden="true">
        ·
      </span>
      <span className="dot ok" aria-hidden="true" />
      Paper
      <span className="status-sep" aria-hidden="true">
        ·
      </span>
      <span data-testid="broker-status-accounts">
        {loaded ? `${accounts.length} exchange account${accounts.length === 1 ? '' : 's'}` : 'accounts …'}
        {loaded && accounts.length > 0 && <span className="faint"> ({synced} synced)</span>}
      </span>
    </button>
  );
}
