import { AllocationTicket } from './AllocationTicket';
import { CreatePortfolioForm } from './CreatePortfolioForm';
import { PortfolioList } from './PortfolioList';
import { SelectedPortfolio } from './SelectedPortfolio';

/** Capital allocation: portfolios on the left, the selected one in the middle, the order-ticket-style forms on the right. */
export function AllocationWorkspace() {
  return (
    <div className="alloc">
      <aside className="alloc-side">
        <PortfolioList />
        <CreatePortfolioForm />
      </aside>
      <SelectedPortfolio />
      <AllocationTicket />
    </div>
  );
}
