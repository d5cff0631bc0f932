import { DomainError } from '../../shared/contract/errors';
import type { Handlers } from '../../shared/contract/index';
import {
  MAX_EVALUATIONS,
  MAX_MONTE_CARLO_DRAWS,
  MAX_WALK_FORWARD_BACKTESTS,
  type CreateMonteCarloInput,
  type ListResearchInput,
  type MonteCarloView,
  type OptimizationView,
  type WalkForwardView,
} from '../../shared/contract/research';
import type { CandleCache } from '../backtest/candle-cache';
import { isoTime } from '../backtest/run-backtest';
import { metricValue, type OptimizationMetric, type SummaryFigures } from '../research/metrics';
import { choosePoints, ParameterSpace, resolveSearch, type ParamValue } from '../research/parameter-space';
import type { BacktestTradesSource, ResearchKind, ResearchRecord } from '../ports/research-repository';
import { parameterAxes, prepareRun, type BacktestFields, type PreparedRun, type StrategyCatalog } from '../research/prepare';
import type { ResearchExecutor } from '../ports/research-executor';
import { CancelledError, Limiter, optimize, usableWindows, walkForward } from '../research/runner';
import type { ResearchService } from '../research/service';
import { buildWindows, DAY_MS, inclusiveDays, windowMetrics } from '../research/walk-forward';

/**
 * /api/optimize/, /api/walkforward/, /api/montecarlo/: validate at once (4xx before anything is queued), answer
 * PENDING, and let the research service run the work through the worker pool.
 */

export interface ResearchHandlerDeps {
  service: ResearchService;
  executor: ResearchExecutor;
  cache: CandleCache;
  strategies: StrategyCatalog;
  backtests: BacktestTradesSource;
}

type ResearchHandlers = Pick<
  Handlers,
  | 'optimization.create'
  | 'optimization.get'
  | 'optimization.list'
  | 'optimization.delete'
  | 'optimization.cancel'
  | 'walkforward.create'
  | 'walkforward.get'
  | 'walkforward.list'
  | 'walkforward.delete'
  | 'walkforward.cancel'
  | 'montecarlo.create'
  | 'montecarlo.get'
  | 'montecarlo.list'
  | 'montecarlo.delete'
  | 'montecarlo.cancel'
>;

const NOUN: Record<ResearchKind, string> = { optimization: 'Optimization', walkforward: 'Walk-forward test', montecarlo: 'Monte Carlo simulation' };
const BASE: Record<ResearchKind, string> = { optimization: '/api/optimize/', walkforward: '/api/walkforward/', montecarlo: '/api/montecarlo/' };

function notFound(kind: ResearchKind, id: number): DomainError {
  return new DomainError('NOT_FOUND', `${NOUN[kind]} not found: there is no ${NOUN[kind].toLowerCase()} ${id}`);
}

const round = (value: number, digits: number): number => {
  const r = Number(value.toFixed(digits));
  return Object.is(r, -0) ? 0 : r;
};
const roundOrNull = (value: number | null): number | null => (value === null ? null : round(value, 4));

interface SearchPlan {
  space: ParameterSpace;
  points: number[];
  method: 'grid' | 'random';
}

function planSearch(prepared: PreparedRun, input: { parameter_ranges: Record<string, ParamValue[]>; search: 'auto' | 'grid' | 'random'; max_evaluations: number; seed: number }): SearchPlan {
  const space = new ParameterSpace(parameterAxes(prepared.definition, input.parameter_ranges));
  const { method, count } = resolveSearch(input.search, space.size, input.max_evaluations);
  if (method === 'grid' && count > MAX_EVALUATIONS) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `The grid has ${space.size} combinations, more than ${MAX_EVALUATIONS} backtests per job: use search "random" (or "auto") with max_evaluations, or fewer values`,
      [{ path: 'search', message: `grid of ${space.size} combinations` }],
    );
  }
  return { space, points: choosePoints(space.size, method, count, input.seed), method };
}

function requestEcho(input: BacktestFields & { parameter_ranges: Record<string, ParamValue[]>; optimization_metric: OptimizationMetric; search: string; max_evaluations: number; seed: number }, prepared: PreparedRun, plan: SearchPlan) {
  return {
    strategy: prepared.definition.name,
    symbols: input.symbols,
    timeframe: input.timeframe,
    start_date: isoTime(input.start_date),
    end_date: isoTime(input.end_date),
    strategy_params: prepared.config,
    initial_capital: input.initial_capital,
    position_size: input.position_size ?? null,
    sizing: input.sizing,
    parameter_ranges: input.parameter_ranges,
    optimization_metric: input.optimization_metric,
    search: input.search,
    max_evaluations: input.max_evaluations,
    seed: input.seed,
    grid_size: plan.space.size,
    warnings: prepared.warnings,
  };
}

function lifeCycle(record: ResearchRecord) {
  return {
    id: record.id,
    name: record.name,
    status: record.status,
    progress: record.status === 'COMPLETED' ? 100 : record.progress,
    error: record.error,
    created_at: record.createdAt,
    started_at: record.startedAt,
    completed_at: record.completedAt,
  };
}

function view(record: ResearchRecord, withResults: boolean) {
  return { ...lifeCycle(record), ...record.request, results: withResults ? (record.results ?? null) : null };
}

export function createResearchHandlers(deps: ResearchHandlerDeps): ResearchHandlers {
  const { service, executor } = deps;

  const get = (kind: ResearchKind, id: number) => {
    const record = service.get(kind, id);
    if (!record) throw notFound(kind, id);
    return view(record, true);
  };
  const list = (kind: ResearchKind, query: ListResearchInput) => {
    const offset = (query.page - 1) * query.page_size;
    const { count, rows } = service.list(kind, { status: query.status, limit: query.page_size, offset });
    const link = (page: number) => {
      const params = new URLSearchParams({ page: String(page) });
      if (query.page_size !== 20) params.set('page_size', String(query.page_size));
      if (query.status) params.set('status', query.status);
      return `${BASE[kind]}?${params.toString()}`;
    };
    return {
      count,
      next: offset + rows.length < count && rows.length > 0 ? link(query.page + 1) : null,
      previous: query.page > 1 ? link(Math.min(query.page - 1, Math.max(1, Math.ceil(count / query.page_size)))) : null,
      results: rows.map((r) => view(r, false)),
    };
  };
  const remove = (kind: ResearchKind, id: number): null => {
    if (!service.remove(kind, id)) throw notFound(kind, id);
    return null;
  };
  const cancel = (kind: ResearchKind, id: number) => {
    const before = service.get(kind, id);
    if (!before) throw notFound(kind, id);
    if (before.status !== 'PENDING' && before.status !== 'RUNNING') {
      throw new DomainError('ALREADY_EXISTS', `${NOUN[kind]} ${id} is ${before.status} already: only PENDING or RUNNING jobs can be cancelled`, [{ path: 'status', message: before.status }]);
    }
    return view(service.cancel(kind, id) as ResearchRecord, true);
  };

  const rankedMetrics = (s: SummaryFigures) => windowMetrics(s);

  return {
    'optimization.create': async (input) => {
      const prepared = await prepareRun(input, deps.cache, deps.strategies);
      const plan = planSearch(prepared, input);
      const metric = input.optimization_metric;
      const record = service.submit(
        { kind: 'optimization', name: input.name, backtestId: null, request: { ...requestEcho(input, prepared, plan), top_n: input.top_n } },
        async ({ signal, setProgress }) => {
          let done = 0;
          const outcome = await optimize({
            job: prepared.job,
            space: plan.space,
            points: plan.points,
            metric,
            executor,
            limiter: new Limiter(executor.concurrency),
            signal,
            onEvaluated: (n) => setProgress(((done += n) / plan.points.length) * 100),
          });
          const best = outcome.ranked[0];
          if (!best) throw new RangeError(`No parameter combination is a valid configuration of ${prepared.definition.name}: ${outcome.skipReason ?? 'none was evaluated'}`);
          return {
            search: plan.method,
            evaluated: outcome.ranked.length,
            skipped: outcome.skipped,
            skip_reason: outcome.skipReason,
            best_params: best.params,
            best_metric_value: roundOrNull(metricValue(best.summary, metric)),
            best_metrics: rankedMetrics(best.summary),
            best_warnings: best.warnings,
            top: outcome.ranked.slice(0, input.top_n).map((r, k) => ({
              rank: k + 1,
              params: r.params,
              metric_value: roundOrNull(metricValue(r.summary, metric)),
              metrics: rankedMetrics(r.summary),
            })),
          };
        },
      );
      return view(record, true) as OptimizationView;
    },
    'optimization.get': ({ id }) => get('optimization', id) as OptimizationView,
    'optimization.list': (query) => list('optimization', query) as { count: number; next: string | null; previous: string | null; results: OptimizationView[] },
    'optimization.delete': ({ id }) => remove('optimization', id),
    'optimization.cancel': ({ id }) => cancel('optimization', id) as OptimizationView,

    'walkforward.create': async (input) => {
      const prepared = await prepareRun(input, deps.cache, deps.strategies);
      const plan = planSearch(prepared, input);
      const all = buildWindows(input.start_date, input.end_date, input.in_sample_days, input.out_sample_days, input.anchored);
      const windows = usableWindows(prepared.job, all, prepared.warmUpBars);
      if (windows.length === 0) {
        const days = Math.round((input.end_date - input.start_date) / DAY_MS);
        throw new DomainError(
          'VALIDATION_FAILED',
          `No walk-forward window fits: the period is ${days} days, and a window needs in_sample_days (${input.in_sample_days}) of bars and then at least one out-of-sample bar; shorten in_sample_days or widen the dates`,
          [{ path: 'in_sample_days', message: `${input.in_sample_days} days in a ${days}-day period` }],
        );
      }
      const backtests = windows.length * (plan.points.length + 1);
      if (backtests > MAX_WALK_FORWARD_BACKTESTS) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `${windows.length} windows × ${plan.points.length + 1} backtests = ${backtests} backtests, more than ${MAX_WALK_FORWARD_BACKTESTS} per job: lower max_evaluations or use longer windows`,
          [{ path: 'max_evaluations', message: String(input.max_evaluations) }],
        );
      }
      const metric = input.optimization_metric;
      const record = service.submit(
        {
          kind: 'walkforward',
          name: input.name,
          backtestId: null,
          request: { ...requestEcho(input, prepared, plan), in_sample_days: input.in_sample_days, out_sample_days: input.out_sample_days, anchored: input.anchored },
        },
        async ({ signal, setProgress }) => {
          let done = 0;
          const result = await walkForward({
            job: prepared.job,
            windows,
            space: plan.space,
            points: plan.points,
            metric,
            warmupBars: prepared.warmUpBars,
            executor,
            limiter: new Limiter(executor.concurrency),
            signal,
            onEvaluated: (n) => setProgress(((done += n) / backtests) * 100),
          });
          return {
            windows: result.windows.map((w) => {
              const is = inclusiveDays(w.bounds.isStart, w.bounds.isEnd);
              const oos = inclusiveDays(w.bounds.oosStart, w.bounds.oosEnd);
              return {
                window_id: w.bounds.windowId,
                in_sample_start: is.first,
                in_sample_end: is.last,
                out_sample_start: oos.first,
                out_sample_end: oos.last,
                in_sample_bars: w.inSampleBars,
                out_sample_bars: w.outSampleBars,
                best_params: w.best.params,
                in_sample_metrics: windowMetrics(w.best.summary),
                out_sample_metrics: windowMetrics(w.outSample),
                metric_value: roundOrNull(metricValue(w.best.summary, metric)),
                evaluated: w.evaluated,
                skipped: w.skipped,
                out_sample_warnings: w.outSampleWarnings,
              };
            }),
            overall_metrics: result.overall,
            search_per_window: plan.method,
            evaluations_per_window: plan.points.length,
          };
        },
      );
      return view(record, true) as WalkForwardView;
    },
    'walkforward.get': ({ id }) => get('walkforward', id) as WalkForwardView,
    'walkforward.list': (query) => list('walkforward', query) as { count: number; next: string | null; previous: string | null; results: WalkForwardView[] },
    'walkforward.delete': ({ id }) => remove('walkforward', id),
    'walkforward.cancel': ({ id }) => cancel('walkforward', id) as WalkForwardView,

    'montecarlo.create': (input: CreateMonteCarloInput) => {
      const source = deps.backtests.trades(input.backtest_id);
      if (!source) throw new DomainError('NOT_FOUND', `Backtest run not found: there is no backtest ${input.backtest_id}`, [{ path: 'backtest_id', message: String(input.backtest_id) }]);
      if (source.status !== 'COMPLETED') {
        throw new DomainError('VALIDATION_FAILED', `Backtest ${input.backtest_id} is ${source.status}: Monte Carlo needs a COMPLETED backtest's trades`, [{ path: 'backtest_id', message: source.status }]);
      }
      if (source.pnl.length === 0) {
        throw new DomainError('VALIDATION_FAILED', `Backtest ${input.backtest_id} has no trades to resample`, [{ path: 'backtest_id', message: 'no trades' }]);
      }
      const draws = input.num_simulations * source.pnl.length;
      if (draws > MAX_MONTE_CARLO_DRAWS) {
        const most = Math.floor(MAX_MONTE_CARLO_DRAWS / source.pnl.length);
        throw new DomainError(
          'VALIDATION_FAILED',
          `${input.num_simulations} paths of ${source.pnl.length} trades are ${draws} trade draws, more than ${MAX_MONTE_CARLO_DRAWS} per simulation: ask for at most ${most} simulations`,
          [{ path: 'num_simulations', message: `at most ${most} for this backtest` }],
        );
      }
      const pnl = Float64Array.from(source.pnl);
      const record = service.submit(
        {
          kind: 'montecarlo',
          name: input.name ?? `Monte Carlo of backtest ${input.backtest_id}`,
          backtestId: input.backtest_id,
          request: {
            backtest_id: input.backtest_id,
            num_simulations: input.num_simulations,
            confidence_levels: input.confidence_levels,
            method: input.method,
            ruin_threshold: input.ruin_threshold,
            seed: input.seed,
            bins: input.bins,
          },
        },
        async ({ signal, setProgress }) => {
          const results = await executor.monteCarlo(
            {
              pnl,
              initialCapital: source.initialCapital,
              simulations: input.num_simulations,
              method: input.method,
              seed: input.seed,
              ruinThreshold: input.ruin_threshold,
              levels: input.confidence_levels,
              bins: input.bins,
            },
            signal,
            (fraction) => setProgress(fraction * 100),
          );
          if (results === null || signal.aborted) throw new CancelledError();
          return results;
        },
      );
      return view(record, true) as MonteCarloView;
    },
    'montecarlo.get': ({ id }) => get('montecarlo', id) as MonteCarloView,
    'montecarlo.list': (query) => list('montecarlo', query) as { count: number; next: string | null; previous: string | null; results: MonteCarloView[] },
    'montecarlo.delete': ({ id }) => remove('montecarlo', id),
    'montecarlo.cancel': ({ id }) => cancel('montecarlo', id) as MonteCarloView,
  };
}

