import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteCandleStore } from '../../src/adapters/persistence/sqlite/candle-store';
import { DATABASE_FILE, openDatabase } from '../../src/adapters/persistence/sqlite/database';
import { loadCandles } from '../kit/candles';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * A backtest never comes back as a silent success with 0 trades (issue 9.1 and 9.7): the document's own example
 * (binance-trading-bot-api.md: initial_capital 10000, position_size 100 USD per trade) sent on gold, where $100
 * buys less than the 0.01-lot minimum, answers COMPLETED with a warning that counts the refused entries and names
 * the minimum lot, its value in USD and the sizing that would trade; and a backtest with the defaults (no size
 * given) trades on every instrument we ship data for (committed fixtures in test/fixtures/candles).
 */

const SHIPPED = [
  { symbol: 'XAUUSD', file: 'XAUUSD_M1_2025-05-15_2025-06-04.csv.gz', tf: '1M', timeframe: '15m', start: '2025-05-20', end: '2025-06-04' },
  { symbol: 'XAGUSD', file: 'XAGUSD_H1_2018-12-02_2019-07-01.csv.gz', tf: '1H', timeframe: '1h', start: '2019-01-01', end: '2019-07-01' },
  { symbol: 'EURUSD', file: 'EURUSD_M1_2018-05-31_2018-06-08.csv.gz', tf: '1M', timeframe: '5m', start: '2018-06-01', end: '2018-06-08' },
  { symbol: 'GBPUSD', file: null, tf: '1H', timeframe: '1h', start: '2021-01-01', end: '2021-03-01' },
  { symbol: 'USDJPY', file: 'USDJPY_M1_2017-01-29_2017-02-17.csv.gz', tf: '1M', timeframe: '15m', start: '2017-02-01', end: '2017-02-17' },
  { symbol: 'BTCUSDT', file: 'BTCUSDT_M1_2023-03-27_2023-04-04.csv.gz', tf: '1M', timeframe: '15m', start: '2023-03-28', end: '2023-04-04' },
  { symbol: 'GOOG', file: 'GOOG_D1_2004-08-19_2013-03-01.csv.gz', tf: '1D', timeframe: '1d', start: '2006-01-01', end: '2013-03-01' },
] as const;

/** The doc's example body, on gold. */
const DOC_EXAMPLE = {
  name: 'OPT6 Extended Test',
  symbols: ['XAUUSD'],
  timeframe: '15m',
  start_date: '2025-05-20T00:00:00Z',
  end_date: '2025-06-04T00:00:00Z',
  strategy_params: {
    min_confidence: 0.73, long_rsi_min: 23.0, long_rsi_max: 33.0, short_rsi_min: 67.0, short_rsi_max: 77.0, long_adx_min: 22.0,
    short_adx_min: 22.0, sl_atr_multiplier: 1.5, tp_atr_multiplier: 5.25, long_volume_multiplier: 1.2, short_volume_multiplier: 1.2,
  },
  initial_capital: 10000,
  position_size: 100,
};

describe('backtest warnings over HTTP', () => {
  let server: TestServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'echo-bt-warn-'));
  beforeAll(async () => {
    const db = openDatabase(join(dataDir, DATABASE_FILE));
    const store = createSqliteCandleStore(db);
    // GBPUSD has no committed fixture: EURUSD's H1 bars (real FX movement) stand in, scaled to a cable price.
    const eurusdH1 = loadCandles('EURUSD_H1_2017-04-19_2018-02-07.csv.gz');
    const gbp = { ...eurusdH1 };
    for (const f of ['open', 'high', 'low', 'close'] as const) gbp[f] = eurusdH1[f].map((v) => v * 1.2);
    gbp.time = eurusdH1.time.map((t) => t + (Date.UTC(2021, 0, 1) - Date.UTC(2017, 3, 19)));
    for (const s of SHIPPED) store.write(s.symbol, s.tf, s.file ? loadCandles(s.file) : gbp);
    db.close();
    server = await startTestServer({ dataDir });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function completed(body: unknown) {
    const created = await server.call('POST', '/api/backtest/', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const got = await server.call('GET', `/api/backtest/${created.body.id}/`);
      if (got.body.status === 'COMPLETED' || got.body.status === 'FAILED') {
        expect(got.body.error).toBeNull();
        return got.body;
      }
      if (Date.now() > deadline) throw new Error(`backtest ${created.body.id} still ${got.body.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("the document's example on gold ($100 per trade) is no silent success: the refused entries and why are in warnings", async () => {
    const run = await completed(DOC_EXAMPLE);
    expect(run.status).toBe('COMPLETED');
    expect(run.results.summary.total_trades).toBe(0);
    expect(run.results.signals_filtered).toBeGreaterThan(0);
    const warning = run.warnings.find((w: string) => w.includes('LOT_TOO_SMALL'));
    expect(warning, JSON.stringify(run.warnings)).toBeDefined();
    const refused = Number(/(\d+) entr(?:y was|ies were) refused/.exec(warning)?.[1]);
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(run.results.signals_filtered);
    expect(warning).toContain('fixed_cash $100.00 per trade');
    expect(warning).toContain("XAUUSD's minimum lot is 0.01 (1 XAU)");
    // 0.01 lot = 1 oz of gold, worth more than $3,000 in May 2025; the size that trades is at least that.
    const worth = Number(/worth \$([\d,.]+)/.exec(warning)?.[1]?.replace(/,/g, ''));
    expect(worth).toBeGreaterThan(3000);
    expect(worth).toBeLessThan(3600);
    expect(warning).toContain(`position_size of at least $${worth.toLocaleString('en-US', { minimumFractionDigits: 2 })} with fixed_cash`);
    // The listed warning is the view's only copy (not repeated inside results).
    expect(run.results.warnings).toBeUndefined();
  });

  it('the same request with the size that warning names trades', async () => {
    const first = await completed({ ...DOC_EXAMPLE, name: 'probe' });
    const worth = Number(/at least \$([\d,.]+) with fixed_cash/.exec(first.warnings.join(' '))?.[1]?.replace(/,/g, ''));
    const run = await completed({ ...DOC_EXAMPLE, name: 'sized', position_size: worth });
    expect(run.results.summary.total_trades).toBeGreaterThan(0);
    expect(run.warnings.filter((w: string) => w.includes('LOT_TOO_SMALL'))).toEqual([]);
  });

  for (const s of SHIPPED) {
    it(`${s.symbol}: a backtest with the defaults (no sizing, no position_size, default strategy) trades`, async () => {
      const run = await completed({ name: `defaults ${s.symbol}`, symbols: [s.symbol], timeframe: s.timeframe, start_date: s.start, end_date: s.end, initial_capital: 10000 });
      expect(run.status).toBe('COMPLETED');
      expect(run.sizing).toBe('all_equity');
      expect(run.results.summary.total_trades, JSON.stringify(run.warnings)).toBeGreaterThan(0);
      expect(run.warnings).toEqual([]);
    });
  }

  it('gold_buy_dip on 1m with its defaults trades on gold (its % threshold is scaled to the timeframe)', async () => {
    const run = await completed({ name: 'dip 1m', symbols: ['XAUUSD'], timeframe: '1m', start_date: '2025-05-16', end_date: '2025-06-04', strategy: 'gold_buy_dip', initial_capital: 10000 });
    expect(run.strategy_params.percentage_threshold).toBe(0.3);
    expect(run.results.summary.total_trades, JSON.stringify(run.warnings)).toBeGreaterThan(0);
  });

  it("an optimization of the document's example on gold carries the best set's warnings (best_warnings)", async () => {
    const { name: _name, ...fields } = DOC_EXAMPLE;
    const created = await server.call('POST', '/api/optimize/', { ...fields, name: 'doc grid', parameter_ranges: { min_confidence: [0.6, 0.73] }, optimization_metric: 'roi' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const deadline = Date.now() + 60_000;
    let done;
    for (;;) {
      done = (await server.call('GET', `/api/optimize/${created.body.id}/`)).body;
      if (done.status === 'COMPLETED' || done.status === 'FAILED' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(done.status, done.error).toBe('COMPLETED');
    expect(done.results.best_metrics.total_trades).toBe(0);
    expect(done.results.best_warnings.join(' ')).toMatch(/XAUUSD: \d+ entries were refused because the size was below the minimum lot \(LOT_TOO_SMALL\)/);
  });

  it("a walk-forward of the document's example on gold carries each window's out-of-sample warnings", async () => {
    const { name: _name, ...fields } = DOC_EXAMPLE;
    const created = await server.call('POST', '/api/walkforward/', {
      ...fields, name: 'doc wf', start_date: '2025-05-16T00:00:00Z', in_sample_days: 7, out_sample_days: 3, parameter_ranges: { min_confidence: [0.6, 0.73] }, optimization_metric: 'roi',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const deadline = Date.now() + 60_000;
    let done;
    for (;;) {
      done = (await server.call('GET', `/api/walkforward/${created.body.id}/`)).body;
      if (done.status === 'COMPLETED' || done.status === 'FAILED' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(done.status, done.error).toBe('COMPLETED');
    expect(done.results.windows.length).toBeGreaterThan(0);
    for (const w of done.results.windows) expect(w.out_sample_warnings.join(' ')).toContain('LOT_TOO_SMALL');
  });

  it('a live 1M gold_buy_dip task started with no threshold gets the same 1M default as a backtest', async () => {
    const session = await server.call('POST', '/api/session/create', { user_id: 'dip_defaults' });
    const id = session.body.data.session_id as string;
    const started = await server.call('POST', `/api/dynamic-trading/${id}/start`, { pair: 'XAUUSD', timeframe: '1M', strategy_name: 'gold_buy_dip', config: { lot_size: 0.01 } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.data.task.config.percentage_threshold).toBe(0.3);
    await server.call('POST', `/api/dynamic-trading/${id}/stop`, { pair: 'XAUUSD', timeframe: '1M', strategy_name: 'gold_buy_dip' });
  });

  it('a run where no signal fires says so, with what to try', async () => {
    const run = await completed({ ...DOC_EXAMPLE, name: 'strict', position_size: undefined, strategy_params: { min_confidence: 1 } });
    expect(run.results.summary.total_trades).toBe(0);
    expect(run.warnings.join(' ')).toMatch(/XAUUSD: no trades: no entry signal fired in \d+ bars.*min_confidence \(now 1\)/);
  });
});
