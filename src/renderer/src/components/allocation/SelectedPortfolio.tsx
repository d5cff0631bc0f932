import type { ReactNode } from 'react';
import { usePortfolioStore } from '../../stores/portfolio-store';
import { AllocationSunburst } from './AllocationSunburst';
import { AllocationTree } from './AllocationTree';
import { PortfolioHeader } from './PortfolioHeader';
import { RiskPanel } from './RiskPanel';

export function SelectedPortfolio() {
  const selectedUserId = usePortfolioStore((s) => s.selectedUserId);
  const dashboard = usePortfolioStore((s) => s.dashboard);
  const risk = usePortfolioStore((s) => s.risk);
  const detailError = usePortfolioStore((s) => s.detailError);
  const listLoaded = usePortfolioStore((s) => s.listLoaded);

  let content: ReactNode;
  if (selectedUserId === null) {
    content = listLoaded ? (
      <div className="getting-started" data-testid="no-portfolio">
        <h2>Allocate capital</h2>
        <ol>
          <li>
            <strong>Create a portfolio</strong> on the left: a user id and the capital to allocate.
          </li>
          <li>
            <strong>Allocate strategies</strong> on the right, by amount or as a % of the portfolio.
          </li>
          <li>
            <strong>Allocate pairs</strong> to each strategy, by amount, by %, or split equally, each with a floating-loss
            threshold.
          </li>
        </ol>
        <p>Allocations can never exceed 100 %: the form shows what is left before you submit, and the server refuses anything over.</p>
      </div>
    ) : (
      <div className="empty">Loading portfolios…</div>
    );
  } else if (detailError) {
    content = (
      <div className="empty">
        <div className="feedback error">{detailError}</div>
      </div>
    );
  } else if (!dashboard) {
    content = <div className="empty">Loading {selectedUserId}…</div>;
  } else {
    content = (
      <>
        <PortfolioHeader dashboard={dashboard} risk={risk} />
        <div className="alloc-body">
          <AllocationTree dashboard={dashboard} risk={risk} />
          <AllocationSunburst dashboard={dashboard} />
          <RiskPanel dashboard={dashboard} risk={risk} />
        </div>
      </>
    );
  }
  return (
    <section className="alloc-main" aria-label="Selected portfolio">
      {content}
    </section>
  );
}
