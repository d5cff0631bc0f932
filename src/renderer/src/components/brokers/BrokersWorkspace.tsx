import { useEffect, useState } from 'react';
import { useBrokersStore } from '../../stores/brokers-store';
import { AccountForm } from './AccountForm';
import { AccountsPanel } from './AccountsPanel';
import { Mt5Panel } from './Mt5Panel';
import { PaperCard } from './PaperCard';
import './brokers.css';

/** Brokers: exchange accounts (ccxt), MetaTrader 5 through EchoBridge, and the paper broker. */
export function BrokersWorkspace() {
  const accounts = useBrokersStore((s) => s.accounts);
  const refreshAccounts = useBrokersStore((s) => s.refreshAccounts);
  const [editingId, setEditingId] = useState<string | null>(null);
  const editing = editingId ? (accounts.find((a) => a.account_info.account_id === editingId) ?? null) : null;

  useEffect(() => {
    void refreshAccounts();
  }, [refreshAccounts]);
  // The MT5 status follows the event stream (the status bar's BrokerStatusItem watches it for the whole window).

  return (
    <div className="brokers" data-testid="brokers-workspace">
      <AccountsPanel editingId={editingId} onEdit={setEditingId} />
      <AccountForm key={editing ? editing.account_info.account_id : 'new'} editing={editing} onDone={() => setEditingId(null)} />
      <Mt5Panel />
      <PaperCard />
    </div>
  );
}
