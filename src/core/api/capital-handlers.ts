import type { Handlers, OutputOf } from '../../shared/contract/index';
import { fromCents, percentage } from '../../shared/lib/money';
import { createCapitalService, type PairsAdded, type PortfolioSnapshot, type StrategySnapshot } from '../capital/capital-service';
import type { RiskLevel } from '../domain/capital/allocation-rules';
import type { CapitalRepository, PairAllocationRecord, StrategyAllocationRecord } from '../ports/capital-repository';

/** Capital over the contract: input → core/capital (the use cases) → the documented views, money from cents. */

type CapitalHandlers = Pick<
  Handlers,
  | 'capital.createPortfolio'
  | 'capital.listPortfolios'
  | 'capital.allocateStrategy'
  | 'capital.allocatePairs'
  | 'capital.addPairs'
  | 'capital.getDashboard'
  | 'capital.getRiskStatus'
  | 'capital.resetPortfolio'
>;

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function portfolioView({ portfolio: p, strategies }: PortfolioSnapshot): OutputOf<'capital.createPortfolio'> {
  const allocated = sum(strategies.map((s) => s.strategy.allocatedCents));
  return {
    portfolio_id: p.id,
    user_id: p.userId,
    currency: p.currency,
    total_capital: fromCents(p.totalCents),
    allocated_capital: fromCents(allocated),
    available_capital: fromCents(p.totalCents - allocated),
    utilization_percentage: percentage(allocated, p.totalCents),
    strategies_count: strategies.length,
    created_at: p.createdAt,
  };
}

function pairView(pair: PairAllocationRecord, strategy: StrategyAllocationRecord) {
  return {
    pair_allocation_id: pair.id,
    pair: pair.pair,
    capital: fromCents(pair.allocatedCents),
    percentage_of_strategy: percentage(pair.allocatedCents, strategy.allocatedCents),
    floating_loss_threshold_pct: pair.floatingLossThresholdPct,
    status: pair.status,
  };
}

function strategyView({ strategy: s, pairs }: StrategySnapshot, portfolioTotalCents: number) {
  const pairsCents = sum(pairs.map((p) => p.allocatedCents));
  return {
    strategy_allocation_id: s.id,
    portfolio_id: s.portfolioId,
    strategy_name: s.strategyName,
    allocated_amount: fromCents(s.allocatedCents),
    allocation_percentage: percentage(s.allocatedCents, portfolioTotalCents),
    pairs_allocated_amount: fromCents(pairsCents),
    unallocated_amount: fromCents(s.allocatedCents - pairsCents),
    pairs: pairs.map((p) => pairView(p, s)),
  };
}

function pairsAddedView(result: PairsAdded): OutputOf<'capital.allocatePairs'> {
  return {
    strategy: strategyView(result.strategy, result.portfolio.totalCents),
    added: result.added.map((p) => pairView(p, result.strategy.strategy)),
    notes: result.notes,
  };
}

export function createCapitalHandlers(repo: CapitalRepository): CapitalHandlers {
  const capital = createCapitalService(repo);

  return {
    'capital.createPortfolio': (input) =>
      portfolioView(capital.createPortfolio({ userId: input.user_id, totalCapital: input.total_capital, currency: input.currency })),

    'capital.listPortfolios': () => ({ portfolios: capital.listPortfolios().map(portfolioView) }),

    'capital.allocateStrategy': (input) => {
      const result = capital.allocateStrategy({
        portfolioId: input.portfolio_id,
        userId: input.user_id,
        strategyName: input.strategy_name,
        amount: input.allocation_amount,
        percentage: input.allocation_percentage,
      });
      return {
        strategy_allocation_id: result.strategy.strategy.id,
        strategy: strategyView(result.strategy, result.portfolio.portfolio.totalCents),
        portfolio: portfolioView(result.portfolio),
        notes: result.notes,
      };
    },

    'capital.allocatePairs': (input) =>
      pairsAddedView(
        capital.allocatePairs(
          input.strategy_allocation_id,
          input.pair_allocations.map((p) => ({
            pair: p.pair,
            amount: p.amount,
            percentage: p.percentage,
            floatingLossThresholdPct: p.floating_loss_threshold_pct,
          })),
        ),
      ),

    'capital.addPairs': (input) =>
      pairsAddedView(
        capital.addPairs({
          portfolioId: input.portfolio_id,
          userId: input.user_id,
          strategyName: input.strategy_name,
          pairs: input.pairs,
          floatingLossThresholdPct: input.floating_loss_threshold_pct,
        }),
      ),

    'capital.getDashboard': (input) => {
      const snapshot = capital.dashboard(input.user_id);
      const { portfolio } = snapshot;
      const summary = portfolioView(snapshot);
      const strategies: OutputOf<'capital.getDashboard'>['strategies'] = {};
      let totalPairs = 0;
      for (const s of snapshot.strategies) {
        const view = strategyView(s, portfolio.totalCents);
        totalPairs += view.pairs.length;
        strategies[s.strategy.strategyName] = {
          strategy_allocation_id: s.strategy.id,
          allocation_percentage: view.allocation_percentage,
          allocated_amount: view.allocated_amount,
          pairs_allocated_amount: view.pairs_allocated_amount,
          unallocated_amount: view.unallocated_amount,
          pairs_count: view.pairs.length,
          capital_per_pair: view.pairs.length ? Math.round(s.strategy.allocatedCents / view.pairs.length) / 100 : 0,
          pairs: Object.fromEntries(
            view.pairs.map((p) => [
              p.pair,
              {
                pair_allocation_id: p.pair_allocation_id,
                capital: p.capital,
                percentage_of_strategy: p.percentage_of_strategy,
                risk_threshold: p.floating_loss_threshold_pct,
                status: p.status,
              },
            ]),
          ),
        };
      }
      return {
        portfolio_id: portfolio.id,
        user_id: portfolio.userId,
        currency: portfolio.currency,
        total_capital: summary.total_capital,
        allocated_capital: summary.allocated_capital,
        available_capital: summary.available_capital,
        utilization_percentage: summary.utilization_percentage,
        total_strategies: summary.strategies_count,
        total_pairs: totalPairs,
        strategies,
      };
    },

    'capital.getRiskStatus': (input) => {
      const status = capital.riskStatus(input.user_id);
      const total = status.portfolio.totalCents;
      const strategy_risks: Record<string, RiskLevel> = {};
      const strategy_details: OutputOf<'capital.getRiskStatus'>['strategy_details'] = {};
      for (const { strategy, pairsCount, risk } of status.strategies) {
        strategy_risks[strategy.strategyName] = risk.risk;
        strategy_details[strategy.strategyName] = {
          risk: risk.risk,
          allocated_amount: fromCents(strategy.allocatedCents),
          max_loss_amount: fromCents(risk.maxLossCents),
          max_loss_pct_of_strategy: risk.maxLossPctOfStrategy,
          floating_pnl: fromCents(risk.floatingPnlCents),
          worst_threshold_usage_pct: risk.worstThresholdUsagePct,
          pairs_count: pairsCount,
        };
      }
      return {
        overall_risk: status.overallRisk,
        fund_utilization: percentage(status.allocatedCents, total),
        can_allocate_more: status.availableCents > 0,
        available_percentage: percentage(status.availableCents, total),
        available_capital: fromCents(status.availableCents),
        max_loss_amount: fromCents(status.maxLossCents),
        max_loss_pct_of_portfolio: status.maxLossPct,
        strategy_risks,
        strategy_details,
      };
    },

    'capital.resetPortfolio': (input) => {
      const { portfolio, deleted } = capital.resetPortfolio(input.user_id);
      return {
        user_id: portfolio.userId,
        portfolio_id: portfolio.id,
        deleted_strategies: deleted.strategies,
        deleted_pairs: deleted.pairs,
      };
    },
  };
}
