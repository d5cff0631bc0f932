import { useState } from 'react';
import { strategiesOf, type StrategyView } from '../../lib/dashboard-view';
import { formatAmount, formatPercent, shareOf } from '../../lib/format';
import type { Dashboard, RiskStatus } from '../../stores/portfolio-store';
import { Panel } from '../common/Panel';
import { RiskBadge } from '../common/RiskBadge';

interface Props {
  dashboard: Dashboard;
  risk: RiskStatus | null;
}

/**
 * Portfolio → strategies → pairs as a tree table. Amounts are the server's figures; the "% of portfolio"
 * column is a display ratio only.
 */
export function AllocationTree({ dashboard, risk }: Props) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const strategies = strategiesOf(dashboard);
  const toggle = (name: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  return (
    <Panel
      title="Allocation tree"
      aside={<span className="dim">{dashboard.currency}</span>}
      className="area-tree"
      testId="allocation-tree"
    >
      {strategies.length === 0 ? (
        <div className="empty">
          <strong>Nothing allocated yet</strong>
          Allocate a strategy with the ticket on the right, by amount or as a % of the portfolio.
        </div>
      ) : (
        <table className="grid">
          <colgroup>
            <col />
            <col style={{ width: 112 }} />
            <col style={{ width: 78 }} />
            <col style={{ width: 78 }} />
            <col style={{ width: 76 }} />
            <col style={{ width: 164 }} />
          </colgroup>
          <thead>
            <tr>
              <th>Strategy / pair</th>
              <th className="num">Capital</th>
              <th className="num" title="Share of the portfolio total">% Portf.</th>
              <th className="num" title="Share of the strategy allocation">% Strat.</th>
              <th className="num" title="Floating-loss threshold: positions are closed at this loss, in % of the pair capital">
                Loss thr.
              </th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {strategies.map((strategy) => (
              <StrategyRows
                key={strategy.strategy_allocation_id}
                strategy={strategy}
                total={dashboard.total_capital}
                risk={risk?.strategy_risks[strategy.name]}
                expanded={!collapsed.has(strategy.name)}
                onToggle={() => toggle(strategy.name)}
              />
            ))}
            {dashboard.available_capital > 0 && (
              <tr className="portfolio-free-row" data-testid="tree-portfolio-unallocated">
                <td>
                  <span className="tree-name">
                    <span className="tree-toggle" aria-hidden="true" />
                    <span className="label">Unallocated (available)</span>
                  </span>
                </td>
                <td className="num">{formatAmount(dashboard.available_capital)}</td>
                <td className="num">{formatPercent(shareOf(dashboard.available_capital, dashboard.total_capital))}</td>
                <td />
                <td />
                <td>free to allocate</td>
              </tr>
            )}
          </tbody>
          <tfoot>
            <tr>
              <td>Portfolio total</td>
              <td className="num" data-testid="tree-total">
                {formatAmount(dashboard.total_capital)}
              </td>
              <td className="num">{formatPercent(100)}</td>
              <td />
              <td />
              <td className="dim">
                {formatPercent(dashboard.utilization_percentage)} allocated
              </td>
            </tr>
          </tfoot>
        </table>
      )}
    </Panel>
  );
}

interface StrategyRowsProps {
  strategy: StrategyView;
  total: number;
  risk: RiskStatus['overall_risk'] | undefined;
  expanded: boolean;
  onToggle(): void;
}

function StrategyRows({ strategy, total, risk, expanded, onToggle }: StrategyRowsProps) {
  return (
    <>
      <tr className="strategy-row" data-testid={`tree-strategy-${strategy.name}`}>
        <td>
          <span className="tree-name">
            <button
              type="button"
              className="tree-toggle"
              onClick={onToggle}
              aria-expanded={expanded}
              aria-label={`${expanded ? 'Collapse' : 'Expand'} ${strategy.name}`}
            >
              {expanded ? '▼' : '▶'}
            </button>
            <span className="swatch" style={{ background: strategy.color }} aria-hidden="true" />
            <span className="label" title={strategy.name}>
              {strategy.name}
            </span>
            <span className="faint" style={{ fontWeight: 400 }}>
              {strategy.pairs_count}
            </span>
          </span>
        </td>
        <td className="num">{formatAmount(strategy.allocated_amount)}</td>
        <td className="num">{formatPercent(strategy.allocation_percentage)}</td>
        <td className="num faint">—</td>
        <td className="num faint">—</td>
        <td>
          <span className="status-cell">
            {risk && <RiskBadge level={risk} />}
            <StrategyFillStatus strategy={strategy} />
          </span>
        </td>
      </tr>
      {expanded &&
        strategy.pairList.map((pair) => (
          <tr key={pair.pair_allocation_id} data-testid={`tree-pair-${strategy.name}-${pair.pair}`}>
            <td>
              <span className="tree-name">
                <span className="tree-indent" aria-hidden="true" />
                <span className="label mono">{pair.pair}</span>
              </span>
            </td>
            <td className="num">{formatAmount(pair.capital)}</td>
            <td className="num dim">{formatPercent(shareOf(pair.capital, total))}</td>
            <td className="num">{formatPercent(pair.percentage_of_strategy)}</td>
            <td className="num">{formatPercent(pair.risk_threshold, 1)}</td>
            <td>
              <span className="status-cell">
                <span className={`dot ${pair.status === 'active' ? 'ok' : 'pending'}`} aria-hidden="true" />
                {pair.status}
              </span>
            </td>
          </tr>
        ))}
      {expanded && strategy.unallocated_amount > 0 && (
        <tr className="unallocated-row" data-testid={`tree-unallocated-${strategy.name}`}>
          <td>
            <span className="tree-name">
              <span className="tree-indent" aria-hidden="true" />
              <span className="label">Unallocated</span>
            </span>
          </td>
          <td className="num">{formatAmount(strategy.unallocated_amount)}</td>
          <td className="num">{formatPercent(shareOf(strategy.unallocated_amount, total))}</td>
          <td className="num">{formatPercent(shareOf(strategy.unallocated_amount, strategy.allocated_amount))}</td>
          <td />
          <td>not given to pairs</td>
        </tr>
      )}
    </>
  );
}

function StrategyFillStatus({ strategy }: { strategy: StrategyView }) {
  if (strategy.pairs_count === 0) return <span className="faint">no pairs</span>;
  if (strategy.unallocated_amount > 0) return <span className="warn">partly in pairs</span>;
  return <span className="dim">all in pairs</span>;
}
