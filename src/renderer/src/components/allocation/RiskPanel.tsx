import { strategiesOf } from '../../lib/dashboard-view';
import { formatAmount, formatMoney, formatPercent } from '../../lib/format';
import type { Dashboard, RiskStatus } from '../../stores/portfolio-store';
import { Panel } from '../common/Panel';
import { RiskBadge } from '../common/RiskBadge';

interface Props {
  dashboard: Dashboard;
  risk: RiskStatus | null;
}

/**
 * Worst-case losses before the floating-loss thresholds close every pair, as the server computes them.
 * Floating P&L stays at 0 until strategies trade.
 */
export function RiskPanel({ dashboard, risk }: Props) {
  const { currency } = dashboard;
  return (
    <Panel
      title="Risk"
      aside={risk ? <RiskBadge level={risk.overall_risk} testId="risk-overall" /> : undefined}
      className="area-risk risk-panel"
      testId="risk-panel"
    >
      {!risk ? (
        <div className="empty">Loading risk status…</div>
      ) : (
        <>
          <div className="risk-summary">
            <div className="figure">
              <span className="figure-label">Max loss</span>
              <span className={`figure-value ${risk.max_loss_amount > 0 ? 'down' : 'dim'}`} data-testid="risk-max-loss">
                {formatMoney(risk.max_loss_amount, currency)}
              </span>
            </div>
            <div className="figure">
              <span className="figure-label">% of portf.</span>
              <span className="figure-value">{formatPercent(risk.max_loss_pct_of_portfolio)}</span>
            </div>
            <div className="figure">
              <span className="figure-label">Funds used</span>
              <span className="figure-value">{formatPercent(risk.fund_utilization)}</span>
            </div>
            <div className="figure">
              <span className="figure-label">Still free</span>
              <span className={`figure-value ${risk.can_allocate_more ? 'up' : 'dim'}`}>
                {formatMoney(risk.available_capital, currency)}
              </span>
            </div>
          </div>
          {Object.keys(risk.strategy_details).length > 0 && (
            <table className="grid">
              <thead>
                <tr>
                  <th>Strategy</th>
                  <th style={{ width: 78 }}>Level</th>
                  <th className="num opt" style={{ width: 96 }}>
                    Allocated
                  </th>
                  <th className="num" style={{ width: 90 }} title="Sum over pairs of capital × floating-loss threshold">
                    Max loss
                  </th>
                  <th className="num" style={{ width: 70 }} title="Max loss as % of the strategy">
                    % Strat.
                  </th>
                  <th className="num" style={{ width: 80 }} title="Floating profit or loss of open positions">
                    Float P&amp;L
                  </th>
                  <th className="num opt" style={{ width: 72 }} title="Worst pair: floating loss as % of what its threshold allows">
                    Thr. used
                  </th>
                </tr>
              </thead>
              <tbody>
                {strategiesOf(dashboard).map(({ name, color }) => {
                  const detail = risk.strategy_details[name];
                  if (!detail) return null;
                  return (
                    <tr key={name} data-testid={`risk-strategy-${name}`}>
                      <td>
                        <span className="tree-name">
                          <span className="swatch" style={{ background: color }} aria-hidden="true" />
                          <span className="label" title={name}>
                            {name}
                          </span>
                        </span>
                      </td>
                      <td>
                        <RiskBadge level={detail.risk} />
                      </td>
                      <td className="num opt">{formatAmount(detail.allocated_amount)}</td>
                      <td className={`num ${detail.max_loss_amount > 0 ? 'down' : 'dim'}`}>{formatAmount(detail.max_loss_amount)}</td>
                      <td className="num">{formatPercent(detail.max_loss_pct_of_strategy)}</td>
                      <td className={`num ${detail.floating_pnl < 0 ? 'down' : detail.floating_pnl > 0 ? 'up' : 'dim'}`}>
                        {formatAmount(detail.floating_pnl)}
                      </td>
                      <td className="num opt">{formatPercent(detail.worst_threshold_usage_pct, 1)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {Object.keys(risk.strategy_details).length === 0 && (
            <div className="empty">No strategies yet: nothing is at risk.</div>
          )}
        </>
      )}
    </Panel>
  );
}
