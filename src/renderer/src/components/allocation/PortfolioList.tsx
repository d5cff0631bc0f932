import { formatAmount, formatPercent } from '../../lib/format';
import { usePortfolioStore } from '../../stores/portfolio-store';
import { Panel } from '../common/Panel';
import { UtilizationBar } from '../common/UtilizationBar';

export function PortfolioList() {
  const portfolios = usePortfolioStore((s) => s.portfolios);
  const listLoaded = usePortfolioStore((s) => s.listLoaded);
  const listError = usePortfolioStore((s) => s.listError);
  const selectedUserId = usePortfolioStore((s) => s.selectedUserId);
  const select = usePortfolioStore((s) => s.select);

  return (
    <Panel title="Portfolios" aside={<span className="num">{portfolios.length}</span>} testId="portfolio-list">
      {listError && <div className="feedback error">{listError}</div>}
      {listLoaded && !listError && portfolios.length === 0 && (
        <div className="empty">
          <strong>No portfolios yet</strong>
          Create one below.
        </div>
      )}
      <ul className="portfolio-list">
        {portfolios.map((p) => (
          <li key={p.portfolio_id}>
            <button
              type="button"
              className="portfolio-item"
              aria-current={p.user_id === selectedUserId}
              data-testid={`portfolio-item-${p.user_id}`}
              onClick={() => void select(p.user_id)}
            >
              <span className="user" title={p.user_id}>
                {p.user_id}
              </span>
              <span className="num">{formatAmount(p.total_capital)}</span>
              <span className="meta">
                #{p.portfolio_id} · {p.currency} · {p.strategies_count} strat.
              </span>
              <span className="meta num">{formatPercent(p.utilization_percentage, 1)}</span>
              <UtilizationBar percent={p.utilization_percentage} label={`${p.user_id} utilization`} />
            </button>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
