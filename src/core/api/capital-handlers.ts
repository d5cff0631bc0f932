import { DomainError } from '../../shared/contract/errors';
import type { Handlers, OutputOf, ParsedInputOf } from '../../shared/contract/index';
import { DEFAULT_USER_ID } from '../../shared/contract/capital';
import { formatMoney, fromCents, percentage, percentOfCents, splitEvenly, toCents } from '../../shared/lib/money';
import { assertFits, assessStrategyRisk, levelOfLossPct, maxLevel, strategyNameKey } from '../domain/capital/allocation-rules';
import type {
  CapitalRepository,
  PairAllocationRecord,
  PortfolioRecord,
  StrategyAllocationRecord,
} from '../ports/capital-repository';

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

export function createCapitalHandlers(repo: CapitalRepository): CapitalHandlers {
  const portfolioOfUser = (userId: string): PortfolioRecord => {
    const portfolio = repo.findPortfolioByUser(userId);
    if (!portfolio) {
      throw new DomainError('NOT_FOUND', `User "${userId}" has no portfolio; create one with POST /api/capital/portfolio`);
    }
    return portfolio;
  };

  /** portfolio_id, else user_id, else the default user's portfolio, else the only portfolio there is. */
  const resolvePortfolio = (target: { portfolio_id?: number | undefined; user_id?: string | undefined }): PortfolioRecord => {
    if (target.portfolio_id !== undefined) {
      const portfolio = repo.findPortfolioById(target.portfolio_id);
      if (!portfolio) throw new DomainError('NOT_FOUND', `Portfolio ${target.portfolio_id} does not exist`);
      if (target.user_id !== undefined && portfolio.userId !== target.user_id) {
        throw new DomainError(
          'AMBIGUOUS_TARGET',
          `Portfolio ${target.portfolio_id} belongs to "${portfolio.userId}", not "${target.user_id}"; send one of them`,
        );
      }
      return portfolio;
    }
    if (target.user_id !== undefined) return portfolioOfUser(target.user_id);
    const fallback = repo.findPortfolioByUser(DEFAULT_USER_ID);
    if (fallback) return fallback;
    const all = repo.listPortfolios();
    if (all.length === 1) return all[0] as PortfolioRecord;
    if (all.length === 0) {
      throw new DomainError('NOT_FOUND', 'There is no portfolio yet; create one with POST /api/capital/portfolio');
    }
    throw new DomainError('AMBIGUOUS_TARGET', `There are ${all.length} portfolios; say which one with user_id or portfolio_id`);
  };

  const strategyUsage = (strategyId: number) => sum(repo.listPairs(strategyId).map((p) => p.allocatedCents));

  const portfolioView = (p: PortfolioRecord): OutputOf<'capital.createPortfolio'> => {
    const strategies = repo.listStrategies(p.id);
    const allocated = sum(strategies.map((s) => s.allocatedCents));
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
  };

  const pairView = (pair: PairAllocationRecord, strategy: StrategyAllocationRecord) => ({
    pair_allocation_id: pair.id,
    pair: pair.pair,
    capital: fromCents(pair.allocatedCents),
    percentage_of_strategy: percentage(pair.allocatedCents, strategy.allocatedCents),
    floating_loss_threshold_pct: pair.floatingLossThresholdPct,
    status: pair.status,
  });

  const strategyView = (s: StrategyAllocationRecord, portfolio: PortfolioRecord) => {
    const pairs = repo.listPairs(s.id);
    const pairsCents = sum(pairs.map((p) => p.allocatedCents));
    return {
      strategy_allocation_id: s.id,
      portfolio_id: s.portfolioId,
      strategy_name: s.strategyName,
      allocated_amount: fromCents(s.allocatedCents),
      allocation_percentage: percentage(s.allocatedCents, portfolio.totalCents),
      pairs_allocated_amount: fromCents(pairsCents),
      unallocated_amount: fromCents(s.allocatedCents - pairsCents),
      pairs: pairs.map((p) => pairView(p, s)),
    };
  };

  /** Inserts pairs after checking duplicates and that they fit in the strategy, all or nothing. */
  const insertPairs = (
    strategy: StrategyAllocationRecord,
    requests: { pair: string; cents: number; requestedPercentage: number | null; thresholdPct: number }[],
    notes: string[],
  ): OutputOf<'capital.allocatePairs'> => {
    const portfolio = repo.findPortfolioById(strategy.portfolioId) as PortfolioRecord;
    const existing = new Set(repo.listPairs(strategy.id).map((p) => p.pair));
    const seen = new Set<string>();
    for (const request of requests) {
      if (existing.has(request.pair)) {
        throw new DomainError(
          'DUPLICATE_PAIR',
          `${request.pair} is already allocated in strategy "${strategy.strategyName}"; each pair appears once per strategy`,
        );
      }
      if (seen.has(request.pair)) {
        throw new DomainError('DUPLICATE_PAIR', `${request.pair} is listed twice in this request`);
      }
      seen.add(request.pair);
    }
    assertFits(
      {
        owner: `strategy "${strategy.strategyName}"`,
        capacityCents: strategy.allocatedCents,
        usedCents: strategyUsage(strategy.id),
        currency: portfolio.currency,
      },
      sum(requests.map((r) => r.cents)),
      requests.length === 1 ? (requests[0] as { pair: string }).pair : `${requests.length} pairs`,
    );
    const added = requests.map((r) =>
      repo.insertPair({
        strategyAllocationId: strategy.id,
        pair: r.pair,
        allocatedCents: r.cents,
        requestedPercentage: r.requestedPercentage,
        floatingLossThresholdPct: r.thresholdPct,
      }),
    );
    return { strategy: strategyView(strategy, portfolio), added: added.map((p) => pairView(p, strategy)), notes };
  };

  const findStrategyByName = (portfolio: PortfolioRecord, name: string): StrategyAllocationRecord => {
    const key = strategyNameKey(name);
    const strategy = repo.listStrategies(portfolio.id).find((s) => strategyNameKey(s.strategyName) === key);
    if (!strategy) {
      throw new DomainError(
        'NOT_FOUND',
        `Portfolio ${portfolio.id} of "${portfolio.userId}" has no strategy "${name}"; allocate it first with POST /api/capital/strategy/allocate`,
      );
    }
    return strategy;
  };

  return {
    'capital.createPortfolio': (input) =>
      repo.transaction(() => {
        const existing = repo.findPortfolioByUser(input.user_id);
        if (existing) {
          throw new DomainError(
            'ALREADY_EXISTS',
            `User "${input.user_id}" already has portfolio ${existing.id} (${formatMoney(existing.totalCents, existing.currency)}); ` +
              `reset it with DELETE /api/capital/reset/${input.user_id} to start over`,
          );
        }
        const portfolio = repo.insertPortfolio({
          userId: input.user_id,
          totalCents: toCents(input.total_capital),
          currency: input.currency,
        });
        return portfolioView(portfolio);
      }),

    'capital.listPortfolios': () => ({ portfolios: repo.listPortfolios().map(portfolioView) }),

    'capital.allocateStrategy': (input) =>
      repo.transaction(() => {
        const portfolio = resolvePortfolio(input);
        const strategies = repo.listStrategies(portfolio.id);
        const key = strategyNameKey(input.strategy_name);
        const duplicate = strategies.find((s) => strategyNameKey(s.strategyName) === key);
        if (duplicate) {
          throw new DomainError(
            'DUPLICATE_STRATEGY',
            `Portfolio ${portfolio.id} already has a strategy named "${duplicate.strategyName}" ` +
              `(allocation ${duplicate.id}, ${formatMoney(duplicate.allocatedCents, portfolio.currency)}); choose another name`,
          );
        }
        const notes: string[] = [];
        let cents: number;
        if (input.allocation_percentage !== undefined) {
          const share = percentOfCents(portfolio.totalCents, input.allocation_percentage);
          cents = share.cents;
          if (share.cents !== share.exactCents) {
            notes.push(
              `${input.allocation_percentage}% of ${formatMoney(portfolio.totalCents, portfolio.currency)} is ` +
                `${(share.exactCents / 100).toFixed(6)}; allocated ${formatMoney(cents, portfolio.currency)} (rounded to the cent)`,
            );
          }
        } else {
          cents = toCents(input.allocation_amount as number);
        }
        if (cents <= 0) throw new DomainError('VALIDATION_FAILED', 'The allocation rounds to less than one cent');
        assertFits(
          {
            owner: `portfolio ${portfolio.id} of "${portfolio.userId}"`,
            capacityCents: portfolio.totalCents,
            usedCents: sum(strategies.map((s) => s.allocatedCents)),
            currency: portfolio.currency,
          },
          cents,
          `strategy "${input.strategy_name}"`,
        );
        const strategy = repo.insertStrategy({
          portfolioId: portfolio.id,
          strategyName: input.strategy_name.trim().replace(/\s+/g, ' '),
          allocatedCents: cents,
          requestedPercentage: input.allocation_percentage ?? null,
        });
        return { strategy: strategyView(strategy, portfolio), portfolio: portfolioView(portfolio), notes };
      }),

    'capital.allocatePairs': (input) =>
      repo.transaction(() => {
        const strategy = repo.findStrategyById(input.strategy_allocation_id);
        if (!strategy) {
          throw new DomainError('NOT_FOUND', `Strategy allocation ${input.strategy_allocation_id} does not exist`);
        }
        const currency = (repo.findPortfolioById(strategy.portfolioId) as PortfolioRecord).currency;
        const notes: string[] = [];
        const requests = input.pair_allocations.map((p) => {
          if (p.percentage === undefined) {
            return { pair: p.pair, cents: toCents(p.amount as number), requestedPercentage: null, thresholdPct: p.floating_loss_threshold_pct };
          }
          const share = percentOfCents(strategy.allocatedCents, p.percentage);
          if (share.cents !== share.exactCents) {
            notes.push(
              `${p.pair}: ${p.percentage}% of ${formatMoney(strategy.allocatedCents, currency)} is ${(share.exactCents / 100).toFixed(6)}; ` +
                `allocated ${formatMoney(share.cents, currency)} (rounded to the cent)`,
            );
          }
          if (share.cents <= 0) {
            throw new DomainError('VALIDATION_FAILED', `${p.pair}: ${p.percentage}% of the strategy is less than one cent`);
          }
          return { pair: p.pair, cents: share.cents, requestedPercentage: p.percentage, thresholdPct: p.floating_loss_threshold_pct };
        });
        return insertPairs(strategy, requests, notes);
      }),

    'capital.addPairs': (input) =>
      repo.transaction(() => {
        const portfolio = resolvePortfolio(input);
        const strategy = findStrategyByName(portfolio, input.strategy_name);
        const freeCents = strategy.allocatedCents - strategyUsage(strategy.id);
        if (freeCents < input.pairs.length) {
          throw new DomainError(
            'NOTHING_TO_ALLOCATE',
            `Strategy "${strategy.strategyName}" has ${formatMoney(Math.max(0, freeCents), portfolio.currency)} not yet given to pairs; ` +
              `that cannot be split between ${input.pairs.length} new pair(s)`,
          );
        }
        const shares = splitEvenly(freeCents, input.pairs.length);
        const notes: string[] = [];
        const leftover = freeCents - (shares.at(-1) as number) * shares.length;
        if (leftover > 0) {
          const luckyPairs = input.pairs.slice(0, leftover).join(', ');
          notes.push(
            `${formatMoney(freeCents, portfolio.currency)} does not split evenly into ${input.pairs.length}; ` +
              `the remaining ${leftover} cent(s) went one each to ${luckyPairs}`,
          );
        }
        const requests = input.pairs.map((pair, i) => ({
          pair,
          cents: shares[i] as number,
          requestedPercentage: null,
          thresholdPct: input.floating_loss_threshold_pct,
        }));
        return insertPairs(strategy, requests, notes);
      }),

    'capital.getDashboard': (input: ParsedInputOf<'capital.getDashboard'>) => {
      const portfolio = portfolioOfUser(input.user_id);
      const summary = portfolioView(portfolio);
      const strategies: OutputOf<'capital.getDashboard'>['strategies'] = {};
      let totalPairs = 0;
      for (const s of repo.listStrategies(portfolio.id)) {
        const view = strategyView(s, portfolio);
        totalPairs += view.pairs.length;
        strategies[s.strategyName] = {
          strategy_allocation_id: s.id,
          allocation_percentage: view.allocation_percentage,
          allocated_amount: view.allocated_amount,
          pairs_allocated_amount: view.pairs_allocated_amount,
          unallocated_amount: view.unallocated_amount,
          pairs_count: view.pairs.length,
          capital_per_pair: view.pairs.length ? Math.round((s.allocatedCents / view.pairs.length)) / 100 : 0,
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
      const portfolio = portfolioOfUser(input.user_id);
      const strategies = repo.listStrategies(portfolio.id);
      const allocated = sum(strategies.map((s) => s.allocatedCents));
      const strategy_risks: Record<string, 'LOW' | 'MEDIUM' | 'HIGH'> = {};
      const strategy_details: OutputOf<'capital.getRiskStatus'>['strategy_details'] = {};
      let maxLossCents = 0;
      let worstStrategy: 'LOW' | 'MEDIUM' | 'HIGH' = 'LOW';
      for (const s of strategies) {
        const pairs = repo.listPairs(s.id);
        const risk = assessStrategyRisk(s.allocatedCents, pairs);
        maxLossCents += risk.maxLossCents;
        worstStrategy = maxLevel(worstStrategy, risk.risk);
        strategy_risks[s.strategyName] = risk.risk;
        strategy_details[s.strategyName] = {
          risk: risk.risk,
          allocated_amount: fromCents(s.allocatedCents),
          max_loss_amount: fromCents(risk.maxLossCents),
          max_loss_pct_of_strategy: risk.maxLossPctOfStrategy,
          floating_pnl: fromCents(risk.floatingPnlCents),
          worst_threshold_usage_pct: risk.worstThresholdUsagePct,
          pairs_count: pairs.length,
        };
      }
      const maxLossPct = percentage(maxLossCents, portfolio.totalCents);
      // A single strategy in trouble is a portfolio concern too, one level below its own.
      const fromWorstStrategy = worstStrategy === 'HIGH' ? 'MEDIUM' : 'LOW';
      const available = portfolio.totalCents - allocated;
      return {
        overall_risk: maxLevel(levelOfLossPct(maxLossPct), fromWorstStrategy),
        fund_utilization: percentage(allocated, portfolio.totalCents),
        can_allocate_more: available > 0,
        available_percentage: percentage(available, portfolio.totalCents),
        available_capital: fromCents(available),
        max_loss_amount: fromCents(maxLossCents),
        max_loss_pct_of_portfolio: maxLossPct,
        strategy_risks,
        strategy_details,
      };
    },

    'capital.resetPortfolio': (input) =>
      repo.transaction(() => {
        const portfolio = portfolioOfUser(input.user_id);
        const deleted = repo.deletePortfolio(portfolio.id);
        return {
          user_id: portfolio.userId,
          portfolio_id: portfolio.id,
          deleted_strategies: deleted.strategies,
          deleted_pairs: deleted.pairs,
        };
      }),
  };
}
