import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteCandleStore } from '../../src/adapters/persistence/sqlite/candle-store';
import { DATABASE_FILE, openDatabase } from '../../src/adapters/persistence/sqlite/database';
import type { Timeframe } from '../../src/core/domain/candles';
import { loadCandles, type CandleColumns } from '../kit/candles';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * /api/optimize/, /api/walkforward/ and /api/montecarlo/ against a real server (real SQLite file, real worker
 * threads) on real gold candles: the documented life cycle (201 PENDING → RUNNING with progress → COMPLETED),
 * results that agree with a backtest of the winning parameters, reproducible Monte Carlo, cancel and delete, the
 * binance envelope on refusals, and an API that keeps answering while a big optimization runs.
 */

let server: TestServer;

function slice(bars: CandleColumns, from: number, to: number) {
  const a = bars.time.findIndex((t) => t >= from);
  const b = bars.time.findIndex((t) => t >= to);
  const end = b < 0 ? bars.length : b;
  const pick = (c: Float64Array) => c.slice(a, end);
  return { time: pick(bars.time), open: pick(bars.open), high: pick(bars.high), low: pick(bars.low), close: pick(bars.close), volume: pick(bars.volume), length: end - a };
}

/** Stores candles in the server's database through a second connection (WAL), as `npm run import` would. */
function store(symbol: string, timeframe: Timeframe, bars: ReturnType<typeof slice>) {
  const db = openDatabase(join(server.dataDir, DATABASE_FILE));
  try {
    createSqliteCandleStore(db).write(symbol, timeframe, bars);
  } finally {
    db.close();
  }
}

async function waitFor(path: string, done: (body: any) => boolean = (b) => b.status === 'COMPLETED' || b.status === 'FAILED', timeoutMs = 40_000) {
  const start = Date.now();
  for (;;) {
    const res = await server.call('GET', path);
    if (done(res.body) || Date.now() - start > timeoutMs) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const GOLD_H1 = {
  symbols: ['XAUUSD'],
  timeframe: '1h',
  strategy: 'simple_ma',
  strategy_params: { take_profit_pips: 150, stop_loss_pips: 80 },
  initial_capital: 10_000,
  sizing: 'fixed_lots',
  position_size: 0.1,
};

beforeAll(async () => {
  server = await startTestServer();
  store('XAUUSD', '1H', slice(loadCandles('XAUUSD_H1_2018-04-01_2020-12-31.csv.gz'), Date.UTC(2018, 10, 1), Date.UTC(2020, 1, 1)));
  store('XAUUSD', '1M', slice(loadCandles('XAUUSD_M1_2024-08-01_2024-10-11.csv.gz'), 0, Infinity));
  store('BTCUSDT', '1H', slice(loadCandles('BTCUSDT_H1_2018-11-01_2021-11-30.csv.gz'), Date.UTC(2020, 6, 1), Date.UTC(2021, 11, 1)));
});
afterAll(async () => {
  await server?.stop();
});

describe('parameter optimization (/api/optimize/)', () => {
  it('answers 201 PENDING, reports progress, then ranks the grid; the winner matches its own backtest', async () => {
    const created = await server.call('POST', '/api/optimize/', {
      name: 'Gold MA grid',
      ...GOLD_H1,
      start_date: '2019-01-01T00:00:00Z',
      end_date: '2020-01-01T00:00:00Z',
      parameter_ranges: { fast_period: [5, 10, 20], slow_period: { min: 30, max: 90, step: 30 } },
      optimization_metric: 'roi',
      top_n: 5,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), name: 'Gold MA grid', status: 'PENDING', progress: 0, results: null, grid_size: 9 });
    expect(created.body.parameter_ranges).toEqual({ fast_period: [5, 10, 20], slow_period: [30, 60, 90] });
    const done = await waitFor(`/api/optimize/${created.body.id}/`);
    expect(done.status).toBe('COMPLETED');
    expect(done.progress).toBe(100);
    const results = done.results;
    expect(results).toMatchObject({ search: 'grid', evaluated: 9, skipped: 0 });
    expect(results.top).toHaveLength(5);
    expect(results.top.map((t: any) => t.rank)).toEqual([1, 2, 3, 4, 5]);
    const values = results.top.map((t: any) => t.metric_value);
    expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    expect(results.best_params).toEqual(results.top[0].params);
    expect(results.best_metrics.roi).toBe(results.best_metric_value);

    // The winner, run as an ordinary backtest, gives the same figures.
    const bt = await server.call('POST', '/api/backtest/', {
      name: 'winner',
      ...GOLD_H1,
      strategy_params: { ...GOLD_H1.strategy_params, ...results.best_params },
      start_date: '2019-01-01T00:00:00Z',
      end_date: '2020-01-01T00:00:00Z',
    });
    expect(bt.status).toBe(201);
    const backtest = await waitFor(`/api/backtest/${bt.body.id}/`);
    expect(backtest.results.summary).toMatchObject(results.best_metrics);

    const list = await server.call('GET', '/api/optimize/?page_size=5');
    expect(list.status).toBe(200);
    expect(list.body.results[0]).toMatchObject({ id: created.body.id, status: 'COMPLETED', results: null });
  });

  it('refuses what cannot run with the documented error envelope', async () => {
    const base = { name: 'bad', ...GOLD_H1, start_date: '2019-01-01', end_date: '2019-06-01' };
    const unknown = await server.call('POST', '/api/optimize/', { ...base, parameter_ranges: { fast_perod: [5, 10] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ success: false, error: expect.stringMatching(/fast_perod/), details: { field: 'parameter_ranges.fast_perod' } });
    const outOfRange = await server.call('POST', '/api/optimize/', { ...base, parameter_ranges: { fast_period: [0, 10] } });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.error).toMatch(/fast_period must be at least 1/);
    const metric = await server.call('POST', '/api/optimize/', { ...base, parameter_ranges: { fast_period: [5] }, optimization_metric: 'luck' });
    expect(metric.status).toBe(400);
    expect(metric.body.details.field).toBe('optimization_metric');
    const noData = await server.call('POST', '/api/optimize/', { ...base, symbols: ['EURUSD'], parameter_ranges: { fast_period: [5] } });
    expect(noData.status).toBe(400);
    expect(noData.body.error).toMatch(/Insufficient historical data/);
    const missing = await server.call('GET', '/api/optimize/999999/');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, error: expect.stringMatching(/not found/) });
  });
});

describe('walk-forward optimization (/api/walkforward/)', () => {
  it('optimizes each in-sample window and tests the winner out of sample, with overall metrics', async () => {
    const created = await server.call('POST', '/api/walkforward/', {
      name: 'Gold 2019 walk-forward',
      ...GOLD_H1,
      start_date: '2019-01-01T00:00:00Z',
      end_date: '2020-01-01T00:00:00Z',
      in_sample_days: 90,
      out_sample_days: 60,
      parameter_ranges: { fast_period: [5, 10, 20], slow_period: [30, 60] },
      optimization_metric: 'sharpe_ratio',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'PENDING', in_sample_days: 90, out_sample_days: 60, anchored: false, optimization_metric: 'sharpe_ratio' });
    const done = await waitFor(`/api/walkforward/${created.body.id}/`);
    expect(done.status).toBe('COMPLETED');
    const { windows, overall_metrics: overall } = done.results;
    // 365 − 90 = 275 days: four 60-day OOS windows and a last one of 35 days.
    expect(windows).toHaveLength(5);
    expect(windows[0]).toMatchObject({ window_id: 1, in_sample_start: '2019-01-01', in_sample_end: '2019-03-31', out_sample_start: '2019-04-01', out_sample_end: '2019-05-30' });
    expect(windows[4].out_sample_end).toBe('2019-12-31');
    for (const w of windows) {
      expect(Object.keys(w.best_params).sort()).toEqual(['fast_period', 'slow_period']);
      expect(w.in_sample_metrics).toHaveProperty('sharpe_ratio');
      expect(w.out_sample_metrics).toHaveProperty('win_rate');
      expect(w.in_sample_bars).toBeGreaterThan(1000);
      expect(w.evaluated).toBe(6);
    }
    const profitable = windows.filter((w: any) => w.out_sample_metrics.roi > 0).length;
    expect(overall.consistency_score).toBe(Number((profitable / 5).toFixed(4)));
    expect(overall.total_windows).toBe(5);
    const compounded = windows.reduce((g: number, w: any) => g * (1 + w.out_sample_metrics.roi / 100), 1);
    expect(overall.total_roi).toBeCloseTo((compounded - 1) * 100, 2);

    // The second window's OOS figures are a plain backtest of its winner over its OOS days (warm-up from before).
    const w2 = windows[1];
    const bt = await server.call('POST', '/api/backtest/', {
      name: 'oos 2',
      ...GOLD_H1,
      strategy_params: { ...GOLD_H1.strategy_params, ...w2.best_params },
      start_date: `${w2.out_sample_start}T00:00:00Z`,
      end_date: '2019-07-30T00:00:00Z',
    });
    const oos = await waitFor(`/api/backtest/${bt.body.id}/`);
    expect(oos.results.summary).toMatchObject(w2.out_sample_metrics);
  });

  it("takes the spec's example request (confluence, 4h from stored 1h bars; dates moved into the stored history)", async () => {
    const created = await server.call('POST', '/api/walkforward/', {
      name: 'Q4 2024 Walk-Forward',
      symbols: ['BTCUSDT'],
      timeframe: '4h',
      start_date: '2021-01-01T00:00:00Z',
      end_date: '2021-11-01T00:00:00Z',
      in_sample_days: 60,
      out_sample_days: 30,
      parameter_ranges: {
        long_rsi_min: [20, 23, 25, 28],
        long_rsi_max: [30, 33, 35, 38],
        long_adx_min: [20, 22, 25, 28],
        min_confidence: [0.7, 0.73, 0.75, 0.78],
      },
      optimization_metric: 'sharpe_ratio',
      initial_capital: 10000,
      max_evaluations: 24, // random search: 24 of the 256 combinations per window (seeded)
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Q4 2024 Walk-Forward', status: 'PENDING', strategy: 'confluence', position_size: 100, sizing: 'fixed_cash', grid_size: 256 });
    const done = await waitFor(`/api/walkforward/${created.body.id}/`);
    expect(done.status).toBe('COMPLETED');
    expect(done.results).toMatchObject({ search_per_window: 'random', evaluations_per_window: 24 });
    expect(done.results.windows).toHaveLength(9);
    expect(done.results.windows[0]).toMatchObject({ in_sample_start: '2021-01-01', in_sample_end: '2021-03-01', out_sample_start: '2021-03-02', out_sample_end: '2021-03-31' });
    for (const w of done.results.windows) {
      expect(w.evaluated + w.skipped).toBe(24);
      expect([20, 23, 25, 28]).toContain(w.best_params.long_rsi_min);
    }
    expect(done.results.overall_metrics.consistency_score).toBeGreaterThanOrEqual(0);
    expect(done.results.overall_metrics.consistency_score).toBeLessThanOrEqual(1);
  });

  it('refuses a period too short for one window', async () => {
    const res = await server.call('POST', '/api/walkforward/', {
      name: 'too short', ...GOLD_H1, start_date: '2019-01-01', end_date: '2019-02-01', in_sample_days: 60, out_sample_days: 30, parameter_ranges: { fast_period: [5, 10] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/No walk-forward window fits/);
  });
});

describe('Monte Carlo (/api/montecarlo/)', () => {
  it("resamples a completed backtest's trades: documented figures, reproducible with a seed", async () => {
    const bt = await server.call('POST', '/api/backtest/', { name: 'for MC', ...GOLD_H1, strategy_params: { ...GOLD_H1.strategy_params, fast_period: 10, slow_period: 30 }, start_date: '2019-01-01', end_date: '2020-01-01' });
    const backtest = await waitFor(`/api/backtest/${bt.body.id}/`);
    expect(backtest.status).toBe('COMPLETED');
    const trades = backtest.results.summary.total_trades;
    expect(trades).toBeGreaterThan(20);

    const request = { backtest_id: bt.body.id, num_simulations: 5000, confidence_levels: [0.9, 0.95, 0.99], seed: 11 };
    const created = await server.call('POST', '/api/montecarlo/', request);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ backtest_id: bt.body.id, status: 'PENDING', num_simulations: 5000, method: 'bootstrap', ruin_threshold: 0.5 });
    const done = await waitFor(`/api/montecarlo/${created.body.id}/`);
    expect(done.status).toBe('COMPLETED');
    const r = done.results;
    expect(Object.keys(r.confidence_intervals)).toEqual(['90%', '95%', '99%']);
    expect(r.confidence_intervals['99%'].lower).toBeLessThanOrEqual(r.confidence_intervals['90%'].lower);
    expect(r.confidence_intervals['99%'].upper).toBeGreaterThanOrEqual(r.confidence_intervals['90%'].upper);
    expect(r.worst_case).toBeLessThanOrEqual(r.median_roi);
    expect(r.best_case).toBeGreaterThanOrEqual(r.median_roi);
    expect(r.value_at_risk['95%']).toBeLessThanOrEqual(r.median_roi);
    expect(r.probability_of_profit).toBeGreaterThanOrEqual(0);
    expect(r.probability_of_profit).toBeLessThanOrEqual(100);
    expect(r.trades_per_path).toBe(trades);
    expect(r.original_roi).toBeCloseTo(backtest.results.summary.roi, 1);
    // The bootstrap mean is the backtest's own ROI up to sampling noise (sd of the mean = sd / √5000).
    expect(Math.abs(r.expected_roi - r.original_roi)).toBeLessThan((4 * r.std_dev_roi) / Math.sqrt(5000) + 0.01);
    expect(r.distribution.reduce((n: number, b: any) => n + b.frequency, 0)).toBe(5000);

    const again = await server.call('POST', '/api/montecarlo/', request);
    expect((await waitFor(`/api/montecarlo/${again.body.id}/`)).results).toEqual(r);

    // shuffle: the same trades in another order end at the same ROI on every path.
    const shuffled = await server.call('POST', '/api/montecarlo/', { ...request, method: 'shuffle', ruin_threshold: 0.99 });
    const s = (await waitFor(`/api/montecarlo/${shuffled.body.id}/`)).results;
    expect(s.best_case).toBe(s.worst_case);
    expect(s.best_case).toBeCloseTo(r.original_roi, 6);
    expect(s.probability_of_ruin).toBeGreaterThan(0); // a 1 % fall below the start happens in some order

    expect((await server.call('POST', '/api/montecarlo/', { backtest_id: 999999 })).status).toBe(404);
    const bad = await server.call('POST', '/api/montecarlo/', { backtest_id: bt.body.id, confidence_levels: [95] });
    expect(bad.status).toBe(400);
    expect(bad.body.details.field).toBe('confidence_levels.0');
  });
});

describe('running off the API thread', () => {
  it('keeps /health under 100 ms while a big optimization runs; progress grows; cancel and delete stop it', async () => {
    const big = await server.call('POST', '/api/optimize/', {
      name: 'big',
      ...GOLD_H1,
      timeframe: '1m',
      start_date: '2024-08-02T00:00:00Z',
      end_date: '2024-10-11T00:00:00Z',
      parameter_ranges: { fast_period: { min: 2, max: 40, step: 1 }, slow_period: { min: 50, max: 200, step: 10 } },
      search: 'grid',
    });
    expect(big.status).toBe(201);
    expect(big.body.grid_size).toBe(39 * 16);
    const path = `/api/optimize/${big.body.id}/`;
    const running = await waitFor(path, (b) => b.status === 'RUNNING' && b.progress > 0, 20_000);
    expect(running.status).toBe('RUNNING');
    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/health`);
      await res.text();
      timings.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Math.max(...timings)).toBeLessThan(100);
    const later = (await server.call('GET', path)).body;
    expect(later.progress).toBeGreaterThanOrEqual(running.progress);
    expect(later.progress).toBeLessThan(100);

    const cancelled = await server.call('POST', `${path}cancel/`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'FAILED', error: 'Cancelled by the user', results: null });
    expect((await server.call('POST', `${path}cancel/`)).status).toBe(409);
    const removed = await server.call('DELETE', path);
    expect(removed.status).toBe(204);
    expect((await server.call('GET', path)).status).toBe(404);

    // The pool is free again: a small job completes right after.
    const small = await server.call('POST', '/api/optimize/', {
      name: 'after', ...GOLD_H1, start_date: '2019-01-01', end_date: '2019-03-01', parameter_ranges: { fast_period: [5, 10] },
    });
    expect((await waitFor(`/api/optimize/${small.body.id}/`, undefined, 15_000)).status).toBe('COMPLETED');
  });
});
