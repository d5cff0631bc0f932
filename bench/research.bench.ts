import { BacktestWorkerPool } from '../src/adapters/workers/backtest-pool';
import { PoolResearchExecutor } from '../src/adapters/workers/research-executor';
import { executeBacktest, type BacktestJob } from '../src/core/backtest/run-backtest';
import { allocateSharedSeries } from '../src/core/backtest/shared-series';
import { DEFAULT_ORDER_POLICY } from '../src/core/engine/order-policy';
import { DEFAULT_EXECUTION_MODEL } from '../src/core/engine/simulated-exchange';
import { runMonteCarlo } from '../src/core/research/monte-carlo';
import { choosePoints, ParameterSpace } from '../src/core/research/parameter-space';
import { inlineExecutor, Limiter, optimize, type ResearchExecutor } from '../src/core/research/runner';
import { resolveConfig } from '../src/core/strategies/params';
import { findStrategy } from '../src/core/strategies/registry';
import { loadCandles } from '../test/kit/candles';
import type { Bench } from './run';

/**
 * Research throughput on real gold M1 bars (candles in one SharedArrayBuffer, as the app's cache holds them):
 * - optimization: a simple_ma grid, each backtest over a 10,000-bar window (about a week of M1, or 14 months of H1:
 *   a typical walk-forward window), summary only, through the worker pool with one and with two workers, next to
 *   the same grid run inline on one thread (ratio: what the pool costs or gains);
 * - Monte Carlo: bootstrap paths of a real backtest's trades through one pool worker (figures included: sort,
 *   percentiles, histogram), next to a naive version (arrays, Math.random, a comparator sort).
 */

const WINDOW_BARS = 10_000;
const WARM_UP = 300;

function sharedGold() {
  const source = loadCandles('XAUUSD_M1_2024-08_2024-10.csv');
  const series = allocateSharedSeries(source.length);
  for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) series[f].set(source[f].subarray(0, source.length));
  return series;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

const bench: Bench = async (report) => {
  const series = sharedGold();
  const definition = findStrategy('simple_ma')!;
  const base = resolveConfig(definition, { lot_size: 0.1, take_profit_pips: 50, stop_loss_pips: 30 }).config;
  const job: BacktestJob = {
    strategy: 'simple_ma',
    config: base,
    capital: 10_000,
    timeframeMs: 60_000,
    model: DEFAULT_EXECUTION_MODEL,
    policy: DEFAULT_ORDER_POLICY,
    sleeves: [{ symbol: 'XAUUSD', series, warmFrom: 0, from: WARM_UP, to: WARM_UP + WINDOW_BARS }],
    collectTrades: false,
  };
  // 8 × 20 = 160 combinations, all valid (slow > fast).
  const space = new ParameterSpace([
    { key: 'fast_period', values: [3, 5, 8, 10, 13, 16, 20, 25] },
    { key: 'slow_period', values: Array.from({ length: 20 }, (_, k) => 30 + 5 * k) },
  ]);
  const points = choosePoints(space.size, 'grid', space.size, 1);
  const run = (executor: ResearchExecutor) =>
    optimize({ job, space, points, metric: 'sharpe_ratio', executor, limiter: new Limiter(executor.concurrency), signal: new AbortController().signal });
  const rate = async (executor: ResearchExecutor) => {
    await run(executor); // threads started, code warm
    const runs = [await timed(() => run(executor)), await timed(() => run(executor)), await timed(() => run(executor))].sort((a, b) => a.ms - b.ms);
    const middle = runs[1]!;
    return { perSecond: points.length / (middle.ms / 1000), best: middle.result.ranked[0]! };
  };

  const inline = await rate(await inlineExecutor());
  const one = new BacktestWorkerPool({ size: 1 });
  const two = new BacktestWorkerPool({ size: 2 });
  try {
    const single = await rate(new PoolResearchExecutor(one));
    const double = await rate(new PoolResearchExecutor(two));
    if (JSON.stringify(single.best) !== JSON.stringify(inline.best) || JSON.stringify(double.best) !== JSON.stringify(inline.best)) {
      throw new Error('the pool and the inline optimization disagree on the best parameters');
    }
    const figure = (name: string, perSecond: number, ratio: Record<string, number>) =>
      report({
        bench: name,
        value: Math.round(perSecond),
        unit: 'backtests/s',
        ratio,
        bars_per_backtest: WINDOW_BARS,
        bars_per_second: Math.round(perSecond * WINDOW_BARS),
        trades_per_backtest: single.best.summary.total_trades,
      });
    figure('research.optimize_1_worker', single.perSecond, { inline_one_thread: Number((single.perSecond / inline.perSecond).toFixed(3)) });
    figure('research.optimize_2_workers', double.perSecond, { one_worker: Number((double.perSecond / single.perSecond).toFixed(3)) });

    // Monte Carlo on the trades of the best set's full backtest over the window.
    const full = executeBacktest({ ...job, config: { ...base, ...single.best.params }, collectTrades: true }).results;
    const pnl = Float64Array.from(full.trades.map((t) => t.pnl));
    const PATHS = 200_000;
    const task = { pnl, initialCapital: 10_000, simulations: PATHS, method: 'bootstrap' as const, seed: 1, ruinThreshold: 0.5, levels: [0.9, 0.95, 0.99], bins: 40 };
    const executor = new PoolResearchExecutor(one);
    await executor.monteCarlo({ ...task, simulations: 20_000 });
    const mc = [await timed(() => executor.monteCarlo(task)), await timed(() => executor.monteCarlo(task)), await timed(() => executor.monteCarlo(task))].sort((a, b) => a.ms - b.ms)[1]!;
    const inlineMc = await timed(async () => runMonteCarlo(task));
    const naive = await timed(async () => {
      const values = Array.from(pnl);
      const rois: number[] = [];
      for (let j = 0; j < PATHS / 10; j++) {
        const path = values.map(() => values[Math.floor(Math.random() * values.length)] as number);
        rois.push((path.reduce((a, b) => a + b, 0) / 10_000) * 100);
      }
      return rois.sort((a, b) => a - b);
    });
    const pathsPerSecond = PATHS / (mc.ms / 1000);
    report({
      bench: 'research.montecarlo_paths',
      value: Math.round(pathsPerSecond),
      unit: 'paths/s',
      ratio: {
        naive: Number((pathsPerSecond / (PATHS / 10 / (naive.ms / 1000))).toFixed(3)),
        inline_one_thread: Number((pathsPerSecond / (PATHS / (inlineMc.ms / 1000))).toFixed(3)),
      },
      trades_per_path: pnl.length,
      trade_draws_per_second: Math.round(pathsPerSecond * pnl.length),
    });
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
};

export default bench;
