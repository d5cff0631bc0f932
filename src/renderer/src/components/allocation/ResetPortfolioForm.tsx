import { useState } from 'react';
import { formatMoney } from '../../lib/format';
import { usePortfolioStore, type ActionOutcome, type Dashboard } from '../../stores/portfolio-store';

interface Props {
  dashboard: Dashboard;
  onResult(outcome: ActionOutcome): void;
}

/** Deleting a portfolio cannot be undone, so it takes two clicks with the consequences spelled out between them. */
export function ResetPortfolioForm({ dashboard, onResult }: Props) {
  const resetPortfolio = usePortfolioStore((s) => s.resetPortfolio);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  async function reset() {
    setBusy(true);
    const result = await resetPortfolio({ user_id: dashboard.user_id });
    setBusy(false);
    setConfirming(false);
    onResult(result);
  }

  return (
    <div data-testid="reset-form">
      <h2 className="ticket-title">Reset portfolio</h2>
      <p className="ticket-sub">
        Deletes portfolio #{dashboard.portfolio_id} of <strong>{dashboard.user_id}</strong> with all its strategy and pair
        allocations, so it can be created again from scratch.
      </p>
      {!confirming ? (
        <button type="button" className="btn danger block" onClick={() => setConfirming(true)} data-testid="reset-start">
          Reset portfolio…
        </button>
      ) : (
        <div className="confirm-box" role="alertdialog" aria-label="Confirm reset">
          <p>
            Delete {formatMoney(dashboard.total_capital, dashboard.currency)} portfolio of <strong>{dashboard.user_id}</strong>:{' '}
            {dashboard.total_strategies} strategies and {dashboard.total_pairs} pairs? This cannot be undone.
          </p>
          <div className="row">
            <button type="button" className="btn" onClick={() => setConfirming(false)} disabled={busy} data-testid="reset-cancel">
              Cancel
            </button>
            <button type="button" className="btn danger" onClick={() => void reset()} disabled={busy} data-testid="reset-confirm">
              Delete portfolio
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
