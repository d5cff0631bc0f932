import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteCandleStore } from '../../src/adapters/persistence/sqlite/candle-store';
import { DATABASE_FILE, openDatabase } from '../../src/adapters/persistence/sqlite/database';
import { allocateSeries, type CandleSeries } from '../../src/core/domain/candles';
import { loadCandles } from '../kit/candles';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * /api/backtest/ over HTTP as binance-trading-bot-api.md documents it: 201 with the PENDING backtest, polling to
 * COMPLETED, list with pagination/filters/ordering, 204 on delete, the documented error shape; a long backtest
 * runs in the worker pool while /health keeps answering fast, reports progress and can be cancelled; the same
 * backtest twice gives byte-identical results; the spec's Python and cURL examples run as written (with this
 * server's address and its API token, which every request but /health needs).
 */
const run = promisify(execFile);
const DAY = 86_400_000;

function repeated(source: CandleSeries, count: number): CandleSeries {
  const out = allocateSeries(count);
  const span = (source.time[source.length - 1] as number) - (source.time[0] as number) + 7 * DAY;
  for (let i = 0; i < count; i++) {
    const k = i % source.length;
    out.time[i] = (source.time[k] as number) + Math.floor(i / source.length) * span;
    out.open[i] = source.open[k] as number;
    out.high[i] = source.high[k] as number;
    out.low[i] = source.low[k] as number;
    out.close[i] = source.close[k] as number;
    out.volume[i] = source.volume[k] as number;
  }
  return out;
}

function seed(dataDir: string, write: (store: ReturnType<typeof createSqliteCandleStore>) => void): void {
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  write(createSqliteCandleStore(db));
  db.close();
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const BTC_H1 = 'BTCUSDT_H1_2018-11-01_2021-11-30.csv.gz';

describe('/api/backtest/ over HTTP', () => {
  let server: TestServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'echo-backtest-'));
  beforeAll(async () => {
    seed(dataDir, (store) => {
      store.write('BTCUSDT', '1H', loadCandles(BTC_H1));
      // A long series for the responsiveness and cancel checks: real gold M1 bars repeated to a million.
      store.write('XAUUSD', '1M', repeated(loadCandles('XAUUSD_M1_2024-08-01_2024-10-11.csv.gz'), 1_000_000));
    });
    server = await startTestServer({ dataDir });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const request = {
    name: 'BTC 4h confluence',
    symbols: ['BTCUSDT'],
    timeframe: '4h',
    start_date: '2019-01-01T00:00:00Z',
    end_date: '2021-01-01T00:00:00Z',
    strategy_params: { min_confidence: 0.73, long_rsi_min: 23.0, long_rsi_max: 33.0, long_adx_min: 22.0, sl_atr_multiplier: 1.5, tp_atr_multiplier: 5.25, not_a_param: 1 },
    initial_capital: 10000,
    position_size: 100,
  };

  const completed = (id: number) =>
    waitFor(async () => {
      const res = await server.call('GET', `/api/backtest/${id}/`);
      return res.body.status === 'COMPLETED' || res.body.status === 'FAILED' ? res.body : undefined;
    });

  it('create → 201 PENDING, poll → COMPLETED with the documented results; list; delete → 204; then 404', async () => {
    const created = await server.call('POST', '/api/backtest/', request);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'BTC 4h confluence', status: 'PENDING', symbols: ['BTCUSDT'], timeframe: '4h', strategy: 'confluence',
      start_date: '2019-01-01T00:00:00Z', end_date: '2021-01-01T00:00:00Z', initial_capital: 10000, completed_at: null, results: null,
    });
    expect(created.body.strategy_params).toMatchObject({ min_confidence: 0.73, short_rsi_min: 67, tp_atr_multiplier: 5.25 });
    expect(created.body.warnings.join(' ')).toContain('not_a_param');
    const id = created.body.id as number;

    const done = await completed(id);
    expect(done.status, done.error).toBe('COMPLETED');
    expect(done.progress).toBe(100);
    expect(done.completed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const { summary, trades, equity_curve } = done.results;
    for (const key of ['roi', 'win_rate', 'profit_factor', 'sharpe_ratio', 'max_drawdown', 'total_trades', 'winning_trades', 'losing_trades', 'avg_win', 'avg_loss', 'avg_trade_duration_hours', 'final_capital', 'total_pnl', 'total_fees', 'sortino_ratio', 'cagr', 'exposure', 'expectancy']) {
      expect(summary, key).toHaveProperty(key);
    }
    expect(summary.total_trades).toBeGreaterThan(10);
    expect(summary.total_trades).toBe(trades.length);
    expect(summary.winning_trades + summary.losing_trades + summary.break_even_trades).toBe(summary.total_trades);
    expect(summary.final_capital).toBeCloseTo(10000 + summary.total_pnl, 2);
    expect(trades[0]).toMatchObject({ trade_id: 1, symbol: 'BTCUSDT', position_size: expect.any(Number), exit_reason: expect.stringMatching(/^(TAKE_PROFIT|STOP_LOSS|END_OF_DATA)$/) });
    expect(trades[0].position_size).toBeGreaterThan(95); // $100 per trade, rounded down to 0.00001 BTC
    expect(trades[0].position_size).toBeLessThanOrEqual(100.5);
    expect(trades[0].entry_time >= '2019-01-01T00:00:00Z').toBe(true);
    // 4h bars aggregated from the stored 1h ones: entries on 4-hour boundaries.
    for (const t of trades) expect(new Date(t.entry_time).getUTCHours() % 4).toBe(0);
    expect(equity_curve[0].date).toBe('2019-01-01');
    expect(equity_curve.at(-1).date).toBe('2020-12-31');
    expect(equity_curve.at(-1).equity).toBe(summary.final_capital);
    expect(done.results.signals_generated).toBe(summary.total_trades);

    const listed = await server.call('GET', '/api/backtest/?page=1&page_size=10&status=COMPLETED&ordering=-created_at');
    expect(listed.status).toBe(200);
    expect(listed.body.count).toBeGreaterThanOrEqual(1);
    expect(listed.body.results[0]).toMatchObject({ id, status: 'COMPLETED', results: { summary: { roi: summary.roi, win_rate: summary.win_rate, total_trades: summary.total_trades } } });

    const deleted = await fetch(`${server.url}/api/backtest/${id}/`, { method: 'DELETE', headers: { authorization: `Bearer ${server.token}` } });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    const gone = await server.call('GET', `/api/backtest/${id}/`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ success: false, error: expect.stringContaining('Backtest run not found') });
  }, 60_000);

  it('the same backtest twice gives byte-identical results', async () => {
    const a = (await server.call('POST', '/api/backtest/', { ...request, name: 'twin A' })).body.id;
    const b = (await server.call('POST', '/api/backtest/', { ...request, name: 'twin B' })).body.id;
    const [ra, rb] = await Promise.all([completed(a), completed(b)]);
    expect(JSON.stringify(ra.results)).toBe(JSON.stringify(rb.results));
  }, 60_000);

  it('pagination, filters and ordering', async () => {
    const ids: number[] = [];
    for (const [k, symbols] of [['BTCUSDT'], ['BTCUSDT'], ['BTCUSDT']].entries()) {
      ids.push((await server.call('POST', '/api/backtest/', { ...request, name: `page ${k}`, symbols, strategy_params: { min_confidence: 0.7 + k / 100 } })).body.id);
    }
    await Promise.all(ids.map(completed));
    const page1 = await server.call('GET', '/api/backtest/?page=1&page_size=2&symbol=BTCUSDT&ordering=id');
    expect(page1.body.results.map((r: { id: number }) => r.id)).toEqual([...page1.body.results.map((r: { id: number }) => r.id)].sort((x, y) => x - y));
    expect(page1.body.next).toBe('/api/backtest/?page=2&page_size=2&symbol=BTCUSDT&ordering=id');
    expect(page1.body.previous).toBeNull();
    const page2 = await server.call('GET', page1.body.next);
    expect(page2.body.previous).toBe('/api/backtest/?page=1&page_size=2&symbol=BTCUSDT&ordering=id');
    const byRoi = await server.call('GET', '/api/backtest/?ordering=-roi&page_size=100');
    const rois = byRoi.body.results.filter((r: { results: unknown }) => r.results).map((r: { results: { summary: { roi: number } } }) => r.results.summary.roi);
    expect(rois).toEqual([...rois].sort((x: number, y: number) => y - x));
    const none = await server.call('GET', '/api/backtest/?symbol=ETHUSDT');
    expect(none.body).toEqual({ count: 0, next: null, previous: null, results: [] });
  }, 60_000);

  it('refusals in the documented error shape: 400 with details.field, insufficient data, unknown ordering', async () => {
    const badTimeframe = await server.call('POST', '/api/backtest/', { ...request, timeframe: '2h' });
    expect(badTimeframe.status).toBe(400);
    expect(badTimeframe.body).toMatchObject({ success: false, details: { field: 'timeframe', message: 'Invalid timeframe. Must be one of: 1m, 5m, 15m, 1h, 4h, 1d' } });
    const noData = await server.call('POST', '/api/backtest/', { ...request, start_date: '2024-01-01T00:00:00Z', end_date: '2024-11-01T00:00:00Z' });
    expect(noData.status).toBe(400);
    expect(noData.body.error).toMatch(/^Insufficient historical data/);
    expect(noData.body.details.message).toContain('available_from 2018-11-01T00:00:00Z'); // the fixture's first bar
    const unknown = await server.call('POST', '/api/backtest/', { ...request, symbols: ['NOPEUSD'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details.field).toBe('symbols.0');
    const badParams = await server.call('POST', '/api/backtest/', { ...request, strategy_params: { min_confidence: 3 } });
    expect(badParams.status).toBe(400);
    expect(badParams.body.error).toContain('min_confidence must be at most 1');
    const badOrdering = await server.call('GET', '/api/backtest/?ordering=colour');
    expect(badOrdering.status).toBe(400);
    expect(badOrdering.body.details.field).toBe('ordering');
    const missing = await server.call('DELETE', '/api/backtest/999999/');
    expect(missing.status).toBe(404);
  });

  it('a million-bar backtest runs off the API thread: /health < 100 ms, progress reported, DELETE cancels it', async () => {
    const long = { name: 'long gold', symbols: ['XAUUSD'], timeframe: '1m', start_date: '2024-08-01T00:00:00Z', end_date: '2027-09-01T00:00:00Z', strategy: 'confluence', strategy_params: { min_confidence: 0.6 }, initial_capital: 10000, position_size: 1000, warm_up_bars: 0 };
    const created = await server.call('POST', '/api/backtest/', long);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    const running = await waitFor(async () => {
      const res = await server.call('GET', `/api/backtest/${id}/`);
      return res.body.status === 'RUNNING' && res.body.progress > 0 ? res.body : undefined;
    });
    expect(running.progress).toBeLessThan(100);
    const latencies: number[] = [];
    for (let k = 0; k < 10; k++) {
      const start = performance.now();
      const health = await fetch(`${server.url}/health`);
      await health.text();
      latencies.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 20));
    }
    const still = await server.call('GET', `/api/backtest/${id}/`);
    expect(still.body.status).toBe('RUNNING');
    expect(Math.max(...latencies), `health latencies ${latencies.map((l) => l.toFixed(1)).join(', ')}`).toBeLessThan(100);
    expect(still.body.progress).toBeGreaterThanOrEqual(running.progress);

    const cancelled = await fetch(`${server.url}/api/backtest/${id}/`, { method: 'DELETE', headers: { authorization: `Bearer ${server.token}` } });
    expect(cancelled.status).toBe(204);
    expect((await server.call('GET', `/api/backtest/${id}/`)).status).toBe(404);

    // POST …/cancel/ keeps the row: FAILED, "Cancelled by the user".
    const second = (await server.call('POST', '/api/backtest/', { ...long, name: 'long gold 2' })).body.id;
    await waitFor(async () => ((await server.call('GET', `/api/backtest/${second}/`)).body.status === 'RUNNING' ? true : undefined));
    const stopped = await server.call('POST', `/api/backtest/${second}/cancel/`);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ id: second, status: 'FAILED', error: 'Cancelled by the user', results: null });
    const again = await server.call('POST', `/api/backtest/${second}/cancel/`);
    expect(again.status).toBe(409);
  }, 60_000);
});

/**
 * The spec's Examples section, run as written against this server. The spec's dates (BTCUSDT 4h, 2024-01-01 to
 * 2024-11-01) need 2024 candles, which the sample data does not have: the fixture is the REAL BTCUSDT H1 candles of
 * 2021-01-01 to 2021-11-05 re-dated by +1,095 days onto 2024 (prices untouched), stored as 1h and aggregated to 4h.
 */
describe("the spec's Python and cURL examples", () => {
  let server: TestServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'echo-backtest-examples-'));
  beforeAll(async () => {
    const source = loadCandles(BTC_H1);
    const shift = Date.UTC(2024, 0, 1) - Date.UTC(2021, 0, 1);
    const from = source.time.findIndex((t) => t >= Date.UTC(2021, 0, 1));
    const to = source.time.findIndex((t) => t >= Date.UTC(2021, 10, 5));
    const series = allocateSeries(to - from);
    for (let i = from; i < to; i++) {
      series.time[i - from] = (source.time[i] as number) + shift;
      series.open[i - from] = source.open[i] as number;
      series.high[i - from] = source.high[i] as number;
      series.low[i - from] = source.low[i] as number;
      series.close[i - from] = source.close[i] as number;
      series.volume[i - from] = source.volume[i] as number;
    }
    seed(dataDir, (store) => store.write('BTCUSDT', '1H', series));
    server = await startTestServer({ dataDir });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const hasPythonRequests = (() => {
    try {
      execFileSync('python3', ['-c', 'import requests'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasPythonRequests)('Python example (requests): creates, polls every 5 s, prints ROI and win rate', async () => {
    const script = `import requests

API_BASE = "${server.url}/api"
HEADERS = {"Authorization": "Bearer ${server.token}"}  # every request but /health needs the API token

# Create backtest
response = requests.post(
    f"{API_BASE}/backtest/",
    json={
        "name": "Test Run",
        "symbols": ["BTCUSDT"],
        "timeframe": "4h",
        "start_date": "2024-01-01T00:00:00Z",
        "end_date": "2024-11-01T00:00:00Z",
        "strategy_params": {
            "min_confidence": 0.73,
            "long_rsi_min": 23.0,
            "long_rsi_max": 33.0,
            "long_adx_min": 22.0,
            "sl_atr_multiplier": 1.5,
            "tp_atr_multiplier": 5.25
        },
        "initial_capital": 10000,
        "position_size": 100
    },
    headers=HEADERS,
)

backtest_id = response.json()["id"]
print(f"Backtest created: {backtest_id}")

# Poll for results
import time
while True:
    response = requests.get(f"{API_BASE}/backtest/{backtest_id}/", headers=HEADERS)
    data = response.json()

    if data["status"] == "COMPLETED":
        print(f"ROI: {data['results']['summary']['roi']}%")
        print(f"Win Rate: {data['results']['summary']['win_rate']}%")
        break
    elif data["status"] == "FAILED":
        print("Backtest failed")
        break

    time.sleep(5)
`;
    const file = join(dataDir, 'example.py');
    writeFileSync(file, script);
    const { stdout } = await run('python3', [file], { timeout: 40_000 });
    expect(stdout).toMatch(/^Backtest created: \d+\nROI: -?\d+(\.\d+)?%\nWin Rate: (\d+(\.\d+)?|None)%\n$/);
  }, 60_000);

  it('cURL example: create, then get the results', async () => {
    const body = `{
    "name": "Test Run",
    "symbols": ["BTCUSDT"],
    "timeframe": "4h",
    "start_date": "2024-01-01T00:00:00Z",
    "end_date": "2024-11-01T00:00:00Z",
    "strategy_params": {
      "min_confidence": 0.73,
      "long_rsi_min": 23.0,
      "long_rsi_max": 33.0,
      "long_adx_min": 22.0,
      "sl_atr_multiplier": 1.5,
      "tp_atr_multiplier": 5.25
    },
    "initial_capital": 10000,
    "position_size": 100
  }`;
    const auth = `Authorization: Bearer ${server.token}`;
    const created = await run('curl', ['-s', '-X', 'POST', `${server.url}/api/backtest/`, '-H', 'Content-Type: application/json', '-H', auth, '-d', body]);
    const id = JSON.parse(created.stdout).id as number;
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'Test Run', status: 'PENDING', timeframe: '4h' });
    const result = await waitFor(async () => {
      const got = JSON.parse((await run('curl', ['-s', `${server.url}/api/backtest/${id}/`, '-H', auth])).stdout);
      return got.status === 'COMPLETED' ? got : undefined;
    });
    expect(result.results.summary.total_trades).toBe(result.results.trades.length);
    expect(result.results.equity_curve[0].date).toBe('2024-01-01');
  }, 60_000);
});
