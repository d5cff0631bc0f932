import { DomainError } from '../../shared/contract/errors';
import { DEFAULT_USER_ID } from '../../shared/contract/capital';
import { formatMoney, percentage, percentOfCents, splitEvenly, toCents } from '../../shared/lib/money';
import {
  assertFits,
  assessStrategyRisk,
  levelOfLossPct,
  maxLevel,
  strategyNameKey,
  type RiskLevel,
  type StrategyRisk,
} from '../domain/capital/allocation-rules';
import type {
  CapitalRepository,
  PairAllocationRecord,
  PortfolioRecord,
  StrategyAllocationRecord,
} from '../ports/capital-repository';

/**
 * Capital allocation use cases: portfolio → strategy → pair, in cents, all or nothing (one repository transaction per
 * write). The rules (fits, risk levels) live in domain/capital; this layer finds the records, applies the rules, writes
 * and answers with snapshots read after the write. The handlers in core/api only turn contract input into these calls
 * and these snapshots into the documented views.
 */

/** Names a portfolio: portfolio_id, else user_id, else the default user's portfolio, else the only portfolio there is. */
export interface PortfolioTarget {
  portfolioId?: number | undefined;
  userId?: string | undefined;
}

export interface StrategySnapshot {
  strategy: StrategyAllocationRecord;
  pairs: PairAllocationRecord[];
}

export interface PortfolioSnapshot {
  portfolio: PortfolioRecord;
  strategies: StrategySnapshot[];
}

/** One requested pair: an amount, or a percentage of the strategy. */
export interface PairRequest {
  pair: string;
  amount?: number | undefined;
  percentage?: number | undefined;
  floatingLossThresholdPct: number;
}

export interface PairsAdded {
  portfolio: PortfolioRecord;
  strategy: StrategySnapshot;
  added: PairAllocationRecord[];
  /** Roundings and leftovers a person should know about. */
  notes: string[];
}

export interface RiskStatus {
  portfolio: PortfolioRecord;
  overallRisk: RiskLevel;
  allocatedCents: number;
  availableCents: number;
  maxLossCents: number;
  maxLossPct: number;
  strategies: { strategy: StrategyAllocationRecord; pairsCount: number; risk: StrategyRisk }[];
}

export interface CapitalService {
  createPortfolio(request: { userId: string; totalCapital: number; currency: string }): PortfolioSnapshot;
  listPortfolios(): PortfolioSnapshot[];
  allocateStrategy(
    request: PortfolioTarget & { strategyName: string; amount?: number | undefined; percentage?: number | undefined },
  ): { strategy: StrategySnapshot; portfolio: PortfolioSnapshot; notes: string[] };
  allocatePairs(strategyAllocationId: number, pairs: readonly PairRequest[]): PairsAdded;
  /** Splits what the strategy has not yet given to pairs evenly between the new pairs (leftover cents to the first). */
  addPairs(request: PortfolioTarget & { strategyName: string; pairs: readonly string[]; floatingLossThresholdPct: number }): PairsAdded;
  dashboard(userId: string): PortfolioSnapshot;
  riskStatus(userId: string): RiskStatus;
  resetPortfolio(userId: string): { portfolio: PortfolioRecord; deleted: { strategies: number; pairs: number } };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

interface CentsRequest {
  pair: string;
  cents: number;
  requestedPercentage: number | null;
  thresholdPct: number;
}

export function createCapitalService(repo: CapitalRepository): CapitalService {
  const portfolioOfUser = (userId: string): PortfolioRecord => {
    const portfolio = repo.findPortfolioByUser(userId);
    if (!portfolio) {
      throw new DomainError('NOT_FOUND', `User "${userId}" has no portfolio; create one with POST /api/capital/portfolio`);
    }
    return portfolio;
  };

  const resolvePortfolio = (target: PortfolioTarget): PortfolioRecord => {
    if (target.portfolioId !== undefined) {
      const portfolio = repo.findPortfolioById(target.portfolioId);
      if (!portfolio) throw new DomainError('NOT_FOUND', `Portfolio ${target.portfolioId} does not exist`);
      if (target.userId !== undefined && portfolio.userId !== target.userId) {
        throw new DomainError(
          'AMBIGUOUS_TARGET',
          `Portfolio ${target.portfolioId} belongs to "${portfolio.userId}", not "${target.userId}"; send one of them`,
        );
      }
      return portfolio;
    }
    if (target.userId !== undefined) return portfolioOfUser(target.userId);
    const fallback = repo.findPortfolioByUser(DEFAULT_USER_ID);
    if (fallback) return fallback;
    const all = repo.listPortfolios();
    if (all.length === 1) return all[0] as PortfolioRecord;
    if (all.length === 0) {
      throw new DomainError('NOT_FOUND', 'There is no portfolio yet; create one with POST /api/capital/portfolio');
    }
    throw new DomainError('AMBIGUOUS_TARGET', `There are ${all.length} portfolios; say which one with user_id or portfolio_id`);
  };

  const strategySnapshot = (strategy: StrategyAllocationRecord): StrategySnapshot => ({ strategy, pairs: repo.listPairs(strategy.id) });
  const portfolioSnapshot = (portfolio: PortfolioRecord): PortfolioSnapshot => ({
    portfolio,
    strategies: repo.listStrategies(portfolio.id).map(strategySnapshot),
  });
  const strategyUsage = (strategyId: number) => sum(repo.listPairs(strategyId).map((p) => p.allocatedCents));

  /** Inserts pairs after checking duplicates and that they fit in the strategy, all or nothing. */
  const insertPairs = (strategy: StrategyAllocationRecord, requests: readonly CentsRequest[], notes: string[]): PairsAdded => {
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
      requests.length === 1 ? (requests[0] as CentsRequest).pair : `${requests.length} pairs`,
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
    return { portfolio, strategy: strategySnapshot(strategy), added, notes };
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
    createPortfolio: (request) =>
      repo.transaction(() => {
        const existing = repo.findPortfolioByUser(request.userId);
        if (existing) {
          throw new DomainError(
            'ALREADY_EXISTS',
            `User "${request.userId}" already has portfolio ${existing.id} (${formatMoney(existing.totalCents, existing.currency)}); ` +
              `reset it with DELETE /api/capital/reset/${request.userId} to start over`,
          );
        }
        const portfolio = repo.insertPortfolio({
          userId: request.userId,
          totalCents: toCents(request.totalCapital),
          currency: request.currency,
        });
        return portfolioSnapshot(portfolio);
      }),

    listPortfolios: () => repo.listPortfolios().map(portfolioSnapshot),

    allocateStrategy: (request) =>
      repo.transaction(() => {
        const portfolio = resolvePortfolio(request);
        const strategies = repo.listStrategies(portfolio.id);
        const key = strategyNameKey(request.strategyName);
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
        if (request.percentage !== undefined) {
          const share = percentOfCents(portfolio.totalCents, request.percentage);
          cents = share.cents;
          if (share.cents !== share.exactCents) {
            notes.push(
              `${request.percentage}% of ${formatMoney(portfolio.totalCents, portfolio.currency)} is ` +
                `${(share.exactCents / 100).toFixed(6)}; allocated ${formatMoney(cents, portfolio.currency)} (rounded to the cent)`,
            );
          }
        } else {
          cents = toCents(request.amount as number);
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
          `strategy "${request.strategyName}"`,
        );
        const strategy = repo.insertStrategy({
          portfolioId: portfolio.id,
          strategyName: request.strategyName.trim().replace(/\s+/g, ' '),
          allocatedCents: cents,
          requestedPercentage: request.percentage ?? null,
        });
        return { strategy: strategySnapshot(strategy), portfolio: portfolioSnapshot(portfolio), notes };
      }),

    allocatePairs: (strategyAllocationId, pairs) =>
      repo.transaction(() => {
        const strategy = repo.findStrategyById(strategyAllocationId);
        if (!strategy) {
          throw new DomainError('NOT_FOUND', `Strategy allocation ${strategyAllocationId} does not exist`);
        }
        const currency = (repo.findPortfolioById(strategy.portfolioId) as PortfolioRecord).currency;
        const notes: string[] = [];
        const requests = pairs.map((p): CentsRequest => {
          if (p.percentage === undefined) {
            return { pair: p.pair, cents: toCents(p.amount as number), requestedPercentage: null, thresholdPct: p.floatingLossThresholdPct };
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
          return { pair: p.pair, cents: share.cents, requestedPercentage: p.percentage, thresholdPct: p.floatingLossThresholdPct };
        });
        return insertPairs(strategy, requests, notes);
      }),

    addPairs: (request) =>
      repo.transaction(() => {
        const portfolio = resolvePortfolio(request);
        const strategy = findStrategyByName(portfolio, request.strategyName);
        const freeCents = strategy.allocatedCents - strategyUsage(strategy.id);
        if (freeCents < request.pairs.length) {
          throw new DomainError(
            'NOTHING_TO_ALLOCATE',
            `Strategy "${strategy.strategyName}" has ${formatMoney(Math.max(0, freeCents), portfolio.currency)} not yet given to pairs; ` +
              `that cannot be split between ${request.pairs.length} new pair(s)`,
          );
        }
        const shares = splitEvenly(freeCents, request.pairs.length);
        const notes: string[] = [];
        const leftover = freeCents - (shares.at(-1) as number) * shares.length;
        if (leftover > 0) {
          const luckyPairs = request.pairs.slice(0, leftover).join(', ');
          notes.push(
            `${formatMoney(freeCents, portfolio.currency)} does not split evenly into ${request.pairs.length}; ` +
              `the remaining ${leftover} cent(s) went one each to ${luckyPairs}`,
          );
        }
        const requests = request.pairs.map((pair, i) => ({
          pair,
          cents: shares[i] as number,
          requestedPercentage: null,
          thresholdPct: request.floatingLossThresholdPct,
        }));
        return insertPairs(strategy, requests, notes);
      }),

    dashboard: (userId) => portfolioSnapshot(portfolioOfUser(userId)),

    riskStatus: (userId) => {
      const portfolio = portfolioOfUser(userId);
      const strategies = repo.listStrategies(portfolio.id);
      const allocatedCents = sum(strategies.map((s) => s.allocatedCents));
      let maxLossCents = 0;
      let worstStrategy: RiskLevel = 'LOW';
      const assessed: RiskStatus['strategies'] = [];
      for (const strategy of strategies) {
        const pairs = repo.listPairs(strategy.id);
        const risk = assessStrategyRisk(strategy.allocatedCents, pairs);
        maxLossCents += risk.maxLossCents;
        worstStrategy = maxLevel(worstStrategy, risk.risk);
        assessed.push({ strategy, pairsCount: pairs.length, risk });
      }
      const maxLossPct = percentage(maxLossCents, portfolio.totalCents);
      // A single strategy in trouble is a portfolio concern too, one level below its own.
      const fromWorstStrategy: RiskLevel = worstStrategy === 'HIGH' ? 'MEDIUM' : 'LOW';
      return {
        portfolio,
        overallRisk: maxLevel(levelOfLossPct(maxLossPct), fromWorstStrategy),
        allocatedCents,
        availableCents: portfolio.totalCents - allocatedCents,
        maxLossCents,
        maxLossPct,
        strategies: assessed,
      };
    },

    resetPortfolio: (userId) =>
      repo.transaction(() => {
        const portfolio = portfolioOfUser(userId);
        return { portfolio, deleted: repo.deletePortfolio(portfolio.id) };
      }),
  };
}
