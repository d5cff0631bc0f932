import { DataFrame } from 'data-forge';
import { backtest as grademarkBacktest, type IBar, type IStrategy } from 'grademark';
import { BacktestWorkerPool } from '../src/adapters/workers/backtest-pool';
import { backtestWorkerEntry } from '../src/server/workers/worker-entry';
import { runSleeve } from '../src/core/backtest/engine';
import { executeBacktest, type BacktestJob, type SeriesColumns } from '../src/core/backtest/run-backtest';
import { allocateSharedSeries } from '../src/core/backtest/shared-series';
import { builtinInstrument } from '../src/core/domain/instruments';
import { DEFAULT_ORDER_POLICY, type OrderPolicySettings } from '../src/core/engine/order-policy';
import { DEFAULT_EXECUTION_MODEL } from '../src/core/engine/simulated-exchange';
import { simulatePaths, allocateOutcomes } from '../src/core/research/monte-carlo';
import { resolveConfig } from '../src/core/strategies/params';
import { simpleMa } from '../src/core/strategies/simple-ma';
import { loadCandles } from '../test/kit/candles';
import type { Bench } from './run';

/**
 * Backtests per second, side by side in this one process, on the same million real candles (XAUUSD M1 2024
 * repeated, each copy shifted by whole weeks):
 *
 * 1. backtest.simple_ma: our engine (executeBacktest: the strategy object through the StrategyRunner and the
 *    SimulatedExchange, per-bar mark-to-market, statistics) vs
 *    - inline: a straightforward loop for the same rules (the practical limit): two SMAs computed in the loop with
 *      the same floating-point steps as the indicator (so ties resolve identically), strict crossovers, long-only,
 *      enter at the next open on a cross up, exit at the next open on a cross down, the open trade closed at the end;
 *    - grademark (npm): the same rules as its entryRule/exitRule. grademark does not evaluate rules on the bar a
 *      position opens or closes, so its rules consume the crossover events in order from where they left off (an
 *      event on a skipped bar is acted on at the next evaluation): the same decisions, the same trade count (a fill
 *      can land a bar later in those rare cases). Its indicators are prepared in prepIndicators, inside the timing.
 *    Trade counts are asserted equal. ratio.grademark = ours ÷ grademark, ratio.inline = ours ÷ inline.
 * 2. backtest.optimization.workers_1 / workers_2: a 16-point simple_ma grid (fast × slow) as separate jobs on the
 *    worker pool, the candles shared once through a SharedArrayBuffer, summary-only results; backtests of a million
 *    bars per second (wall clock, all jobs), and the 2-worker speed-up.
 * 3. backtest.montecarlo: bootstrap paths/s over the trades of the engine's backtest (src/core/research/monte-carlo).
 *
 * Single-thread figures are medians of the process CPU time over interleaved rounds (robust to a busy machine);
 * the worker figures are wall clock (the threads run in parallel).
 */

const TARGET_BARS = 1_000_000;
const FAST = 50;
const SLOW = 200;
const ROUNDS = 5;

function millionGoldBars(): SeriesColumns {
  const source = loadCandles('XAUUSD_M1_2024-08_2024-10.csv');
  const out = allocateSharedSeries(TARGET_BARS);
  const week = 7 * 86_400_000;
  const span = (source.time[source.length - 1] as number) - (source.time[0] as number);
  const shift = Math.ceil((span + week) / week) * week;
  for (let i = 0; i < TARGET_BARS; i++) {
    const k = i % source.length;
    out.time[i] = (source.time[k] as number) + Math.floor(i / source.length) * shift;
    out.open[i] = source.open[k] as number;
    out.high[i] = source.high[k] as number;
    out.low[i] = source.low[k] as number;
    out.close[i] = source.close[k] as number;
    out.volume[i] = source.volume[k] as number;
  }
  return out;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/**
 * The inline loop. SMA steps as the indicator takes them: a running sum corrected by (new − oldest), recomputed from
 * the window once per `period` bars, a window of one repeated value averaging to exactly that value.
 */
function inlineSmaCross(bars: SeriesColumns, fast: number, slow: number): { trades: number; pnl: number } {
  const close = bars.close;
  const open = bars.open;
  const n = bars.length;
  const fw = new Float64Array(fast);
  const sw = new Float64Array(slow);
  let fNext = 0, fCount = 0, fSum = 0, fNonZero = 0;
  let sNext = 0, sCount = 0, sSum = 0, sNonZero = 0;
  let latest = Number.NaN, repeats = 0;
  let prev = Number.NaN, cur = Number.NaN;
  let long = false, pendingEntry = false, pendingExit = false;
  let entry = 0, trades = 0, pnl = 0;
  for (let i = 0; i < n; i++) {
    if (pendingEntry) {
      entry = open[i] as number;
      long = true;
      pendingEntry = false;
      trades++;
    } else if (pendingExit) {
      pnl += (open[i] as number) - entry;
      long = false;
      pendingExit = false;
    }
    const x = close[i] as number;
    // fast SMA
    if (fCount === fast) {
      const ev = fw[fNext] as number;
      if (ev !== 0) fNonZero--;
      fSum += x - ev;
    } else {
      fSum += x;
      fCount++;
    }
    if (x !== 0) fNonZero++;
    fw[fNext] = x;
    fNext = fNext + 1 === fast ? 0 : fNext + 1;
    if (fNext === 0) {
      let t = 0;
      for (let k = 0; k < fast; k++) t += fw[k] as number;
      fSum = t;
    }
    // slow SMA
    if (sCount === slow) {
      const ev = sw[sNext] as number;
      if (ev !== 0) sNonZero--;
      sSum += x - ev;
    } else {
      sSum += x;
      sCount++;
    }
    if (x !== 0) sNonZero++;
    sw[sNext] = x;
    sNext = sNext + 1 === slow ? 0 : sNext + 1;
    if (sNext === 0) {
      let t = 0;
      for (let k = 0; k < slow; k++) t += sw[k] as number;
      sSum = t;
    }
    repeats = x === latest ? repeats + 1 : 1;
    latest = x;
    prev = cur;
    if (sCount === slow) {
      const f = repeats >= fast ? x : (fNonZero === 0 ? 0 : fSum) / fast;
      const s = repeats >= slow ? x : (sNonZero === 0 ? 0 : sSum) / slow;
      cur = f > s ? 1 : f < s ? -1 : 0;
    }
    if (i + 1 < n) {
      if (!long && prev === -1 && cur === 1) pendingEntry = true;
      else if (long && prev === 1 && cur === -1) pendingExit = true;
    }
  }
  if (long) pnl += (close[n - 1] as number) - entry;
  return { trades, pnl };
}

/** Crossover events per bar (+1 up, −1 down), from the same SMA arithmetic as the inline loop. */
function crossEvents(bars: SeriesColumns, fast: number, slow: number): Int8Array {
  const events = new Int8Array(bars.length);
  // Reuse the inline loop's arithmetic on a copy that records events instead of trading.
  const probe: SeriesColumns = { ...bars };
  let prev = Number.NaN;
  const fw = new Float64Array(fast);
  const sw = new Float64Array(slow);
  let fNext = 0, fCount = 0, fSum = 0, fNonZero = 0, sNext = 0, sCount = 0, sSum = 0, sNonZero = 0, latest = Number.NaN, repeats = 0;
  for (let i = 0; i < probe.length; i++) {
    const x = probe.close[i] as number;
    if (fCount === fast) { const ev = fw[fNext] as number; if (ev !== 0) fNonZero--; fSum += x - ev; } else { fSum += x; fCount++; }
    if (x !== 0) fNonZero++;
    fw[fNext] = x;
    fNext = fNext + 1 === fast ? 0 : fNext + 1;
    if (fNext === 0) { let t = 0; for (let k = 0; k < fast; k++) t += fw[k] as number; fSum = t; }
    if (sCount === slow) { const ev = sw[sNext] as number; if (ev !== 0) sNonZero--; sSum += x - ev; } else { sSum += x; sCount++; }
    if (x !== 0) sNonZero++;
    sw[sNext] = x;
    sNext = sNext + 1 === slow ? 0 : sNext + 1;
    if (sNext === 0) { let t = 0; for (let k = 0; k < slow; k++) t += sw[k] as number; sSum = t; }
    repeats = x === latest ? repeats + 1 : 1;
    latest = x;
    let cur = Number.NaN;
    if (sCount === slow) {
      const f = repeats >= fast ? x : (fNonZero === 0 ? 0 : fSum) / fast;
      const s = repeats >= slow ? x : (sNonZero === 0 ? 0 : sSum) / slow;
      cur = f > s ? 1 : f < s ? -1 : 0;
    }
    if (prev === -1 && cur === 1) events[i] = 1;
    else if (prev === 1 && cur === -1) events[i] = -1;
    prev = cur;
  }
  return events;
}

interface IndexedBar extends IBar {
  i: number;
}

function grademarkSmaCross(bars: SeriesColumns, fast: number, slow: number): number {
  let events: Int8Array = new Int8Array(0);
  let next = 0; // the first bar whose event is not consumed yet
  const strategy: IStrategy<IndexedBar, IndexedBar> = {
    prepIndicators: ({ inputSeries }) => {
      events = crossEvents(bars, fast, slow);
      return inputSeries;
    },
    entryRule: (enterPosition, { bar }) => {
      for (; next <= bar.i; next++) {
        if (events[next] === 1) {
          next++;
          enterPosition();
          return;
        }
      }
    },
    exitRule: (exitPosition, { bar }) => {
      for (; next <= bar.i; next++) {
        if (events[next] === -1) {
          next++;
          exitPosition();
          return;
        }
      }
    },
  };
  const rows: IndexedBar[] = new Array(bars.length);
  for (let i = 0; i < bars.length; i++) {
    rows[i] = { i, time: new Date(bars.time[i] as number), open: bars.open[i] as number, high: bars.high[i] as number, low: bars.low[i] as number, close: bars.close[i] as number, volume: bars.volume[i] as number };
  }
  const trades = grademarkBacktest(strategy, new DataFrame<number, IndexedBar>(rows));
  return trades.length;
}

const LONG_ONLY: OrderPolicySettings = { ...DEFAULT_ORDER_POLICY, direction: 'long_only' };

const bench: Bench = async (report) => {
  const bars = millionGoldBars();
  const instrument = builtinInstrument('XAUUSD')!;
  const config = resolveConfig(simpleMa, { fast_period: FAST, slow_period: SLOW, take_profit_pips: 0, stop_loss_pips: 0, lot_size: 1 }).config;
  const job: BacktestJob = {
    strategy: 'simple_ma', config, capital: 1_000_000, timeframeMs: 60_000, model: DEFAULT_EXECUTION_MODEL, policy: LONG_ONLY,
    sleeves: [{ symbol: 'XAUUSD', series: bars, warmFrom: 0, from: 0, to: TARGET_BARS }],
  };

  // 1. Single thread: engine vs inline, interleaved rounds (first round of each = JIT warm-up, not counted).
  const engineTimes: number[] = [];
  const inlineTimes: number[] = [];
  let engineTrades = 0;
  let inlineTrades = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    let t = cpuMs();
    const result = executeBacktest(job).results;
    const engineMs = cpuMs() - t;
    t = cpuMs();
    const inline = inlineSmaCross(bars, FAST, SLOW);
    const inlineMs = cpuMs() - t;
    engineTrades = result.summary.total_trades;
    inlineTrades = inline.trades;
    if (round > 0) {
      engineTimes.push(engineMs);
      inlineTimes.push(inlineMs);
    }
  }
  let t = cpuMs();
  const grademarkTrades = grademarkSmaCross(bars, FAST, SLOW);
  const grademarkMs = cpuMs() - t;
  if (engineTrades !== inlineTrades || engineTrades !== grademarkTrades) {
    throw new Error(`trade counts differ: engine ${engineTrades}, inline ${inlineTrades}, grademark ${grademarkTrades}`);
  }
  const engineRate = TARGET_BARS / (median(engineTimes) / 1000);
  const inlineRate = TARGET_BARS / (median(inlineTimes) / 1000);
  const grademarkRate = TARGET_BARS / (grademarkMs / 1000);
  report({
    bench: 'backtest.simple_ma',
    value: Math.round(engineRate),
    unit: 'bars/s',
    ratio: { grademark: Number((engineRate / grademarkRate).toFixed(2)), inline: Number((engineRate / inlineRate).toFixed(3)) },
    trades: engineTrades,
    inline_bars_per_s: Math.round(inlineRate),
    grademark_bars_per_s: Math.round(grademarkRate),
  });

  // The engine alone (runSleeve without the report), for the breakdown.
  const sleeveTimes: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    t = cpuMs();
    runSleeve(bars, { instrument, definition: simpleMa, config, capital: 1_000_000, model: DEFAULT_EXECUTION_MODEL, policy: LONG_ONLY, warmFrom: 0, from: 0, to: TARGET_BARS, collectTrades: false });
    if (round > 0) sleeveTimes.push(cpuMs() - t);
  }
  const sleeveRate = TARGET_BARS / (median(sleeveTimes) / 1000);
  report({ bench: 'backtest.simple_ma.summary_only', value: Math.round(sleeveRate), unit: 'bars/s', ratio: { inline: Number((sleeveRate / inlineRate).toFixed(3)) } });

  // 2. Optimization: a 16-point grid as jobs on the pool, candles shared (SharedArrayBuffer), summary only.
  const grid: BacktestJob[] = [];
  for (const fast of [10, 20, 30, 50]) {
    for (const slow of [100, 150, 200, 300]) {
      grid.push({ ...job, collectTrades: false, config: resolveConfig(simpleMa, { fast_period: fast, slow_period: slow, take_profit_pips: 0, stop_loss_pips: 0, lot_size: 1 }).config });
    }
  }
  const rates: Record<number, number> = {};
  for (const size of [1, 2]) {
    const pool = new BacktestWorkerPool({ size, entry: backtestWorkerEntry() });
    try {
      // Warm every worker (thread start, TypeScript loading, JIT) before timing.
      await Promise.all(Array.from({ length: size * 2 }, (_, k) => pool.run(grid[k % grid.length] as BacktestJob, () => {}).done));
      const start = performance.now();
      await Promise.all(grid.map((j) => pool.run(j, () => {}).done));
      const seconds = (performance.now() - start) / 1000;
      rates[size] = grid.length / seconds;
    } finally {
      await pool.close();
    }
  }
  const perCore = rates[1] as number;
  report({ bench: 'backtest.optimization.workers_1', value: Number(perCore.toFixed(2)), unit: 'backtests/s', ratio: { target_100_per_core: Number((perCore / 100).toFixed(3)) }, bars_per_backtest: TARGET_BARS, jobs: grid.length });
  report({ bench: 'backtest.optimization.workers_2', value: Number((rates[2] as number).toFixed(2)), unit: 'backtests/s', ratio: { workers_1: Number(((rates[2] as number) / perCore).toFixed(2)) }, bars_per_backtest: TARGET_BARS, jobs: grid.length });

  // 3. Monte Carlo over the engine's trades.
  const withTrades = executeBacktest({ ...job, policy: { ...DEFAULT_ORDER_POLICY } }).results.trades;
  const pnl = Float64Array.from(withTrades.map((x) => x.pnl));
  const paths = 20_000;
  const out = allocateOutcomes(paths);
  simulatePaths({ pnl, initialCapital: 1_000_000, simulations: paths, method: 'bootstrap', seed: 7, ruinThreshold: 0.5 }, allocateOutcomes(1000), 0, 1000);
  t = cpuMs();
  simulatePaths({ pnl, initialCapital: 1_000_000, simulations: paths, method: 'bootstrap', seed: 7, ruinThreshold: 0.5 }, out, 0, paths);
  const mcMs = cpuMs() - t;
  report({ bench: 'backtest.montecarlo', value: Math.round(paths / (mcMs / 1000)), unit: 'paths/s', trades_per_path: pnl.length });
};

export default bench;
