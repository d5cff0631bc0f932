import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * /api/paper-trading/... over HTTP against a real server on the seeded simulated market (fast feed): enable with the
 * documented settings, positions sized by the account and capped by max_open_positions, signals linked to them,
 * history with filters and pages, a manual close through the engine (journaled), performance, disable closing
 * everything, state kept across a restart, the document's error shape, and its cURL example.
 */
const run = promisify(execFile);

let server: TestServer;
let dataDir: string;
beforeAll(async () => {
  process.env.ECHO_FEED_SPEED = '400';
  // Our own data directory: the restart below opens it again.
  dataDir = mkdtempSync(join(tmpdir(), 'echo-paper-'));
  server = await startTestServer({ dataDir });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  delete process.env.ECHO_FEED_SPEED;
});

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The document's error format: {success: false, error, details?}. */
function expectSpecError(body: any, field?: string) {
  expect(body.success).toBe(false);
  expect(typeof body.error).toBe('string');
  expect(body.error.length).toBeGreaterThan(5);
  if (field) expect(body.details?.field).toBe(field);
}

const SETTINGS = {
  initial_capital: 10_000,
  position_size_percent: 10,
  max_open_positions: 2,
  auto_close_on_sl_tp: true,
  symbols: ['BTCUSDT', 'ETHUSDT'],
  timeframe: '1h',
  strategy: 'simple_ma',
  // Crossovers every few bars; on BTC 1 pip = 1 USD: TP 800 / SL 500 USD away, hit within a few 1h bars.
  strategy_params: { fast_period: 2, slow_period: 5, take_profit_pips: 800, stop_loss_pips: 500 },
};

describe('paper trading API', () => {
  it('answers before it is enabled: performance says disabled, disable is a 404 in the document’s error shape', async () => {
    const perf = await server.call('GET', '/api/paper-trading/performance');
    expect(perf.status).toBe(200);
    expect(perf.body).toMatchObject({ enabled: false, total_trades: 0, active_positions: 0, started_at: null });
    const positions = await server.call('GET', '/api/paper-trading/positions');
    expect(positions.body).toEqual({ count: 0, positions: [] });
    const disable = await server.call('POST', '/api/paper-trading/disable');
    expect(disable.status).toBe(404);
    expectSpecError(disable.body);
  });

  it('refuses bad settings with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ ...SETTINGS, position_size_percent: 150 }, 'position_size_percent'],
      [{ ...SETTINGS, initial_capital: -5 }, 'initial_capital'],
      [{ ...SETTINGS, max_open_positions: 0 }, 'max_open_positions'],
      [{ ...SETTINGS, auto_close_on_sl_tp: 'yes' }, 'auto_close_on_sl_tp'],
      [{ ...SETTINGS, timeframe: '2h' }, 'timeframe'],
      [{ ...SETTINGS, symbols: ['NOPEUSDT'] }, 'symbols.0'],
      [{ ...SETTINGS, strategy: 'martingale' }, 'strategy'],
      [{ ...SETTINGS, strategy_params: { fast_period: 9, slow_period: 3 } }, 'strategy_params'],
      [{ ...SETTINGS, leverage: 10 }, ''],
    ];
    for (const [body, field] of cases) {
      const res = await server.call('POST', '/api/paper-trading/enable', body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expectSpecError(res.body, field);
    }
    const broken = await server.call('POST', '/api/paper-trading/enable', '{"initial_capital": ');
    expect(broken.status).toBe(400);
    expectSpecError(broken.body);
    // Nothing was kept from the refused attempts.
    expect((await server.call('GET', '/api/paper-trading/performance')).body.enabled).toBe(false);
  });

  let positionId = 0;
  it('enables with the documented settings and trades: positions sized by the account, capped, linked to their signals', async () => {
    const res = await server.call('POST', '/api/paper-trading/enable', SETTINGS);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      message: 'Paper trading enabled',
      settings: { initial_capital: 10_000, position_size_percent: 10, max_open_positions: 2, auto_close_on_sl_tp: true, symbols: ['BTCUSDT', 'ETHUSDT'], timeframe: '1h', strategy: 'simple_ma' },
    });
    expect(res.body.tasks.map((t: any) => [t.symbol, t.timeframe, t.status, t.feed_source])).toEqual([
      ['BTCUSDT', '1h', 'running', 'simulated'],
      ['ETHUSDT', '1h', 'running', 'simulated'],
    ]);
    const again = await server.call('POST', '/api/paper-trading/enable', SETTINGS);
    expect(again.status).toBe(409);
    expectSpecError(again.body);

    const positions = await waitFor(async () => {
      const p = await server.call('GET', '/api/paper-trading/positions');
      return p.body.count > 0 ? p.body : undefined;
    }, 'a paper position');
    expect(positions.count).toBeLessThanOrEqual(2);
    const p = positions.positions[0];
    expect(p).toMatchObject({ symbol: expect.stringMatching(/^(BTC|ETH)USDT$/), direction: expect.stringMatching(/^(LONG|SHORT)$/) });
    for (const key of ['id', 'signal_id', 'entry_price', 'current_price', 'position_size', 'position_value', 'stop_loss', 'take_profit', 'unrealized_pnl', 'unrealized_pnl_percent', 'opened_at', 'duration_hours']) {
      expect(p, key).toHaveProperty(key);
    }
    // 10 % of the account's equity (≈ 10 000 at the start), rounded down to the lot step.
    expect(p.position_value).toBeGreaterThan(800);
    expect(p.position_value).toBeLessThanOrEqual(1_200);
    expect(p.position_value).toBeCloseTo(p.position_size * p.entry_price, 1);
    expect(p.stop_loss).not.toBeNull();
    expect(Math.abs(p.unrealized_pnl_percent - (p.unrealized_pnl / p.position_value) * 100)).toBeLessThan(0.02);
    expect(Number.isInteger(p.id)).toBe(true);
    // The signal that opened it points back at it.
    const signal = await server.call('GET', `/api/signals/${p.signal_id}/`);
    expect(signal.status).toBe(200);
    expect(signal.body).toMatchObject({ id: p.signal_id, symbol: p.symbol, signal_type: p.direction, status: 'ACTED', strategy: 'simple_ma', timeframe: '1h' });
    expect(signal.body.paper_trade).toMatchObject({ id: p.id, entry_price: p.entry_price });
    expect(signal.body.created_at).toBe(p.opened_at);
    positionId = p.id;

    // Never more than max_open_positions at once; the denied entries are filtered signals with the reason.
    for (let i = 0; i < 10; i++) {
      const now = await server.call('GET', '/api/paper-trading/positions');
      expect(now.body.count).toBeLessThanOrEqual(2);
      await new Promise((r) => setTimeout(r, 30));
    }
  });

  it('closes one position by hand through the engine, journaled like any order', async () => {
    // Positions open and close fast on this market: take one that is open now; if it hit its stop or take-profit
    // between the two calls, the close is refused as already done (400) and another one is tried.
    let target: any;
    let res: { status: number; body: any } | undefined;
    // The strategy may also close it in the very bar the manual close fills (a reversal): that close wins, the answer
    // says so (exit_reason SIGNAL), and another position is tried until a manual close is the one that happens.
    const manualDone = () => res?.status === 200 && res.body.position?.exit_reason === 'MANUAL';
    for (let attempt = 0; attempt < 20 && !manualDone(); attempt++) {
      const open = await waitFor(async () => {
        const p = await server.call('GET', '/api/paper-trading/positions');
        return p.body.count > 0 ? p.body : undefined;
      }, 'an open position');
      target = open.positions.find((p: any) => p.id === positionId) ?? open.positions[0];
      res = await server.call('POST', `/api/paper-trading/positions/${target.id}/close`);
      if (res.status === 400) expectSpecError(res.body, 'id');
    }
    if (!res) throw new Error('no close attempted');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      message: 'Position closed',
      position: { id: target.id, symbol: target.symbol, direction: target.direction, entry_price: target.entry_price, exit_reason: 'MANUAL' },
    });
    for (const key of ['exit_price', 'realized_pnl', 'realized_pnl_percent', 'closed_at']) expect(res.body.position).toHaveProperty(key);
    // The close order is on the journal, with the manual reason, filled.
    const orders = await server.call('GET', '/api/trading/orders?limit=200');
    expect(orders.status).toBe(200);
    const journaled = orders.body.data.orders.filter((o: any) => o.kind === 'close' && o.reason.includes('closed by hand'));
    expect(journaled.length).toBeGreaterThanOrEqual(1);
    expect(journaled[0].status).toBe('filled');
    // Gone from the open positions, in the history as MANUAL; a second close is refused.
    expect((await server.call('GET', '/api/paper-trading/positions')).body.positions.some((p: any) => p.id === target.id)).toBe(false);
    const manual = await server.call('GET', '/api/paper-trading/history?exit_reason=MANUAL');
    expect(manual.body.results.some((t: any) => t.id === target.id)).toBe(true);
    const twice = await server.call('POST', `/api/paper-trading/positions/${target.id}/close`);
    expect(twice.status).toBe(400);
    expectSpecError(twice.body, 'id');
  });

  it('refuses to close what does not exist', async () => {
    const missing = await server.call('POST', '/api/paper-trading/positions/999999/close');
    expect(missing.status).toBe(404);
    expectSpecError(missing.body);
    const bad = await server.call('POST', '/api/paper-trading/positions/abc/close');
    expect(bad.status).toBe(400);
    expectSpecError(bad.body, 'id');
  });

  it('keeps the history with filters and pages, and performance figures that add up', async () => {
    const history = await waitFor(async () => {
      const h = await server.call('GET', '/api/paper-trading/history?page_size=100');
      return h.body.count >= 4 ? h.body : undefined;
    }, 'four closed positions');
    const t = history.results[0];
    for (const key of ['id', 'signal_id', 'symbol', 'direction', 'entry_price', 'exit_price', 'position_size', 'realized_pnl', 'realized_pnl_percent', 'exit_reason', 'opened_at', 'closed_at', 'duration_hours']) {
      expect(t, key).toHaveProperty(key);
    }
    // Newest first.
    const closedAt = history.results.map((r: any) => Date.parse(r.closed_at));
    expect([...closedAt].sort((a, b) => b - a)).toEqual(closedAt);
    expect(new Set(history.results.map((r: any) => r.exit_reason)).size).toBeGreaterThanOrEqual(1);

    const page1 = await server.call('GET', '/api/paper-trading/history?page_size=2');
    expect(page1.body.results).toHaveLength(2);
    expect(page1.body.previous).toBeNull();
    expect(page1.body.next).toBe('/api/paper-trading/history?page=2&page_size=2');
    const page2 = await server.call('GET', page1.body.next);
    expect(page2.body.previous).toBe('/api/paper-trading/history?page=1&page_size=2');

    const btc = await server.call('GET', '/api/paper-trading/history?symbol=BTCUSDT&direction=LONG&page_size=100');
    expect(btc.body.results.every((r: any) => r.symbol === 'BTCUSDT' && r.direction === 'LONG')).toBe(true);
    const badFilter = await server.call('GET', '/api/paper-trading/history?exit_reason=LUCK');
    expect(badFilter.status).toBe(400);
    expectSpecError(badFilter.body, 'exit_reason');

    const perf = (await server.call('GET', '/api/paper-trading/performance')).body;
    expect(perf.enabled).toBe(true);
    expect(perf.initial_capital).toBe(10_000);
    expect(perf.total_trades).toBeGreaterThanOrEqual(4);
    expect(perf.winning_trades + perf.losing_trades).toBeLessThanOrEqual(perf.total_trades);
    expect(perf.current_capital).toBeCloseTo(perf.initial_capital + perf.total_pnl, 1);
    expect(perf.equity).toBeCloseTo(perf.current_capital + perf.unrealized_pnl, 1);
    expect(perf.roi).toBeCloseTo((perf.total_pnl / perf.initial_capital) * 100, 1);
    expect(perf.win_rate).toBeCloseTo((perf.winning_trades / perf.total_trades) * 100, 1);
    expect(perf.max_drawdown).toBeGreaterThanOrEqual(0);
    expect(perf.active_positions).toBeLessThanOrEqual(2);
    if (perf.losing_trades > 0) expect(perf.avg_loss).toBeLessThan(0);
    if (perf.winning_trades > 0) expect(perf.largest_win).toBeGreaterThanOrEqual(perf.avg_win);
    expect(typeof perf.started_at).toBe('string');
  });

  it('runs the document’s cURL example for performance (port and token translated)', async () => {
    const cmd = `curl -s -H "Authorization: Bearer ${server.token}" http://localhost:${server.port}/api/paper-trading/performance`;
    const { stdout } = await run('bash', ['-c', cmd]);
    const body = JSON.parse(stdout);
    expect(body).toMatchObject({ enabled: true, initial_capital: 10_000 });
    expect(body).toHaveProperty('sharpe_ratio');
  });

  it('survives a restart: the run resumes with its rules, positions and history', async () => {
    const before = (await server.call('GET', '/api/paper-trading/history?page_size=100')).body.count;
    await server.stop();
    server = await startTestServer({ dataDir });
    const perf = await server.call('GET', '/api/paper-trading/performance');
    expect(perf.body.enabled).toBe(true);
    expect(perf.body.total_trades).toBeGreaterThanOrEqual(before);
    const again = await server.call('POST', '/api/paper-trading/enable', SETTINGS);
    expect(again.status).toBe(409);
    // The tasks resumed: trading goes on.
    await waitFor(async () => {
      const h = await server.call('GET', '/api/paper-trading/history?page_size=100');
      return h.body.count > before ? true : undefined;
    }, 'a trade after the restart');
    const open = await server.call('GET', '/api/paper-trading/positions');
    expect(open.body.count).toBeLessThanOrEqual(2);
  });

  it('disables, closing every position at its last price', async () => {
    await waitFor(async () => {
      const p = await server.call('GET', '/api/paper-trading/positions');
      return p.body.count > 0 ? true : undefined;
    }, 'an open position before disabling');
    const res = await server.call('POST', '/api/paper-trading/disable');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message).toBe('Paper trading disabled');
    expect(res.body.closed_positions).toBeGreaterThanOrEqual(1);
    const after = await server.call('GET', '/api/paper-trading/positions');
    expect(after.body.count).toBe(0);
    const perf = (await server.call('GET', '/api/paper-trading/performance')).body;
    expect(perf).toMatchObject({ enabled: false, active_positions: 0 });
    expect(res.body.total_pnl).toBeCloseTo(perf.total_pnl, 2);
    expect(res.body.final_capital).toBeCloseTo(10_000 + res.body.total_pnl, 2);
    expect(perf.current_capital).toBeCloseTo(res.body.final_capital, 2);
    const stopped = await server.call('GET', '/api/paper-trading/history?exit_reason=TASK_STOPPED&page_size=100');
    expect(stopped.body.count).toBeGreaterThanOrEqual(res.body.closed_positions);
    // Nothing trades any more.
    const count = (await server.call('GET', '/api/paper-trading/history?page_size=1')).body.count;
    await new Promise((r) => setTimeout(r, 200));
    expect((await server.call('GET', '/api/paper-trading/history?page_size=1')).body.count).toBe(count);
    const twice = await server.call('POST', '/api/paper-trading/disable');
    expect(twice.status).toBe(404);
    expectSpecError(twice.body);
  });

  it('answers without a token with 401 in the document’s error shape', async () => {
    const res = await fetch(`${server.url}/api/paper-trading/performance`);
    expect(res.status).toBe(401);
    expectSpecError(await res.json());
  });
});
