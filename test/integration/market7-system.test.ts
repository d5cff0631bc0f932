import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * market7-api.md, System and Metrics over a real server: /api/health as documented, /api/status and refusals in
 * market7's envelope, and the Prometheus expositions counting real requests and a real paper fill, checked by promtool.
 */
let server: TestServer;
beforeAll(async () => {
  process.env.ECHO_FEED_SPEED = '400';
  server = await startTestServer();
});
afterAll(async () => {
  delete process.env.ECHO_FEED_SPEED;
  await server?.stop();
});

async function scrape(path: string): Promise<{ status: number; contentType: string; text: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.token}` } });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The value of one sample (`name{labels} value`), or undefined when the exposition has no such line. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `promtool check metrics` on an exposition (stdin): fails the test when promtool is missing or finds a problem. */
function promtoolCheck(text: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  if (run.error) {
    throw new Error(`promtool could not run (${run.error.message}): install the Debian package "prometheus" (scripts/ensure-system-deps.sh does)`);
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('market7 System and Metrics', () => {
  it('/api/health answers its documented body without a token; /api/status needs one and answers in the envelope', async () => {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'healthy', services: { backend: 'healthy', database: 'healthy' } });
    expect(Object.keys(body).sort()).toEqual(['services', 'status', 'timestamp', 'version']);
    expect(Number.isNaN(Date.parse(body.timestamp as string))).toBe(false);

    const anonymous = await fetch(`${server.url}/api/status`);
    expect(anonymous.status).toBe(401);
    const refused = (await anonymous.json()) as Record<string, any>;
    expect(refused).toMatchObject({ status: 'error', error: { code: 'AUTHENTICATION_ERROR', detail_code: 'UNAUTHORIZED', details: {} } });
    expect(refused.error.message).toContain('API token');
    expect(typeof refused.timestamp).toBe('string');

    const status = await server.call('GET', '/api/status');
    expect(status.status).toBe(200);
    expect(Object.keys(status.body).sort()).toEqual(['data', 'status', 'timestamp']);
    expect(status.body.status).toBe('success');
    expect(status.body.data).toMatchObject({
      uptime: expect.stringMatching(/^(\d+d )?(\d+h )?\d+m$/),
      environment: 'headless',
      trading_enabled: true,
      services: { database: { status: 'healthy' }, trading: { status: 'idle', active_trades: 0, active_tasks: 0 } },
    });
    const paper = status.body.data.brokers.find((b: { kind: string }) => b.kind === 'paper');
    expect(paper).toMatchObject({ id: 'paper', link: 'up' });
    expect(status.body.data.brokers.map((b: { kind: string }) => b.kind)).toContain('mt5');
  });

  it('refuses in market7 envelope under its prefixes: an unknown metrics path is NOT_FOUND, bad input VALIDATION_ERROR', async () => {
    const nope = await server.call('GET', '/api/metrics/nope');
    expect(nope.status).toBe(404);
    expect(nope.body).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND', detail_code: 'NOT_FOUND' } });
    expect(nope.body.error.message).toContain('/api/metrics/nope');
    const body = await server.call('POST', '/api/status', '{not json');
    expect(body.status).toBe(400);
    expect(body.body).toMatchObject({ status: 'error', error: { code: 'VALIDATION_ERROR', detail_code: 'VALIDATION_FAILED' } });
    expect(body.body.error.message).toContain('not valid JSON');
  });

  it('counts requests by route pattern and status, in the text exposition (JSON to a client that asks for it)', async () => {
    await server.call('GET', '/api/status');
    await server.call('GET', '/api/v1/accounts/acc-does-not-exist');
    const all = await scrape('/api/metrics');
    expect(all.status).toBe(200);
    expect(all.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sample(all.text, 'http_requests_total{method="GET",endpoint="/api/status",status="200"}')).toBeGreaterThanOrEqual(2);
    expect(sample(all.text, 'http_requests_total{method="GET",endpoint="/api/status",status="401"}')).toBe(1);
    // The pattern, not the raw URL: cardinality stays bounded whatever ids are asked for.
    expect(sample(all.text, 'http_requests_total{method="GET",endpoint="/api/v1/accounts/:account_id",status="404"}')).toBe(1);
    expect(all.text).not.toContain('acc-does-not-exist');
    expect(sample(all.text, 'http_requests_total{method="GET",endpoint="unmatched",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(all.text).toContain('http_request_duration_seconds_bucket{le="0.005",method="GET",endpoint="/api/status",status="200"}');
    for (const group of ['trading_errors_total', 'ml_model_accuracy', 'process_resident_memory_bytes', 'memory_usage_bytes', 'cpu_usage_percent', 'disk_usage_bytes']) {
      expect(all.text).toContain(`# TYPE ${group} `);
    }

    const json = await server.call('GET', '/api/metrics/ml', undefined, { accept: 'application/json' });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ status: 'success', data: { content_type: 'text/plain; version=0.0.4; charset=utf-8' } });
    expect(json.body.data.text).toContain('no ML model exists yet');
    // No model: the names are declared, no value is made up.
    expect(json.body.data.text.split('\n').filter((l: string) => l && !l.startsWith('#'))).toEqual([]);

    const system = await scrape('/api/metrics/system');
    expect(sample(system.text, 'memory_usage_bytes')).toBeGreaterThan(10_000_000);
    expect(sample(system.text, 'disk_usage_bytes')).toBeGreaterThan(0);
    expect(system.text).not.toContain('http_requests_total');
  });

  it('counts a real paper fill and the running task by broker kind from the event stream', async () => {
    const session = await server.call('POST', '/api/session/create', { user_id: 'metrics_001' });
    const id = session.body.data.session_id as string;
    const started = await server.call('POST', `/api/dynamic-trading/${id}/start`, {
      pair: 'XAUUSD', timeframe: '1M', strategy_name: 'gold_buy_dip',
      config: { lot_size: 0.01, percentage_threshold: 0.1, zscore_threshold_buy: -1.0, zscore_threshold_sell: 1.0, lookback_candles: 20, zscore_period: 10 },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const filled = await waitFor(async () => {
      const res = await server.call('GET', '/api/trading/orders?limit=50');
      const orders = res.body.data.orders as { status: string; kind: string }[];
      return orders.some((o) => o.status === 'filled' && o.kind === 'open') ? orders : undefined;
    }, 30_000);
    expect(filled.length).toBeGreaterThan(0);
    const running = await scrape('/api/metrics/trading');
    expect(running.status).toBe(200);
    expect(sample(running.text, 'orders_submitted_total{broker="paper"}')).toBeGreaterThanOrEqual(1);
    expect(sample(running.text, 'orders_filled_total{broker="paper"}')).toBeGreaterThanOrEqual(1);
    expect(sample(running.text, 'active_tasks{broker="paper"}')).toBe(1);
    const status = await server.call('GET', '/api/status');
    expect(status.body.data.services.trading).toMatchObject({ status: 'active', active_tasks: 1 });

    await server.call('POST', `/api/dynamic-trading/${id}/stop`, { pair: 'XAUUSD', timeframe: '1M', strategy_name: 'gold_buy_dip' });
    const stopped = await waitFor(async () => {
      const s = await scrape('/api/metrics/trading');
      return sample(s.text, 'active_tasks{broker="paper"}') === 0 && sample(s.text, 'active_trades{broker="paper"}') === 0 ? s : undefined;
    });
    // Every order the journal holds was counted once as submitted (opening and closing ones).
    const journal = (await server.call('GET', '/api/trading/orders?limit=500')).body.data.orders as { status: string; kind: string }[];
    expect(sample(stopped.text, 'orders_submitted_total{broker="paper"}')).toBe(journal.length);
    expect(sample(stopped.text, 'orders_filled_total{broker="paper"}')).toBe(journal.filter((o) => o.kind === 'open' && o.status === 'filled').length);
  }, 45_000);

  it('every exposition passes promtool check metrics', async () => {
    for (const path of ['/api/metrics', '/api/metrics/trading', '/api/metrics/ml', '/api/metrics/system']) {
      const { text } = await scrape(path);
      const check = promtoolCheck(text);
      expect(check, `${path}: ${check.output}`).toEqual({ status: 0, output: '' });
    }
    // The check can fail: a counter without the _total suffix is a problem promtool reports.
    expect(promtoolCheck('# HELP bad_counter x\n# TYPE bad_counter counter\nbad_counter 1\n').status).not.toBe(0);
  });
});
