import { z } from 'zod';
import { defineProcedure } from './procedure';
import {
  currencyField,
  DEFAULT_FLOATING_LOSS_THRESHOLD_PCT,
  floatingLossThresholdField,
  idField,
  moneyAmount,
  pairField,
  percentageField,
  riskLevel,
  strategyNameField,
  userIdField,
} from './fields';

/** Capital allocation: portfolio → strategies → pairs, as forex-echo-backend-api.md documents it. */

const TAG = 'Capital allocation';
const ENVELOPE = 'forex-echo' as const;

/** The user a portfolio is created for when the request names none (the spec's short example omits it). */
export const DEFAULT_USER_ID = 'default';

export const portfolioSummary = z.object({
  portfolio_id: z.number().int(),
  user_id: z.string(),
  currency: z.string(),
  total_capital: z.number(),
  allocated_capital: z.number(),
  available_capital: z.number(),
  utilization_percentage: z.number(),
  strategies_count: z.number().int(),
  created_at: z.string(),
});
export type PortfolioSummary = z.infer<typeof portfolioSummary>;

const pairAllocation = z.object({
  pair_allocation_id: z.number().int(),
  pair: z.string(),
  capital: z.number(),
  percentage_of_strategy: z.number(),
  floating_loss_threshold_pct: z.number(),
  status: z.string(),
});

const strategyAllocation = z.object({
  strategy_allocation_id: z.number().int(),
  portfolio_id: z.number().int(),
  strategy_name: z.string(),
  allocated_amount: z.number(),
  allocation_percentage: z.number(),
  pairs_allocated_amount: z.number(),
  unallocated_amount: z.number(),
  pairs: z.array(pairAllocation),
});

/** Notes report anything the server decided for the caller, such as where leftover cents went. */
const notes = z.array(z.string());

export const createPortfolio = defineProcedure({
  name: 'capital.createPortfolio',
  tag: TAG,
  summary: 'Create a portfolio',
  description: 'One portfolio per user. `total_capital` is kept to the cent; more decimals are refused, not rounded.',
  input: z.strictObject({
    user_id: userIdField.default(DEFAULT_USER_ID),
    total_capital: moneyAmount('total_capital'),
    currency: currencyField.default('USD'),
  }),
  output: portfolioSummary,
  http: [{ method: 'POST', path: '/api/capital/portfolio', envelope: ENVELOPE }],
  message: (p) => `Portfolio ${p.portfolio_id} created for ${p.user_id} with ${p.total_capital.toFixed(2)} ${p.currency}`,
});

export const listPortfolios = defineProcedure({
  name: 'capital.listPortfolios',
  tag: TAG,
  summary: 'List all portfolios with their utilization',
  input: z.strictObject({}),
  output: z.object({ portfolios: z.array(portfolioSummary) }),
  http: [{ method: 'GET', path: '/api/capital/portfolios', envelope: ENVELOPE }],
  message: (o) => `${o.portfolios.length} portfolio(s)`,
});

const strategyTarget = {
  portfolio_id: idField('portfolio_id').optional(),
  user_id: userIdField.optional(),
};

export const allocateStrategy = defineProcedure({
  name: 'capital.allocateStrategy',
  tag: TAG,
  summary: 'Allocate part of a portfolio to a strategy, by amount or by percentage',
  description:
    'Give exactly one of `allocation_amount` or `allocation_percentage` (of the portfolio total). ' +
    'The portfolio is named by `portfolio_id` or `user_id`; with neither, the only portfolio is used. ' +
    'Refused when it would take the portfolio over 100 % or when the strategy name is already used in the portfolio.',
  input: z
    .strictObject({
      ...strategyTarget,
      strategy_name: strategyNameField,
      allocation_amount: moneyAmount('allocation_amount').optional(),
      allocation_percentage: percentageField('allocation_percentage').optional(),
    })
    .refine((v) => (v.allocation_amount === undefined) !== (v.allocation_percentage === undefined), {
      error: 'Give exactly one of allocation_amount (money) or allocation_percentage (% of the portfolio)',
      path: ['allocation_amount'],
    }),
  output: z.object({
    strategy_allocation_id: z
      .number()
      .int()
      .describe("the new allocation's id (= strategy.strategy_allocation_id), at the top of data: the workflow's next call, POST /api/capital/pairs/allocate, needs it"),
    strategy: strategyAllocation,
    portfolio: portfolioSummary,
    notes,
  }),
  http: [
    { method: 'POST', path: '/api/capital/strategy/allocate', envelope: ENVELOPE },
    { method: 'POST', path: '/api/capital/strategy', envelope: ENVELOPE },
  ],
  message: (o) =>
    `Allocated ${o.strategy.allocated_amount.toFixed(2)} ${o.portfolio.currency} (${o.strategy.allocation_percentage}%) to "${o.strategy.strategy_name}"; ` +
    `${o.portfolio.available_capital.toFixed(2)} ${o.portfolio.currency} still available`,
});

const pairAllocationRequest = z
  .strictObject({
    pair: pairField,
    amount: moneyAmount('amount').optional(),
    percentage: percentageField('percentage').optional(),
    floating_loss_threshold_pct: floatingLossThresholdField.default(DEFAULT_FLOATING_LOSS_THRESHOLD_PCT),
  })
  .refine((v) => (v.amount === undefined) !== (v.percentage === undefined), {
    error: 'Give exactly one of amount (money) or percentage (% of the strategy allocation) for each pair',
    path: ['amount'],
  });

const pairsResult = z.object({
  strategy: strategyAllocation,
  added: z.array(pairAllocation),
  notes,
});

export const allocatePairs = defineProcedure({
  name: 'capital.allocatePairs',
  tag: TAG,
  summary: 'Allocate a strategy’s capital to pairs, by amount or by percentage',
  description:
    'Each pair gets an `amount` or a `percentage` of the strategy allocation, and an optional ' +
    '`floating_loss_threshold_pct` (default 10): the floating loss, in % of the pair capital, at which its positions are closed. ' +
    'The pairs of a strategy can never take more than the strategy’s allocation.',
  input: z.strictObject({
    strategy_allocation_id: idField('strategy_allocation_id'),
    pair_allocations: z
      .array(pairAllocationRequest, { error: 'pair_allocations must be a list of {pair, amount | percentage}' })
      .min(1, 'pair_allocations must name at least one pair')
      .max(200, 'pair_allocations can name at most 200 pairs at once'),
  }),
  output: pairsResult,
  http: [{ method: 'POST', path: '/api/capital/pairs/allocate', envelope: ENVELOPE }],
  message: (o) => `Allocated ${o.added.length} pair(s) to "${o.strategy.strategy_name}"`,
});

export const addPairs = defineProcedure({
  name: 'capital.addPairs',
  tag: TAG,
  summary: 'Add pairs to a strategy, splitting its unallocated capital equally',
  description:
    'The strategy is named by `strategy_name` within the portfolio of `user_id` (or `portfolio_id`). ' +
    'Its capital not yet given to pairs is split equally between the new pairs, to the cent; ' +
    'leftover cents go to the first pairs, and the response says so.',
  input: z.strictObject({
    ...strategyTarget,
    strategy_name: strategyNameField,
    pairs: z
      .array(pairField, { error: 'pairs must be a list of symbols such as ["EURUSD", "GBPUSD"]' })
      .min(1, 'pairs must name at least one pair')
      .max(200, 'pairs can name at most 200 pairs at once'),
    floating_loss_threshold_pct: floatingLossThresholdField.default(DEFAULT_FLOATING_LOSS_THRESHOLD_PCT),
  }),
  output: pairsResult,
  http: [{ method: 'POST', path: '/api/capital/pair', envelope: ENVELOPE }],
  message: (o) => `Added ${o.added.length} pair(s) to "${o.strategy.strategy_name}"`,
});

const dashboardPair = z.object({
  pair_allocation_id: z.number().int(),
  capital: z.number(),
  percentage_of_strategy: z.number(),
  risk_threshold: z.number(),
  status: z.string(),
});

const dashboardStrategy = z.object({
  strategy_allocation_id: z.number().int(),
  allocation_percentage: z.number(),
  allocated_amount: z.number(),
  pairs_allocated_amount: z.number(),
  unallocated_amount: z.number(),
  pairs_count: z.number().int(),
  /** Average capital per pair: allocated_amount / pairs_count (0 without pairs). */
  capital_per_pair: z.number(),
  pairs: z.record(z.string(), dashboardPair),
});

const userPath = z.strictObject({ user_id: userIdField });

export const getDashboard = defineProcedure({
  name: 'capital.getDashboard',
  tag: TAG,
  summary: 'Portfolio dashboard: capital, strategies and pairs of a user',
  input: userPath,
  output: z.object({
    portfolio_id: z.number().int(),
    user_id: z.string(),
    currency: z.string(),
    total_capital: z.number(),
    allocated_capital: z.number(),
    available_capital: z.number(),
    utilization_percentage: z.number(),
    total_strategies: z.number().int(),
    total_pairs: z.number().int(),
    strategies: z.record(z.string(), dashboardStrategy),
  }),
  http: [{ method: 'GET', path: '/api/capital/dashboard/{user_id}', envelope: ENVELOPE }],
  message: (d) => `Dashboard of ${d.user_id}: ${d.total_strategies} strategies, ${d.total_pairs} pairs`,
});

const strategyRiskDetail = z.object({
  risk: riskLevel,
  allocated_amount: z.number(),
  /** Sum over pairs of capital × floating_loss_threshold_pct: the most the strategy can lose before every pair is auto-closed. */
  max_loss_amount: z.number(),
  max_loss_pct_of_strategy: z.number(),
  floating_pnl: z.number(),
  /** Worst pair: floating loss as % of the loss its threshold allows (100 % = auto-close). */
  worst_threshold_usage_pct: z.number(),
  pairs_count: z.number().int(),
});

export const getRiskStatus = defineProcedure({
  name: 'capital.getRiskStatus',
  tag: TAG,
  summary: 'Risk status of a user’s portfolio, derived from utilization and per-pair loss thresholds',
  description:
    'Levels: a strategy’s worst-case loss before auto-close (Σ pair capital × threshold, as % of the strategy) ' +
    'is LOW up to 10 %, MEDIUM up to 20 %, HIGH above; the portfolio’s level uses the same bands on the total capital. ' +
    'A pair whose floating loss has used 50 % of its threshold lifts its strategy to at least MEDIUM, 80 % to HIGH.',
  input: userPath,
  output: z.object({
    overall_risk: riskLevel,
    fund_utilization: z.number(),
    can_allocate_more: z.boolean(),
    available_percentage: z.number(),
    available_capital: z.number(),
    max_loss_amount: z.number(),
    max_loss_pct_of_portfolio: z.number(),
    strategy_risks: z.record(z.string(), riskLevel),
    strategy_details: z.record(z.string(), strategyRiskDetail),
  }),
  http: [{ method: 'GET', path: '/api/capital/risk-status/{user_id}', envelope: ENVELOPE }],
  message: (r) => `Overall risk ${r.overall_risk}, ${r.fund_utilization}% of funds allocated`,
});

export const resetPortfolio = defineProcedure({
  name: 'capital.resetPortfolio',
  tag: TAG,
  summary: 'Delete a user’s portfolio with all its strategy and pair allocations',
  input: userPath,
  output: z.object({
    user_id: z.string(),
    portfolio_id: z.number().int(),
    deleted_strategies: z.number().int(),
    deleted_pairs: z.number().int(),
  }),
  http: [{ method: 'DELETE', path: '/api/capital/reset/{user_id}', envelope: ENVELOPE }],
  message: (r) =>
    `Portfolio ${r.portfolio_id} of ${r.user_id} reset: ${r.deleted_strategies} strategies and ${r.deleted_pairs} pairs removed`,
});
