import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * /api/signals/ over HTTP against a real server: signals appear as strategies run on the simulated market (fast
 * feed) — simple_ma crossovers, the confluence strategy's 13 conditions, entries refused by paper trading's
 * max_open_positions — with the documented filters, pages, details, manual creation, the document's error shape and
 * its cURL example.
 */
const run = promisify(execFile);

let server: TestServer;
let sessionId = '';
beforeAll(async () => {
  process.env.ECHO_FEED_SPEED = '400';
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
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

function expectSpecError(body: any, field?: string) {
  expect(body.success).toBe(false);
  expect(typeof body.error).toBe('string');
  expect(body.error.length).toBeGreaterThan(5);
  if (field) expect(body.details?.field).toBe(field);
}

const SPEC_FIELDS = ['id', 'symbol', 'signal_type', 'entry_price', 'stop_loss', 'take_profit', 'confidence', 'timeframe', 'description', 'created_at', 'is_active', 'conditions_met'];
const CONFLUENCE_CONDITIONS = [
  'macd_bullish', 'rsi_oversold', 'adx_strong', 'price_above_ema', 'volume_spike', 'supertrend_bullish', 'mfi_bullish', 'psar_bullish',
  'ha_bullish', 'ema_alignment', 'di_bullish', 'bb_oversold', 'volatility_normal',
];
const CONFLUENCE_INDICATORS = [
  'rsi', 'macd', 'macd_signal', 'adx', 'plus_di', 'minus_di', 'atr', 'ema_9', 'ema_21', 'ema_50', 'volume', 'volume_ma', 'bb_upper', 'bb_middle',
  'bb_lower', 'supertrend', 'mfi', 'psar',
];

const list = async (query: string) => {
  const res = await server.call('GET', `/api/signals/${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { count: number; next: string | null; previous: string | null; results: any[] };
};

describe('signals API', () => {
  let smaTask = 0;
  it('records the strategies’ entry decisions as they run', async () => {
    const session = await server.call('POST', '/api/session/create', { user_id: 'signals_test' });
    sessionId = session.body.data.session_id;
    const sma = await server.call('POST', `/api/dynamic-trading/${sessionId}/start`, {
      pair: 'BTCUSDT', timeframe: '1H', strategy_name: 'simple_ma',
      config: { lot_size: 0.01, fast_period: 2, slow_period: 5, take_profit_pips: 800, stop_loss_pips: 500 },
    });
    expect(sma.status, JSON.stringify(sma.body)).toBe(200);
    smaTask = sma.body.data.task.task_id;
    const confluence = await server.call('POST', `/api/dynamic-trading/${sessionId}/start`, {
      pair: 'ETHUSDT', timeframe: '1H', strategy_name: 'confluence', config: { min_confidence: 0.5, lot_size: 0.1 },
    });
    expect(confluence.status, JSON.stringify(confluence.body)).toBe(200);

    const sma5 = await waitFor(async () => {
      const l = await list(`?is_active=all&task_id=${smaTask}&page_size=100`);
      return l.count >= 5 ? l : undefined;
    }, 'five simple_ma signals');
    for (const s of sma5.results) {
      for (const key of SPEC_FIELDS) expect(s, key).toHaveProperty(key);
      expect(s).toMatchObject({ symbol: 'BTCUSDT', timeframe: '1h', confidence: 1, source: 'strategy', strategy: 'simple_ma', task_id: smaTask });
      expect(s.status).toMatch(/^(ACTED|FILTERED)$/);
      expect(Object.keys(s.conditions_met)).toEqual([s.signal_type === 'LONG' ? 'fast_crossed_above_slow' : 'fast_crossed_below_slow']);
    }
    // Default list: active signals only — acted ones whose order is in flight or whose position is still open.
    const active = await list('?page_size=100');
    expect(active.results.every((s) => s.is_active === true && s.status === 'ACTED')).toBe(true);
    // Newest first.
    const ids = sma5.results.map((s) => s.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    // An acted simple_ma signal carries the TP/SL its order was sent with (800/500 USD from the decision close).
    const acted = sma5.results.find((s) => s.status === 'ACTED');
    expect(acted).toBeDefined();
    const dir = acted.signal_type === 'LONG' ? 1 : -1;
    expect(acted.take_profit).toBeCloseTo(acted.entry_price + dir * 800, 2);
    expect(acted.stop_loss).toBeCloseTo(acted.entry_price - dir * 500, 2);

    const detail = await server.call('GET', `/api/signals/${acted.id}/`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ ...acted, is_active: detail.body.is_active });
    expect(Object.keys(detail.body.indicator_values).sort()).toEqual(['close', 'fast_ma', 'slow_ma']);
    expect(detail.body.indicator_values.close).toBeCloseTo(acted.entry_price, 6);
    // Not a paper-trading run: no paper trade.
    expect(detail.body.paper_trade).toBeNull();

    const conf = await waitFor(async () => {
      const l = await list('?is_active=all&symbol=ETHUSDT&page_size=5');
      return l.count >= 1 ? l.results[0] : undefined;
    }, 'a confluence signal');
    expect(Object.keys(conf.conditions_met).sort()).toEqual([...CONFLUENCE_CONDITIONS].sort());
    const met = Object.values(conf.conditions_met).filter(Boolean).length;
    expect(conf.confidence).toBeCloseTo(met / 13, 3);
    const confDetail = await server.call('GET', `/api/signals/${conf.id}/`);
    for (const key of CONFLUENCE_INDICATORS) expect(typeof confDetail.body.indicator_values[key], key).toBe('number');
    if (conf.status === 'FILTERED') expect(conf.status_reason).toContain('min_confidence');
    else expect(conf.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('signals of stopped tasks stop being active once their positions are closed', async () => {
    // Stopped first, so that the filters below see a fixed set.
    for (const pair of ['BTCUSDT', 'ETHUSDT']) {
      const stop = await server.call('POST', `/api/dynamic-trading/${sessionId}/stop`, { pair });
      expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    }
    expect((await list(`?task_id=${smaTask}`)).count).toBe(0);
    expect((await list(`?task_id=${smaTask}&is_active=false`)).count).toBeGreaterThanOrEqual(5);
    expect((await list('')).count).toBe(0);
  });

  it('filters by symbol, signal_type/side, timeframe, status, is_active and date range, in pages', async () => {
    const all = await list('?is_active=all&page_size=100');
    expect(all.count).toBeGreaterThanOrEqual(6);
    const eth = await list('?is_active=all&symbol=ethusdt&page_size=100');
    expect(eth.results.every((s) => s.symbol === 'ETHUSDT')).toBe(true);
    const shorts = await list('?is_active=all&signal_type=SHORT&page_size=100');
    expect(shorts.results.every((s) => s.signal_type === 'SHORT')).toBe(true);
    const buys = await list('?is_active=all&side=BUY&page_size=100');
    expect(buys.results.every((s) => s.signal_type === 'LONG')).toBe(true);
    expect(shorts.count + buys.count).toBe(all.count);
    expect((await list('?is_active=all&timeframe=4h')).count).toBe(0);
    expect((await list('?is_active=all&timeframe=1h')).count).toBe(all.count);
    const filtered = await list('?is_active=all&status=FILTERED&page_size=100');
    expect(filtered.results.every((s) => s.status === 'FILTERED' && s.is_active === false && typeof s.status_reason === 'string')).toBe(true);
    const inactive = await list('?is_active=false&page_size=100');
    expect(inactive.count).toBe(all.count);

    // Date range on created_at, inclusive.
    const times = all.results.map((s) => Date.parse(s.created_at)).sort((a, b) => a - b);
    const from = new Date(times[1] as number).toISOString();
    const to = new Date(times[times.length - 2] as number).toISOString();
    const ranged = await list(`?is_active=all&start_date=${from}&end_date=${to}&page_size=100`);
    expect(ranged.count).toBeGreaterThan(0);
    expect(ranged.results.every((s) => s.created_at >= from && s.created_at <= to)).toBe(true);

    // Pages carry the filters along.
    const page1 = await list('?is_active=all&symbol=BTCUSDT&page_size=2');
    expect(page1.results).toHaveLength(2);
    expect(page1.previous).toBeNull();
    expect(page1.next).toBe('/api/signals/?symbol=BTCUSDT&is_active=all&page_size=2&page=2');
    const page2 = await server.call('GET', page1.next as string);
    expect(page2.status).toBe(200);
    expect(page2.body.results[0].id).toBeLessThan(page1.results[1].id);
    expect(page2.body.previous).toBe('/api/signals/?symbol=BTCUSDT&is_active=all&page_size=2&page=1');
  });

  it('creates a manual signal (the document’s example), flagged manual and active until a newer one', async () => {
    const body = {
      symbol: 'BTCUSDT', signal_type: 'LONG', entry_price: 62500.0, stop_loss: 61500.0, take_profit: 66125.0, timeframe: '4h',
      description: 'Manual entry based on technical analysis',
    };
    const res = await server.call('POST', '/api/signals/', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ ...body, confidence: 1.0, is_active: true, status: 'MANUAL', source: 'manual', conditions_met: {} });
    expect(Number.isInteger(res.body.id)).toBe(true);
    expect(Date.now() - Date.parse(res.body.created_at)).toBeLessThan(60_000);
    const detail = await server.call('GET', `/api/signals/${res.body.id}/`);
    expect(detail.body).toMatchObject({ id: res.body.id, indicator_values: {}, paper_trade: null, is_active: true });
    expect((await list('?timeframe=4h')).results.map((s) => s.id)).toEqual([res.body.id]);

    const newer = await server.call('POST', '/api/signals/', { symbol: 'BTCUSDT', signal_type: 'SHORT', entry_price: 63000, stop_loss: 64000, confidence: 0.6 });
    expect(newer.status).toBe(201);
    expect(newer.body).toMatchObject({ timeframe: '4h', take_profit: null, confidence: 0.6, description: 'Manual signal' });
    expect((await server.call('GET', `/api/signals/${res.body.id}/`)).body.is_active).toBe(false);
    expect((await list('?timeframe=4h&is_active=all&status=MANUAL')).count).toBe(2);
  });

  it('refuses bad input with 4xx in the document’s error shape', async () => {
    const cases: [string, string, unknown, number, string?][] = [
      ['POST', '/api/signals/', { symbol: 'BTCUSDT', signal_type: 'LONG', entry_price: 62500, stop_loss: 63000 }, 400, 'stop_loss'],
      ['POST', '/api/signals/', { symbol: 'BTCUSDT', signal_type: 'SHORT', entry_price: 62500, take_profit: 63000 }, 400, 'take_profit'],
      ['POST', '/api/signals/', { symbol: 'BTCUSDT', signal_type: 'LONG' }, 400, 'entry_price'],
      ['POST', '/api/signals/', { symbol: 'BTCUSDT', signal_type: 'UP', entry_price: 1 }, 400, 'signal_type'],
      ['POST', '/api/signals/', { symbol: 'BTCUSDT', signal_type: 'LONG', entry_price: 1, timeframe: '2h' }, 400, 'timeframe'],
      ['POST', '/api/signals/', { symbol: 'BTCUSDT', signal_type: 'LONG', entry_price: 1, confidence: 1.5 }, 400, 'confidence'],
      ['POST', '/api/signals/', { symbol: 'BTCUSDT', signal_type: 'LONG', entry_price: 1, leverage: 5 }, 400, ''],
      ['GET', '/api/signals/999999/', undefined, 404],
      ['GET', '/api/signals/abc/', undefined, 400, 'id'],
      ['GET', '/api/signals/?is_active=maybe', undefined, 400, 'is_active'],
      ['GET', '/api/signals/?signal_type=UP', undefined, 400, 'signal_type'],
      ['GET', '/api/signals/?start_date=yesterday', undefined, 400, 'start_date'],
      ['GET', '/api/signals/?start_date=2025-02-01&end_date=2025-01-01', undefined, 400, 'end_date'],
      ['GET', '/api/signals/?page=0', undefined, 400, 'page'],
      ['GET', '/api/signals/?timeframe=3h', undefined, 400, 'timeframe'],
    ];
    for (const [method, path, body, status, field] of cases) {
      const res = await server.call(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(res.body)}`).toBe(status);
      expectSpecError(res.body, field);
    }
    const broken = await server.call('POST', '/api/signals/', '{"symbol": "BTC');
    expect(broken.status).toBe(400);
    expectSpecError(broken.body);
    const anonymous = await fetch(`${server.url}/api/signals/`);
    expect(anonymous.status).toBe(401);
    expectSpecError(await anonymous.json());
  });

  it('runs the document’s cURL example for signals as written (port and token translated)', async () => {
    // As documented: the URL is not quoted, so the shell cuts it at "&" (curl asks for ?symbol=BTCUSDT and runs in the
    // background; is_active=true becomes a shell variable). Both readings answer the same: is_active defaults to true.
    const literal = `curl -s -H "Authorization: Bearer ${server.token}" http://localhost:${server.port}/api/signals/?symbol=BTCUSDT&is_active=true; wait`;
    const quoted = `curl -s -H "Authorization: Bearer ${server.token}" "http://localhost:${server.port}/api/signals/?symbol=BTCUSDT&is_active=true"`;
    for (const cmd of [literal, quoted]) {
      const { stdout } = await run('bash', ['-c', cmd]);
      const body = JSON.parse(stdout);
      expect(body).toHaveProperty('count');
      expect(Array.isArray(body.results)).toBe(true);
      expect(body.results.every((s: any) => s.symbol === 'BTCUSDT' && s.is_active === true)).toBe(true);
    }
  });

  it('records entries refused by paper trading’s max_open_positions as filtered, and links acted ones to their paper trade', async () => {
    const enabled = await server.call('POST', '/api/paper-trading/enable', {
      initial_capital: 10_000, position_size_percent: 10, max_open_positions: 1, auto_close_on_sl_tp: true,
      symbols: ['BTCUSDT', 'ETHUSDT'], timeframe: '15m', strategy: 'simple_ma', strategy_params: { fast_period: 2, slow_period: 4, take_profit_pips: 600, stop_loss_pips: 400 },
    });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    const refused = await waitFor(async () => {
      const l = await list('?is_active=all&status=FILTERED&timeframe=15m&page_size=100');
      return l.results.find((s) => String(s.status_reason).includes('MAX_OPEN_POSITIONS'));
    }, 'an entry refused by max_open_positions');
    expect(refused.is_active).toBe(false);
    const acted = (await list('?is_active=all&status=ACTED&timeframe=15m&page_size=100')).results[0];
    const detail = await server.call('GET', `/api/signals/${acted.id}/`);
    expect(detail.body.paper_trade).toMatchObject({ status: expect.stringMatching(/^(OPEN|CLOSED)$/), entry_price: expect.any(Number) });
    const disabled = await server.call('POST', '/api/paper-trading/disable');
    expect(disabled.status).toBe(200);
    // Everything closed: no signal of the run is active any more.
    const still = await list('?timeframe=15m&page_size=100');
    expect(still.count).toBe(0);
  });
});
