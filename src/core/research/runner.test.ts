import { describe, expect, it } from 'vitest';
import { loadCandles } from '../../../test/kit/candles';
import { executeBacktest, type BacktestJob } from '../backtest/run-backtest';
import { DEFAULT_ORDER_POLICY } from '../engine/order-policy';
import { DEFAULT_EXECUTION_MODEL } from '../engine/simulated-exchange';
import { resolveConfig } from '../strategies/params';
import { findStrategy } from '../strategies/registry';
import { compareRanked, metricScore } from './metrics';
import { choosePoints, ParameterSpace } from './parameter-space';
import { CancelledError, inlineExecutor, Limiter, optimize, rangeJob, usableWindows, walkForward } from './runner';
import { buildWindows } from './walk-forward';

// Real EURUSD H1 bars (Apr 2017 – Feb 2018, 5,000 bars), simple_ma, 0.1 lot.
const bars = loadCandles('EURUSD_H1_2017-04-19_2018-02-07.csv.gz');
const definition = findStrategy('simple_ma')!;
const base = resolveConfig(definition, { lot_size: 0.1, take_profit_pips: 60, stop_loss_pips: 30 }).config;
const job: BacktestJob = {
  strategy: 'simple_ma',
  config: base,
  capital: 10_000,
  timeframeMs: 3_600_000,
  model: DEFAULT_EXECUTION_MODEL,
  policy: DEFAULT_ORDER_POLICY,
  sleeves: [{ symbol: 'EURUSD', series: bars, warmFrom: 0, from: 0, to: bars.length }],
  collectTrades: false,
};
// slow_period must exceed fast_period: (10, 10) and (20, 10) are refused by the strategy and skipped.
const space = new ParameterSpace([
  { key: 'fast_period', values: [5, 10, 20] },
  { key: 'slow_period', values: [10, 30, 60] },
]);
const direct = (j: BacktestJob, params: Record<string, number | boolean>) => executeBacktest({ ...j, config: { ...j.config, ...params }, collectTrades: true }).results.summary;

describe('summary-only backtests (what optimizations run)', () => {
  it('give the same summary as a full backtest, trade figures included', () => {
    const params = { fast_period: 10, slow_period: 30 };
    const full = executeBacktest({ ...job, config: { ...base, ...params }, collectTrades: true }).results;
    const quick = executeBacktest({ ...job, config: { ...base, ...params }, collectTrades: false }).results;
    expect(full.summary.total_trades).toBeGreaterThan(100);
    expect(quick.summary).toEqual(full.summary);
    expect(quick.trades).toEqual([]);
  });
});

describe('optimization over a parameter grid', () => {
  it('ranks every valid combination by the metric exactly as running each backtest directly does', async () => {
    const executor = await inlineExecutor();
    let evaluated = 0;
    const points = choosePoints(space.size, 'grid', space.size, 1);
    const outcome = await optimize({ job, space, points, metric: 'sharpe_ratio', executor, limiter: new Limiter(1), signal: new AbortController().signal, onEvaluated: (n) => (evaluated += n) });
    expect(evaluated).toBe(9);
    expect(outcome.skipped).toBe(2);
    expect(outcome.skipReason).toMatch(/slow_period/);
    const expected = points
      .map((index) => ({ index, params: space.at(index) }))
      .filter(({ params }) => (params.slow_period as number) > (params.fast_period as number))
      .map(({ index, params }) => {
        const summary = direct(job, params);
        return { index, score: metricScore(summary, 'sharpe_ratio'), roi: summary.roi };
      })
      .sort(compareRanked);
    expect(outcome.ranked.map((r) => r.index)).toEqual(expected.map((e) => e.index));
    expect(outcome.ranked.map((r) => r.summary.roi)).toEqual(expected.map((e) => e.roi));
    expect(outcome.ranked.some((r) => r.summary.total_trades > 10)).toBe(true);
  });

  it('is deterministic, and max_drawdown ranks lowest first', async () => {
    const executor = await inlineExecutor();
    const run = () => optimize({ job, space, points: [0, 1, 2, 4, 5, 7, 8], metric: 'max_drawdown', executor, limiter: new Limiter(2), signal: new AbortController().signal });
    const a = await run();
    const b = await run();
    expect(b).toEqual(a);
    const dd = a.ranked.map((r) => r.summary.max_drawdown);
    expect(dd).toEqual([...dd].sort((x, y) => x - y));
  });

  it('stops when cancelled', async () => {
    const executor = await inlineExecutor();
    const controller = new AbortController();
    controller.abort();
    await expect(optimize({ job, space, points: [0, 1], metric: 'roi', executor, limiter: new Limiter(1), signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('walk-forward on real bars', () => {
  it('optimizes each in-sample window and runs its winner out of sample, no look-ahead', async () => {
    const executor = await inlineExecutor();
    const start = Date.UTC(2017, 4, 1);
    const end = Date.UTC(2018, 1, 1);
    const windows = usableWindows(job, buildWindows(start, end, 90, 45), 200);
    expect(windows.length).toBe(5); // 276 days − 90 in-sample = 186 = four 45-day OOS windows and a last one of 6 days
    const points = choosePoints(space.size, 'grid', space.size, 1);
    let evaluated = 0;
    const result = await walkForward({ job, windows, space, points, metric: 'roi', warmupBars: 200, executor, limiter: new Limiter(3), signal: new AbortController().signal, onEvaluated: (n) => (evaluated += n) });
    expect(evaluated).toBe(windows.length * (points.length + 1));
    expect(result.windows.map((w) => w.bounds.windowId)).toEqual([1, 2, 3, 4, 5]);
    for (const w of result.windows) {
      const is = rangeJob(job, w.bounds.isStart, w.bounds.isEnd, 200);
      const oos = rangeJob(job, w.bounds.oosStart, w.bounds.oosEnd, 200);
      const sleeve = oos.job.sleeves[0]!;
      // The OOS run trades only bars of its own window; its warm-up bars are before it.
      expect(bars.time[sleeve.from]!).toBeGreaterThanOrEqual(w.bounds.oosStart);
      expect(bars.time[sleeve.to - 1]!).toBeLessThan(w.bounds.oosEnd);
      expect(bars.time[sleeve.warmFrom]!).toBeLessThan(w.bounds.oosStart);
      expect(sleeve.from - sleeve.warmFrom).toBe(200);
      // The winner is the best in-sample ROI of the valid grid points …
      const isRois = points.map((p) => space.at(p)).filter((p) => (p.slow_period as number) > (p.fast_period as number)).map((p) => direct(is.job, p).roi);
      expect(w.best.summary.roi).toBe(Math.max(...isRois));
      // … and the OOS figures are that winner's direct backtest on the OOS bars.
      expect(direct(oos.job, w.best.params)).toMatchObject(w.outSample);
    }
    const profitable = result.windows.filter((w) => w.outSample.roi > 0).length;
    expect(result.overall.consistency_score).toBe(Number((profitable / 5).toFixed(4)));
    expect(result.overall.total_windows).toBe(5);
    expect(result.overall.total_trades).toBe(result.windows.reduce((n, w) => n + w.outSample.total_trades, 0));
    expect(result.overall.total_trades).toBeGreaterThan(20);
  });
});
