import { formatMoney, formatPercent } from '../../lib/format';
import { usePortfolioStore, type Dashboard, type RiskStatus } from '../../stores/portfolio-store';
import { RiskBadge } from '../common/RiskBadge';
import { UtilizationBar } from '../common/UtilizationBar';

interface Props {
  dashboard: Dashboard;
  risk: RiskStatus | null;
}

/** The portfolio at a glance: total / allocated / available and how full it is. */
export function PortfolioHeader({ dashboard, risk }: Props) {
  const refresh = usePortfolioStore((s) => s.refreshSelected);
  const loading = usePortfolioStore((s) => s.detailLoading);
  const { currency } = dashboard;
  return (
    <header className="summary" data-testid="portfolio-summary">
      <div className="summary-id">
        <span className="user" title={dashboard.user_id}>
          {dashboard.user_id}
        </span>
        <span className="meta">
          #{dashboard.portfolio_id} · {currency} · {dashboard.total_strategies} strat. · {dashboard.total_pairs} pairs
        </span>
      </div>
      <Figure label="Total" value={formatMoney(dashboard.total_capital, currency)} testId="summary-total" />
      <Figure label="Allocated" value={formatMoney(dashboard.allocated_capital, currency)} testId="summary-allocated" />
      <Figure
        label="Available"
        value={formatMoney(dashboard.available_capital, currency)}
        testId="summary-available"
        className={dashboard.available_capital > 0 ? 'up' : 'dim'}
      />
      <div className="figure util">
        <span className="figure-label">Utilization</span>
        <span className="figure-value" data-testid="summary-utilization">
          {formatPercent(dashboard.utilization_percentage)}
        </span>
        <UtilizationBar percent={dashboard.utilization_percentage} label="Portfolio utilization" />
      </div>
      <div className="figure">
        <span className="figure-label">Risk</span>
        <span className="figure-value">{risk ? <RiskBadge level={risk.overall_risk} testId="summary-risk" /> : '—'}</span>
      </div>
      <div className="summary-actions">
        <button
          type="button"
          className="btn ghost"
          onClick={() => void refresh()}
          disabled={loading}
          title="Re-read the dashboard and risk status"
          data-testid="refresh"
        >
          ↻
        </button>
      </div>
    </header>
  );
}

function Figure({ label, value, testId, className }: { label: string; value: string; testId: string; className?: string }) {
  return (
    <div className="figure">
      <span className="figure-label">{label}</span>
      <span className={['figure-value', className].filter(Boolean).join(' ')} data-testid={testId}>
        {value}
      </span>
    </div>
  );
}
