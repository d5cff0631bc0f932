import { useState } from 'react';
import { usePortfolioStore, type ActionOutcome } from '../../stores/portfolio-store';
import { FormFeedback } from '../common/FormFeedback';
import { AllocatePairsForm } from './AllocatePairsForm';
import { AllocateStrategyForm } from './AllocateStrategyForm';
import { ResetPortfolioForm } from './ResetPortfolioForm';
import { SplitEquallyForm } from './SplitEquallyForm';

type TicketTab = 'strategy' | 'pairs' | 'split' | 'reset';

const TABS: readonly { id: TicketTab; label: string }[] = [
  { id: 'strategy', label: 'Strategy' },
  { id: 'pairs', label: 'Pairs' },
  { id: 'split', label: 'Split equally' },
  { id: 'reset', label: 'Reset' },
];

/** The order-ticket of capital: every change to the selected portfolio is made here. */
export function AllocationTicket() {
  const dashboard = usePortfolioStore((s) => s.dashboard);
  const [tab, setTab] = useState<TicketTab>('strategy');
  // Kept here because a successful reset removes the portfolio (and with it the form that reported it).
  const [resetOutcome, setResetOutcome] = useState<ActionOutcome | null>(null);

  const openTab = (next: TicketTab) => {
    setTab(next);
    setResetOutcome(null);
  };

  return (
    <aside className="ticket" aria-label="Allocation ticket">
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            className="tab"
            aria-selected={t.id === tab}
            data-testid={`ticket-tab-${t.id}`}
            onClick={() => openTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="ticket-body" role="tabpanel">
        {!dashboard ? (
          <div className="empty">Select or create a portfolio first.</div>
        ) : (
          <div key={dashboard.portfolio_id}>
            {tab === 'strategy' && <AllocateStrategyForm dashboard={dashboard} />}
            {tab === 'pairs' && <AllocatePairsForm dashboard={dashboard} />}
            {tab === 'split' && <SplitEquallyForm dashboard={dashboard} />}
            {tab === 'reset' && <ResetPortfolioForm dashboard={dashboard} onResult={setResetOutcome} />}
          </div>
        )}
        {tab === 'reset' && <FormFeedback outcome={resetOutcome} testId="reset-feedback" />}
      </div>
      <div className="ticket-rules">
        Allocations can never exceed 100 %: strategies share the portfolio, pairs share their strategy. Money is kept to the
        cent; nothing is rounded silently.
      </div>
    </aside>
  );
}
