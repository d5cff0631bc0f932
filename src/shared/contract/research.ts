import { z } from 'zod';
import { BACKTEST_STATUSES, createBacktestInput } from './backtest';
import { idField } from './fields';
import { defineProcedure } from './procedure';

/**
 * Research on top of the backtester (binance-trading-bot-api.md): walk-forward optimization (/api/walkforward/),
 * Monte Carlo analysis of a backtest's trades (/api/montecarlo/) and single-period parameter optimization
 * (/api/optimize/, ours: the spec has no route for it). Same envelope and life cycle as backtests: POST answers 201
 * with status PENDING at once; the work runs in the worker pool (RUNNING, `progress` 0–100); then COMPLETED with
 * `results`, or FAILED with `error` (a cancelled job is FAILED with error "Cancelled by the user" and is kept).
 * DELETE cancels a running job and removes it (204); POST …/{id}/cancel/ cancels and keeps it.
 */
const ENVELOPE = 'binance-trading-bot' as const;
const TAG = 'Research: optimization, walk-forward, Monte Carlo';

export const RESEARCH_STATUSES = BACKTEST_STATUSES;

// ---------------------------------------------------------------------------------------------------------------
// Optimization settings shared by /api/optimize/ and /api/walkforward/.

export const OPTIMIZATION_METRICS = [
  'sharpe_ratio',
  'sortino_ratio',
  'roi',
  'total_pnl',
  'profit_factor',
  'win_rate',
  'expectancy',
  'cagr',
  'max_drawdown',
  'calmar_ratio',
] as const;

const METRIC_DOC =
  'What ranks the parameter sets: sharpe_ratio (default), sortino_ratio, roi, total_pnl, profit_factor, win_rate, ' +
  'expectancy, cagr (higher is better), max_drawdown (lower is better), calmar_ratio = roi / max_drawdown. A set whose ' +
  'figure is undefined (null: no losing trade for profit_factor, < 2 daily returns for Sharpe) ranks below every ' +
  'defined one; ties keep the earlier grid point.';

export const MAX_PARAMETERS = 12;
export const MAX_VALUES_PER_PARAMETER = 1000;

const valueList = z
  .array(z.union([z.number().finite(), z.boolean()]), { error: 'each parameter takes a list of values such as [20, 23, 25] or a range {"min": 20, "max": 30, "step": 2}' })
  .min(1, 'a parameter needs at least one value')
  .max(MAX_VALUES_PER_PARAMETER, `a parameter takes at most ${MAX_VALUES_PER_PARAMETER} values`)
  .transform((values) => [...new Map(values.map((v) => [String(v), v])).values()]);

const stepRange = z
  .strictObject({
    min: z.number({ error: 'min must be a number' }).finite(),
    max: z.number({ error: 'max must be a number' }).finite(),
    step: z.number({ error: 'step must be a number greater than 0' }).finite().positive('step must be greater than 0'),
  })
  .refine((r) => r.max >= r.min, 'max must be at least min')
  .refine((r) => Math.floor((r.max - r.min) / r.step + 1e-9) + 1 <= MAX_VALUES_PER_PARAMETER, `a range takes at most ${MAX_VALUES_PER_PARAMETER} steps`)
  .transform((r) => {
    const count = Math.floor((r.max - r.min) / r.step + 1e-9) + 1;
    return Array.from({ length: count }, (_, k) => Number((r.min + k * r.step).toFixed(10)));
  });

export const parameterRangesField = z
  .record(z.string().trim().min(1), z.union([valueList, stepRange]), {
    error: 'parameter_ranges must be an object such as {"long_rsi_min": [20, 23, 25], "sl_atr_multiplier": {"min": 1, "max": 3, "step": 0.5}}',
  })
  .refine((r) => Object.keys(r).length >= 1, 'parameter_ranges must name at least one parameter')
  .refine((r) => Object.keys(r).length <= MAX_PARAMETERS, `parameter_ranges may name at most ${MAX_PARAMETERS} parameters`)
  .describe(
    'Candidate values per strategy parameter: a list ([20, 23, 25]) or a range {"min", "max", "step"} (both ends included). ' +
      'The grid is every combination (nested loops in the order given, the last parameter fastest); parameters not listed keep ' +
      'their strategy_params value. A combination the strategy refuses (e.g. long_rsi_min above long_rsi_max) is skipped and counted.',
  );

const searchFields = {
  optimization_metric: z
    .enum(OPTIMIZATION_METRICS, { error: `optimization_metric must be one of ${OPTIMIZATION_METRICS.join(', ')}` })
    .default('sharpe_ratio')
    .describe(METRIC_DOC),
  search: z
    .enum(['auto', 'grid', 'random'], { error: 'search must be auto, grid or random' })
    .default('auto')
    .describe(
      'grid: every combination; random: max_evaluations combinations drawn uniformly without replacement with the seeded ' +
        'generator (same seed → same combinations); auto (default): grid when the grid has at most max_evaluations points, else random',
    ),
  seed: z
    .number({ error: 'seed must be a whole number' })
    .int('seed must be a whole number')
    .min(0, 'seed must not be negative')
    .max(0xffff_ffff, 'seed must be at most 4294967295')
    .default(1)
    .describe('Seed of the random search (results are reproducible)'),
};

/** The backtest request's fields without its own refinements, to extend. */
const backtestShape = createBacktestInput.shape;

type BacktestFieldsOut = { start_date: number; end_date: number; sizing: string; position_size?: number | undefined };
/** The backtest request's own cross-field rules, repeated for the requests built on it. */
function backtestRules(v: BacktestFieldsOut, ctx: z.RefinementCtx): void {
  if (v.end_date <= v.start_date) ctx.addIssue({ code: 'custom', message: 'end_date must be after start_date', path: ['end_date'] });
  if (v.position_size === undefined && v.sizing !== 'all_equity' && v.sizing !== 'strategy') {
    ctx.addIssue({ code: 'custom', message: 'position_size is required (USD per trade) unless sizing is all_equity or strategy', path: ['position_size'] });
  }
  if (v.sizing === 'percent_equity' && (v.position_size ?? 0) > 100) {
    ctx.addIssue({ code: 'custom', message: 'with sizing percent_equity, position_size is a % of equity: at most 100', path: ['position_size'] });
  }
}

const countField = (field: string, min: number, max: number, fallback: number, description: string) =>
  z
    .number({ error: `${field} must be a whole number` })
    .int(`${field} must be a whole number`)
    .min(min, `${field} must be at least ${min}`)
    .max(max, `${field} must be at most ${max}`)
    .default(fallback)
    .describe(description);

export const MAX_EVALUATIONS = 100_000;

export const createOptimizationInput = z
  .strictObject({
    ...backtestShape,
    parameter_ranges: parameterRangesField,
    ...searchFields,
    max_evaluations: countField('max_evaluations', 1, MAX_EVALUATIONS, 1000, 'Most backtests to run (random search beyond it, see search)'),
    top_n: countField('top_n', 1, 500, 20, 'How many of the best parameter sets the results list'),
  })
  .superRefine(backtestRules);
export type CreateOptimizationInput = z.output<typeof createOptimizationInput>;

export const MAX_WALK_FORWARD_BACKTESTS = 1_000_000;
export const DEFAULT_WALK_FORWARD_POSITION_SIZE = 100;

export const createWalkForwardInput = z
  .strictObject({
    ...backtestShape,
    in_sample_days: countField('in_sample_days', 1, 36_500, 60, 'Length of each in-sample (optimization) window, days'),
    out_sample_days: countField('out_sample_days', 1, 36_500, 30, 'Length of each out-of-sample (test) window and the step between windows, days'),
    anchored: z
      .boolean({ error: 'anchored must be true or false' })
      .default(false)
      .describe('false (default): rolling in-sample windows of in_sample_days; true: every in-sample window starts at start_date and grows'),
    parameter_ranges: parameterRangesField,
    ...searchFields,
    max_evaluations: countField('max_evaluations', 1, MAX_EVALUATIONS, 500, 'Most backtests per in-sample window (random search beyond it, see search)'),
  })
  // The spec's example sends no position_size: USD 100 per trade (its backtest example's size) when not given.
  .transform((v) => ({ ...v, position_size: v.position_size ?? (v.sizing === 'fixed_cash' ? DEFAULT_WALK_FORWARD_POSITION_SIZE : undefined) }))
  .superRefine(backtestRules);
export type CreateWalkForwardInput = z.output<typeof createWalkForwardInput>;

export const MAX_SIMULATIONS = 1_000_000;
/** Most trade draws (num_simulations × trades of the backtest) per simulation: about half a minute of one core. */
export const MAX_MONTE_CARLO_DRAWS = 2_000_000_000;

const confidenceLevel = z
  .number({ error: 'each confidence level must be a number between 0 and 1 such as 0.95' })
  .gt(0, 'a confidence level must be greater than 0')
  .lt(1, 'a confidence level must be less than 1 (0.95 = 95 %)');

export const createMonteCarloInput = z.strictObject({
  backtest_id: z.coerce.number({ error: 'backtest_id must be the id of a completed backtest, such as 123' }).pipe(idField('backtest_id')),
  name: z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters').optional(),
  num_simulations: countField('num_simulations', 1, MAX_SIMULATIONS, 1000, 'Simulated paths'),
  confidence_levels: z
    .array(confidenceLevel, { error: 'confidence_levels must be a list such as [0.90, 0.95, 0.99]' })
    .min(1, 'confidence_levels must hold at least one level')
    .max(10, 'at most 10 confidence levels')
    .default([0.9, 0.95, 0.99])
    .transform((levels) => [...new Set(levels)].sort((a, b) => a - b))
    .describe('Levels c of the confidence intervals, VaR, expected shortfall and drawdown percentiles'),
  method: z
    .enum(['bootstrap', 'shuffle'], { error: 'method must be bootstrap or shuffle' })
    .default('bootstrap')
    .describe(
      'bootstrap (default): each path draws as many trades as the backtest had, uniformly WITH replacement; shuffle: each path ' +
        'is a random order of exactly the backtest\'s trades (WITHOUT replacement), so every path ends at the same ROI and only ' +
        'the drawdown and ruin figures vary',
    ),
  ruin_threshold: z
    .number({ error: 'ruin_threshold must be a fraction of the initial capital such as 0.5' })
    .gt(0, 'ruin_threshold must be greater than 0')
    .max(1, 'ruin_threshold must be at most 1 (a fraction of the initial capital)')
    .default(0.5)
    .describe('A path is ruined when its equity after some trade is at or below ruin_threshold × initial capital (0.5: half the capital lost at any point)'),
  seed: searchFields.seed.describe('Seed of the resampling (same seed → same results, whatever the number of workers)'),
  bins: countField('bins', 5, 200, 40, 'Most bins of the ROI histogram (`distribution`)'),
});
export type CreateMonteCarloInput = z.output<typeof createMonteCarloInput>;

// ---------------------------------------------------------------------------------------------------------------
// Views.

const paramValue = z.union([z.number(), z.boolean()]);
const paramSet = z.record(z.string(), paramValue);

export const researchMetrics = z
  .object({
    roi: z.number(),
    sharpe_ratio: z.number().nullable(),
    sortino_ratio: z.number().nullable(),
    win_rate: z.number().nullable(),
    profit_factor: z.number().nullable(),
    max_drawdown: z.number(),
    total_trades: z.number().int(),
    total_pnl: z.number(),
    final_capital: z.number(),
  })
  .describe('Backtest statistics of one run (definitions as in the backtest summary)');

const lifeCycle = {
  id: z.number().int(),
  name: z.string(),
  status: z.enum(RESEARCH_STATUSES),
  progress: z.number().describe('% done (0–100): backtests (optimization, walk-forward) or paths (Monte Carlo) finished'),
  error: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
};

const requestEcho = {
  strategy: z.string(),
  symbols: z.array(z.string()),
  timeframe: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  strategy_params: paramSet.describe('the base parameters (defaults filled in); the optimized ones are overlaid'),
  initial_capital: z.number(),
  position_size: z.number().nullable(),
  sizing: z.string(),
  parameter_ranges: z.record(z.string(), z.array(paramValue)).describe('the candidate values, ranges expanded'),
  optimization_metric: z.enum(OPTIMIZATION_METRICS),
  search: z.enum(['auto', 'grid', 'random']),
  max_evaluations: z.number().int(),
  seed: z.number().int(),
  grid_size: z.number().describe('combinations in the grid'),
  warnings: z.array(z.string()),
};

const rankedSet = z.object({
  rank: z.number().int(),
  params: paramSet,
  metric_value: z.number().nullable().describe('the optimization metric of this set (null when undefined for the run)'),
  metrics: researchMetrics,
});

export const optimizationResults = z.object({
  search: z.enum(['grid', 'random']).describe('the search that ran'),
  evaluated: z.number().int().describe('backtests run'),
  skipped: z.number().int().describe('combinations the strategy refused as a configuration'),
  skip_reason: z.string().nullable(),
  best_params: paramSet,
  best_metric_value: z.number().nullable(),
  best_metrics: researchMetrics,
  best_warnings: z
    .array(z.string())
    .optional()
    .describe("what the best set's backtest warned of, as a backtest's `warnings` do: entries refused and why (minimum lot, its USD value, the size that trades), or no signal fired (absent on jobs stored before it existed)"),
  top: z.array(rankedSet).describe('the best top_n sets, best first'),
});

export const optimizationView = z.object({
  ...lifeCycle,
  ...requestEcho,
  top_n: z.number().int(),
  results: optimizationResults.nullable(),
});
export type OptimizationView = z.infer<typeof optimizationView>;

const walkForwardWindow = z.object({
  window_id: z.number().int(),
  in_sample_start: z.string().describe('first UTC day of the in-sample window (inclusive)'),
  in_sample_end: z.string().describe('last UTC day of the in-sample window (inclusive)'),
  out_sample_start: z.string().describe('first UTC day of the out-of-sample window (inclusive)'),
  out_sample_end: z.string().describe('last UTC day of the out-of-sample window (inclusive)'),
  in_sample_bars: z.number().int(),
  out_sample_bars: z.number().int(),
  best_params: paramSet.describe('the in-sample winner by optimization_metric'),
  in_sample_metrics: researchMetrics,
  out_sample_metrics: researchMetrics,
  metric_value: z.number().nullable().describe('the in-sample optimization metric of best_params'),
  evaluated: z.number().int(),
  skipped: z.number().int(),
  out_sample_warnings: z
    .array(z.string())
    .optional()
    .describe("what the out-of-sample backtest warned of, as a backtest's `warnings` do (refused entries and why, no signal fired); absent on jobs stored before it existed"),
});

export const overallMetrics = z.object({
  total_roi: z.number().describe('compounded out-of-sample return, % = (Π (1 + roi_k/100) − 1) × 100 over the windows (each OOS run starts from initial_capital)'),
  avg_sharpe: z.number().nullable().describe('mean out-of-sample Sharpe ratio over the windows where it is defined'),
  avg_win_rate: z.number().nullable().describe('mean out-of-sample win rate over the windows with trades, %'),
  consistency_score: z
    .number()
    .describe('share of windows whose out-of-sample ROI is > 0, from 0 to 1 (0.85 = 85 % of the windows made money on data the optimization never saw)'),
  walk_forward_efficiency: z
    .number()
    .nullable()
    .describe('(Σ OOS ROI / Σ OOS days) / (Σ IS ROI / Σ IS days): out-of-sample return per day as a fraction of the in-sample one of the chosen sets; null when the in-sample side is ≤ 0'),
  avg_is_roi: z.number(),
  avg_oos_roi: z.number(),
  profitable_windows: z.number().int(),
  total_windows: z.number().int(),
  total_trades: z.number().int().describe('out-of-sample trades of all windows'),
  worst_max_drawdown: z.number().describe('largest out-of-sample max drawdown of any window, %'),
});

export const walkForwardResults = z.object({
  windows: z.array(walkForwardWindow),
  overall_metrics: overallMetrics,
  search_per_window: z.enum(['grid', 'random']),
  evaluations_per_window: z.number().int(),
});

export const walkForwardView = z.object({
  ...lifeCycle,
  ...requestEcho,
  in_sample_days: z.number().int(),
  out_sample_days: z.number().int(),
  anchored: z.boolean(),
  results: walkForwardResults.nullable(),
});
export type WalkForwardView = z.infer<typeof walkForwardView>;

const levelMap = z.record(z.string(), z.number());

export const monteCarloResults = z.object({
  expected_roi: z.number().describe('mean final ROI of the paths, %'),
  median_roi: z.number(),
  best_case: z.number().describe('highest final ROI of any path, %'),
  worst_case: z.number().describe('lowest final ROI of any path, %'),
  std_dev_roi: z.number().describe('sample standard deviation of the final ROI, %'),
  confidence_intervals: z
    .record(z.string(), z.object({ lower: z.number(), upper: z.number() }))
    .describe('per level c ("95%"): the central percentile interval [P((1−c)/2), P((1+c)/2)] of the final ROI, percentiles by linear interpolation between order statistics (type 7)'),
  probability_of_profit: z.number().describe('% of paths with final ROI > 0'),
  probability_of_ruin: z.number().describe('% of paths whose equity after some trade is at or below ruin_threshold × initial capital'),
  ruin_threshold: z.number(),
  value_at_risk: levelMap.describe('per level c: the (1 − c) percentile of the final ROI, % (negative = a loss): c of the paths end above it'),
  conditional_value_at_risk: levelMap.describe('per level c: mean final ROI of the paths at or below that VaR (expected shortfall), %'),
  max_drawdown: z
    .object({ median: z.number(), worst: z.number(), percentiles: levelMap })
    .describe('largest fall of the closed-trade equity from its running peak per path, % of the peak: median, worst, and the c percentile per level'),
  distribution: z.array(z.object({ roi: z.number(), frequency: z.number().int() })).describe('histogram of the final ROI: `roi` is the lower edge of a bin [roi, roi + bin_width), the last bin closed'),
  bin_width: z.number(),
  num_simulations: z.number().int(),
  trades_per_path: z.number().int(),
  method: z.enum(['bootstrap', 'shuffle']),
  seed: z.number().int(),
  original_roi: z.number().describe("the backtest's own ROI from its trades, %"),
});
export type MonteCarloResultsView = z.infer<typeof monteCarloResults>;

export const monteCarloView = z.object({
  ...lifeCycle,
  backtest_id: z.number().int(),
  num_simulations: z.number().int(),
  confidence_levels: z.array(z.number()),
  method: z.enum(['bootstrap', 'shuffle']),
  ruin_threshold: z.number(),
  seed: z.number().int(),
  bins: z.number().int(),
  results: monteCarloResults.nullable(),
});
export type MonteCarloView = z.infer<typeof monteCarloView>;

// ---------------------------------------------------------------------------------------------------------------
// Procedures.

const queryInt = (field: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${field} must be a whole number` })
    .int(`${field} must be a whole number`)
    .min(min, `${field} must be at least ${min}`)
    .max(max, `${field} must be at most ${max}`);

export const listResearchInput = z.strictObject({
  page: queryInt('page', 1, 1_000_000).default(1),
  page_size: queryInt('page_size', 1, 100).default(20),
  status: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.enum(RESEARCH_STATUSES, { error: `status must be one of ${RESEARCH_STATUSES.join(', ')}` }))
    .optional(),
});
export type ListResearchInput = z.output<typeof listResearchInput>;

const idPath = z.strictObject({ id: z.coerce.number({ error: 'id must be a whole number such as 50' }).pipe(idField('id')) });

const page = <T extends z.ZodType>(item: T) =>
  z.object({ count: z.number().int(), next: z.string().nullable(), previous: z.string().nullable(), results: z.array(item) });

/** The five procedures of one research resource at `base` ("/api/walkforward/"). */
function resource<C extends z.ZodType, V extends z.ZodType>(options: {
  prefix: string;
  base: string;
  noun: string;
  create: C;
  view: V;
  createSummary: string;
  createDescription: string;
}) {
  const { prefix, base, noun, view } = options;
  return {
    create: defineProcedure({
      name: `${prefix}.create`,
      tag: TAG,
      summary: options.createSummary,
      description: options.createDescription,
      input: options.create,
      output: view,
      http: [{ method: 'POST', path: base, envelope: ENVELOPE, status: 201 }],
      message: () => '',
    }),
    get: defineProcedure({
      name: `${prefix}.get`,
      tag: TAG,
      summary: `A ${noun} with its status, progress and results`,
      input: idPath,
      output: view,
      http: [{ method: 'GET', path: `${base}{id}/`, envelope: ENVELOPE }],
      message: () => '',
    }),
    list: defineProcedure({
      name: `${prefix}.list`,
      tag: TAG,
      summary: `${noun[0]?.toUpperCase()}${noun.slice(1)}s, newest first, paginated, filtered by status (results left out: GET one for them)`,
      input: listResearchInput,
      output: page(view),
      http: [{ method: 'GET', path: base, envelope: ENVELOPE }],
      message: () => '',
    }),
    delete: defineProcedure({
      name: `${prefix}.delete`,
      tag: TAG,
      summary: `Delete a ${noun} (a running one is cancelled first)`,
      input: idPath,
      output: z.null(),
      http: [{ method: 'DELETE', path: `${base}{id}/`, envelope: ENVELOPE, status: 204 }],
      message: () => '',
    }),
    cancel: defineProcedure({
      name: `${prefix}.cancel`,
      tag: TAG,
      summary: `Cancel a pending or running ${noun}; it ends FAILED with error "Cancelled by the user" and is kept`,
      input: idPath,
      output: view,
      http: [{ method: 'POST', path: `${base}{id}/cancel/`, envelope: ENVELOPE }],
      message: () => '',
    }),
  };
}

export const optimization = resource({
  prefix: 'optimization',
  base: '/api/optimize/',
  noun: 'parameter optimization',
  create: createOptimizationInput,
  view: optimizationView,
  createSummary: 'Optimize strategy parameters over one period: grid search, or seeded random search for big grids',
  createDescription:
    'Runs one backtest per parameter combination (the backtest request fields set everything else) in the worker pool and ' +
    'ranks the combinations by optimization_metric. ' +
    METRIC_DOC,
});

export const walkForward = resource({
  prefix: 'walkforward',
  base: '/api/walkforward/',
  noun: 'walk-forward test',
  create: createWalkForwardInput,
  view: walkForwardView,
  createSummary: 'Run walk-forward optimization: optimize on each in-sample window, test the winner on the out-of-sample window after it',
  createDescription:
    'Windows: the k-th out-of-sample (OOS) window is [start + IS + k·OOS, start + IS + (k+1)·OOS) clipped to end_date; its ' +
    'in-sample (IS) window is the in_sample_days before it (rolling) or everything from start_date (anchored). The OOS windows ' +
    'tile [start + IS, end_date); a window without bars on either side is left out. Per window the grid is optimized on the IS ' +
    'bars and the best set is run on the OOS bars (indicators warmed on the bars before, never traded: no look-ahead). Each OOS ' +
    'run starts from initial_capital. consistency_score = share of windows whose OOS ROI > 0. ' +
    METRIC_DOC,
});

export const monteCarlo = resource({
  prefix: 'montecarlo',
  base: '/api/montecarlo/',
  noun: 'Monte Carlo simulation',
  create: createMonteCarloInput,
  view: monteCarloView,
  createSummary: "Run a Monte Carlo simulation on a completed backtest's trades",
  createDescription:
    "Each path re-draws the backtest's closed trades (net P&L in USD, as sized in the backtest): bootstrap = as many trades as " +
    'the backtest had, drawn with replacement; shuffle = the same trades in a random order (without replacement). Equity starts ' +
    'at the backtest\'s initial capital and adds each trade (no compounding; measured after each trade). ROI = final equity / ' +
    'initial − 1. Ruin = equity at or below ruin_threshold × initial capital after any trade. Percentiles interpolate linearly ' +
    'between order statistics (type 7); confidence interval c = [P((1−c)/2), P((1+c)/2)]; VaR c = P(1 − c). Seeded: the same ' +
    'request gives the same results.',
});
