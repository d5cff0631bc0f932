import { BacktestWorkerPool } from '../src/adapters/workers/backtest-pool';
import { backtestWorkerEntry } from '../src/server/workers/worker-entry';
import { PoolResearchExecutor } from '../src/adapters/workers/research-executor';
import { executeBacktest, type BacktestJob } from '../src/core/backtest/run-backtest';
import { allocateSharedSeries } from '../src/core/backtest/shared-series';
import { DEFAULT_ORDER_POLICY } from '../src/core/engine/order-policy';
import { DEFAULT_EXECUTION_MODEL } from '../src/core/engine/simulated-exchange';
import { runMonteCarlo } from '../src/core/research/monte-carlo';
import { choosePoints, ParameterSpace } from '../src/core/research/parameter-space';
import type { ResearchExecutor } from '../src/core/ports/research-executor';
import { inlineExecutor, Limiter, optimize } from '../src/core/research/runner';
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

/** Wall time, and CPU time of the whole process (all threads: the pool's workers included). */
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = await work();
  const used = process.cpuUsage(cpu);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000, result };
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
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

  const one = new BacktestWorkerPool({ size: 1, entry: backtestWorkerEntry() });
  const two = new BacktestWorkerPool({ size: 2, entry: backtestWorkerEntry() });
  try {
    const executors = { inline: await inlineExecutor(), one: new PoolResearchExecutor(one), two: new PoolResearchExecutor(two) };
    const rates: Record<keyof typeof executors, number[]> = { inline: [], one: [], two: [] };
    const perCpu: Record<keyof typeof executors, number[]> = { inline: [], one: [], two: [] };
    const best: Record<string, string> = {};
    for (const [name, executor] of Object.entries(executors)) best[name] = JSON.stringify((await run(executor)).ranked[0]); // threads started, code warm
    if (best.one !== best.inline || best.two !== best.inline) throw new Error('the pool and the inline optimization disagree on the best parameters');
    // Interleaved rounds, medians: fair when other programs load the machine unevenly.
    for (let round = 0; round < 5; round++) {
      for (const [name, executor] of Object.entries(executors) as [keyof typeof executors, ResearchExecutor][]) {
        const { ms, cpuMs } = await timed(() => run(executor));
        rates[name].push(points.length / (ms / 1000));
        perCpu[name].push(points.length / (cpuMs / 1000));
      }
    }
    const single = { perSecond: median(rates.one), best: (await run(executors.one)).ranked[0]! };
    const double = { perSecond: median(rates.two) };
    const inline = { perSecond: median(rates.inline) };
    const figure = (name: string, perSecond: number, cpuRate: number, ratio: Record<string, number>) =>
      report({
        bench: name,
        value: Math.round(perSecond),
        unit: 'backtests/s',
        ratio,
        bars_per_backtest: WINDOW_BARS,
        bars_per_second: Math.round(perSecond * WINDOW_BARS),
        // Per second of CPU time (all threads): the per-core rate, whatever else loads the machine.
        backtests_per_cpu_second: Math.round(cpuRate),
        trades_per_backtest: single.best.summary.total_trades,
      });
    figure('research.optimize_1_worker', single.perSecond, median(perCpu.one), { inline_one_thread: Number((single.perSecond / inline.perSecond).toFixed(3)) });
    figure('research.optimize_2_workers', double.perSecond, median(perCpu.two), { one_worker: Number((double.perSecond / single.perSecond).toFixed(3)) });

    // Monte Carlo on the trades of the best set's full backtest over the window.
    const full = executeBacktest({ ...job, config: { ...base, ...single.best.params }, collectTrades: true }).results;
    const pnl = Float64Array.from(full.trades.map((t) => t.pnl));
    const PATHS = 200_000;
    const task = { pnl, initialCapital: 10_000, simulations: PATHS, method: 'bootstrap' as const, seed: 1, ruinThreshold: 0.5, levels: [0.9, 0.95, 0.99], bins: 40 };
    const executor = executors.one;
    await executor.monteCarlo({ ...task, simulations: 20_000 });
    const naivePaths = PATHS / 10;
    const naive = () => {
      const values = Array.from(pnl);
      const rois: number[] = [];
      for (let j = 0; j < naivePaths; j++) {
        const path = values.map(() => values[Math.floor(Math.random() * values.length)] as number);
        rois.push((path.reduce((a, b) => a + b, 0) / 10_000) * 100);
      }
      return rois.sort((a, b) => a - b);
    };
    const mcRates = { pool: [] as number[], inline: [] as number[], naive: [] as number[], poolCpu: [] as number[] };
    for (let round = 0; round < 3; round++) {
      const pooled = await timed(() => executor.monteCarlo(task));
      mcRates.pool.push(PATHS / (pooled.ms / 1000));
      mcRates.poolCpu.push(PATHS / (pooled.cpuMs / 1000));
      mcRates.inline.push(PATHS / ((await timed(async () => runMonteCarlo(task))).ms / 1000));
      mcRates.naive.push(naivePaths / ((await timed(async () => naive())).ms / 1000));
    }
    const pathsPerSecond = median(mcRates.pool);
    report({
      bench: 'research.montecarlo_paths',
      value: Math.round(pathsPerSecond),
      unit: 'paths/s',
      ratio: {
        naive: Number((pathsPerSecond / median(mcRates.naive)).toFixed(3)),
        inline_one_thread: Number((pathsPerSecond / median(mcRates.inline)).toFixed(3)),
      },
      trades_per_path: pnl.length,
      paths_per_cpu_second: Math.round(median(mcRates.poolCpu)),
      trade_draws_per_second: Math.round(pathsPerSecond * pnl.length),
    });
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
};

export default bench;
