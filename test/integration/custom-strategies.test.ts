import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectApi, type DirectApi } from '../kit/direct';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * Custom strategies (/api/strategies/...) end to end: through the app context (direct) and against a real server
 * with a real SQLite file, in the forex-echo envelope; the spec's two usage scenarios as written.
 */

const INDIA = {
  name: 'India Session Breakout',
  type: 'Breakout',
  timeframe: '15M',
  preferred_pairs: 'XAUUSD',
  entry_conditions: 'Price breaks above/below previous India session high/low after 8 AM GMT.',
  exit_conditions: 'Take profit at 2R or stop loss hit. Close positions before India close.',
  indicators_used: 'Session High/Low, ATR',
  risk_reward_ratio_target: 2.0,
  max_drawdown_tolerance: 5.0,
};

describe('custom strategies through the app context', () => {
  let direct: DirectApi;
  beforeAll(() => {
    direct = createDirectApi();
  });
  afterAll(() => direct?.close());

  it('are part of the contract the app serves', async () => {
    const created = await direct.call('customStrategies.create', INDIA);
    expect(created).toMatchObject({ ok: true, data: { strategy_id: 1, name: INDIA.name, pairs: ['XAUUSD'] } });
    expect(await direct.call('customStrategies.list', {})).toMatchObject({ ok: true, data: { count: 1 } });
    expect(await direct.call('customStrategies.get', { strategy_id: 1 })).toMatchObject({ ok: true, data: { type: 'Breakout' } });
    expect(await direct.call('customStrategies.update', { strategy_id: 1, max_drawdown_tolerance: 3 })).toMatchObject({
      ok: true,
      data: { max_drawdown_tolerance: 3 },
    });
    expect(await direct.call('customStrategies.use', { strategy_id: 1 })).toMatchObject({
      ok: true,
      data: { strategy_name: 'simple_ma', pair: 'XAUUSD', timeframe: '15M' },
    });
    expect(await direct.call('customStrategies.create', { name: 'india SESSION breakout' })).toMatchObject({
      ok: false,
      error: { code: 'DUPLICATE_STRATEGY' },
    });
    expect(await direct.call('customStrategies.delete', { strategy_id: 1 })).toMatchObject({ ok: true, data: { strategy_id: 1 } });
    expect(await direct.call('customStrategies.get', { strategy_id: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('custom strategies over HTTP', () => {
  let server: TestServer;
  let db: Database.Database;
  beforeAll(async () => {
    server = await startTestServer();
    db = new Database(join(server.dataDir, 'echo.sqlite'), { readonly: true });
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  const snapshot = () => JSON.stringify(db.prepare('SELECT * FROM custom_strategies ORDER BY id').all());

  async function ok(method: string, path: string, body?: unknown) {
    const res = await server.call(method, path, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(200);
    expect(res.body).toMatchObject({ success: true, message: expect.any(String) });
    return res.body.data;
  }

  async function refused(method: string, path: string, body: unknown, status: number, code: string) {
    const before = snapshot();
    const res = await server.call(method, path, body);
    expect(res.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).toBe(status);
    expect(res.body).toMatchObject({ success: false, error: expect.any(String), code });
    expect(snapshot(), `${method} ${path} was refused but the database changed`).toBe(before);
    return res.body as { error: string; details?: { path: string; message: string }[] };
  }

  it('documents every route in the OpenAPI document', async () => {
    const spec = (await server.call('GET', '/openapi.json')).body;
    expect(Object.keys(spec.paths['/api/strategies/create'])).toEqual(['post']);
    expect(Object.keys(spec.paths['/api/strategies/list'])).toEqual(['get']);
    expect(Object.keys(spec.paths['/api/strategies/{strategy_id}'])).toEqual(['get']);
    expect(Object.keys(spec.paths['/api/strategies/{strategy_id}/update'])).toEqual(['put']);
    expect(Object.keys(spec.paths['/api/strategies/{strategy_id}/delete'])).toEqual(['delete']);
    expect(Object.keys(spec.paths['/api/strategies/use/{strategy_id}'])).toEqual(['post']);
    expect(spec.paths['/api/strategies/{strategy_id}/update'].put.parameters[0]).toMatchObject({ name: 'strategy_id', in: 'path' });
  });

  it('creates, lists, gets, updates, uses and deletes, in the forex-echo envelope', async () => {
    const created = await ok('POST', '/api/strategies/create', INDIA);
    expect(created).toMatchObject({ ...INDIA, pairs: ['XAUUSD'], strategy_id: expect.any(Number) });
    const id = created.strategy_id as number;
    const second = await ok('POST', '/api/strategies/create', { name: 'Gold Grid', type: 'Grid', preferred_pairs: ['xauusd', 'XAGUSD'] });

    const list = await ok('GET', '/api/strategies/list');
    expect(list.count).toBe(list.strategies.length);
    expect(list.strategies.slice(0, 2).map((s: { strategy_id: number }) => s.strategy_id)).toEqual([second.strategy_id, id]);

    expect(await ok('GET', `/api/strategies/${id}`)).toEqual(created);

    // The spec's update example.
    const updated = await ok('PUT', `/api/strategies/${id}/update`, { risk_reward_ratio_target: 2.5, max_drawdown_tolerance: 3.0 });
    expect(updated).toEqual({ ...created, risk_reward_ratio_target: 2.5, max_drawdown_tolerance: 3, updated_at: updated.updated_at });

    // The spec's use example.
    const use = await ok('POST', `/api/strategies/use/${id}`, { session_id: 'session_123', pair: 'XAUUSD', timeframe: '15M' });
    expect(use).toMatchObject({ strategy_id: id, session_id: 'session_123', strategy_name: 'simple_ma', start_path: '/api/dynamic-trading/session_123/start' });
    expect(use.config).toMatchObject({ stop_loss_pips: 25, take_profit_pips: 62.5, risk_per_trade: 0.6 });
    expect(use.start_request).toEqual({ pair: 'XAUUSD', timeframe: '15M', strategy_name: 'simple_ma', config: use.config });

    const grid = await ok('POST', `/api/strategies/use/${second.strategy_id}`, { timeframe: 'H1' });
    expect(grid).toMatchObject({ strategy_name: 'gold_buy_dip', pair: 'XAUUSD', timeframe: '1H' });
    expect(grid.config).toMatchObject({ take_profit_percent: 1.25, max_drawdown_percent: 5, use_take_profit_percent: true });

    const deleted = await ok('DELETE', `/api/strategies/${second.strategy_id}/delete`);
    expect(deleted).toMatchObject({ strategy_id: second.strategy_id, name: 'Gold Grid' });
    await refused('GET', `/api/strategies/${second.strategy_id}`, undefined, 404, 'NOT_FOUND');
  });

  it('answers 404 for unknown strategies on every route', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/strategies/9999', undefined],
      ['PUT', '/api/strategies/9999/update', { name: 'x' }],
      ['DELETE', '/api/strategies/9999/delete', undefined],
      ['POST', '/api/strategies/use/9999', undefined],
      ['POST', '/api/strategies/use/9999', { session_id: 's1' }],
    ] as const) {
      const res = await refused(method, path, body, 404, 'NOT_FOUND');
      expect(res.error).toBe('Custom strategy 9999 does not exist; GET /api/strategies/list shows the strategies and their ids');
    }
  });

  it('answers 409 for a name already used, on create and on rename', async () => {
    const a = await ok('POST', '/api/strategies/create', { name: 'Tokyo Range' });
    const b = await ok('POST', '/api/strategies/create', { name: 'Sydney Drift' });
    const clash = await refused('POST', '/api/strategies/create', { name: '  tokyo   RANGE ' }, 409, 'DUPLICATE_STRATEGY');
    expect(clash.error).toContain(`A custom strategy named "Tokyo Range" already exists (id ${a.strategy_id})`);
    await refused('PUT', `/api/strategies/${b.strategy_id}/update`, { name: 'TOKYO RANGE' }, 409, 'DUPLICATE_STRATEGY');
    expect((await ok('PUT', `/api/strategies/${a.strategy_id}/update`, { name: 'TOKYO RANGE' })).name).toBe('TOKYO RANGE');
  });

  it('answers 400 with a message per field for bad input', async () => {
    const { strategy_id: id } = await ok('POST', '/api/strategies/create', { name: 'Valid One' });
    const missing = await refused('POST', '/api/strategies/create', { type: 'Breakout' }, 400, 'VALIDATION_FAILED');
    expect(missing.error).toContain('name is required');
    expect(missing.details?.[0]).toMatchObject({ path: 'name' });
    const many = await refused(
      'POST',
      '/api/strategies/create',
      { name: 'x', timeframe: 'weekly', risk_reward_ratio_target: 0, max_drawdown_tolerance: 200, preferred_pairs: 'XAU USD !!', tp: 1 },
      400,
      'VALIDATION_FAILED',
    );
    for (const fragment of ['timeframe "weekly" is not known', 'risk_reward_ratio_target must be at least 0.1', 'max_drawdown_tolerance cannot exceed 100 %', 'preferred_pairs contains "!!"', 'unknown field(s) "tp"']) {
      expect(many.error).toContain(fragment);
    }
    expect((await refused('PUT', `/api/strategies/${id}/update`, {}, 400, 'VALIDATION_FAILED')).error).toContain('Nothing to update');
    await refused('PUT', `/api/strategies/${id}/update`, { timeframe: '7M' }, 400, 'VALIDATION_FAILED');
    for (const bad of ['abc', '0', '-1', '1.5', '1e400']) {
      const res = await refused('GET', `/api/strategies/${bad}`, undefined, 400, 'VALIDATION_FAILED');
      expect(res.error).toContain('strategy_id');
    }
    await refused('POST', '/api/strategies/use/abc', undefined, 400, 'VALIDATION_FAILED');
    await refused('POST', `/api/strategies/use/${id}`, { session_id: 'has spaces' }, 400, 'VALIDATION_FAILED');
    await refused('POST', '/api/strategies/create', '{"name": ', 400, 'VALIDATION_FAILED');
    await refused('POST', '/api/strategies/create', '[1]', 400, 'VALIDATION_FAILED');
    await refused('GET', '/api/strategies/list?sort=name', undefined, 400, 'VALIDATION_FAILED');
    await refused('PATCH', `/api/strategies/${id}/update`, { name: 'y' }, 404, 'NOT_FOUND');
  });

  it('never answers a 5xx, and a refusal writes nothing, whatever the body (property)', async () => {
    const { strategy_id: id } = await ok('POST', '/api/strategies/create', { name: 'Fuzz Base', preferred_pairs: 'EURUSD' });
    const garbage = fc.oneof(
      fc.anything(),
      fc.string({ maxLength: 30 }),
      fc.double(),
      fc.constantFrom(null, true, -1, 0, 1e308, '', ' ', 'NaN', '__proto__', '💹', 'XAUUSD', '15M', 'M15', [], {}),
    );
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, garbage);
    const fields = {
      name: maybe(fc.oneof(fc.string({ maxLength: 120 }), fc.constantFrom('Fuzz Base', 'fuzz base', 'New'))),
      type: maybe(fc.constantFrom('Breakout', 'Mean Reversion', 'x'.repeat(60))),
      timeframe: maybe(fc.constantFrom('1M', 'H4', 'd1', '2H')),
      preferred_pairs: maybe(fc.oneof(fc.constantFrom('XAUUSD', 'eurusd, gbpusd', '!!'), fc.array(fc.constantFrom('XAUUSD', 'bad pair', 5)))),
      entry_conditions: maybe(fc.string({ maxLength: 50 })),
      risk_reward_ratio_target: maybe(fc.double({ min: -1, max: 25, noNaN: true })),
      max_drawdown_tolerance: maybe(fc.double({ min: -1, max: 120, noNaN: true })),
    };
    const routes: [string, string, fc.Arbitrary<unknown>][] = [
      ['POST', '/api/strategies/create', fc.record(fields, { requiredKeys: [] })],
      ['PUT', `/api/strategies/${id}/update`, fc.record(fields, { requiredKeys: [] })],
      [
        'POST',
        `/api/strategies/use/${id}`,
        fc.record(
          { session_id: maybe(fc.constantFrom('s1', 'a b', 7)), pair: maybe(fc.constantFrom('XAUUSD', '??')), timeframe: fields.timeframe },
          { requiredKeys: [] },
        ),
      ],
    ];
    const requests = fc.oneof(
      ...routes.map(([method, path, body]) =>
        fc.tuple(fc.constant(method), fc.constant(path), fc.oneof(body, garbage, fc.constant(undefined))),
      ),
    );
    await fc.assert(
      fc.asyncProperty(requests, async ([method, path, input]) => {
        const text = input === undefined ? undefined : JSON.stringify(input);
        const before = snapshot();
        const res = await server.call(method, path, text);
        expect(res.status, `${method} ${path} ${text}`).toBeLessThan(500);
        expect(res.body, text).toHaveProperty('success');
        if (res.status >= 400) {
          expect(res.body).toMatchObject({ success: false, error: expect.any(String) });
          expect(snapshot(), `refused ${text} but the database changed`).toBe(before);
        } else {
          expect(res.body.success).toBe(true);
          if (path.includes('/use/')) expect(snapshot(), 'use must not write').toBe(before);
        }
      }),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.constantFrom('', '/update', '/delete', 'use'), async (segment, suffix) => {
        const encoded = encodeURIComponent(segment);
        const [method, path] =
          suffix === 'use' ? ['POST', `/api/strategies/use/${encoded}`]
          : suffix === '/update' ? ['PUT', `/api/strategies/${encoded}/update`]
          : suffix === '/delete' ? ['DELETE', `/api/strategies/${encoded}/delete`]
          : ['GET', `/api/strategies/${encoded}`];
        const res = await server.call(method, path, suffix === '/update' ? { type: 'Trend' } : undefined);
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        expect(res.body).toHaveProperty('success');
      }),
      { numRuns: 150 },
    );
  });

  describe('the spec’s two usage scenarios, as written', () => {
    /**
     * Step 3, "Start trading": the answer of `use` is POSTed as is, and the engine takes every derived parameter
     * (its only warnings may be about capital: these sessions' users have no pair allocation).
     */
    async function startTrading(use: { start_path: string; start_request: { config: Record<string, unknown> } & Record<string, unknown> }, body: unknown) {
      const started = await ok('POST', use.start_path, body);
      const aboutConfig = (started.warnings as string[]).filter(
        (w) => /not a parameter|ignored/.test(w) || Object.keys(use.start_request.config).some((key) => w.includes(key)),
      );
      expect(aboutConfig).toEqual([]);
      expect(started.task).toMatchObject({ pair: use.start_request.pair, timeframe: use.start_request.timeframe, strategy_name: use.start_request.strategy_name });
      const sessionId = use.start_path.split('/')[3] as string;
      await ok('POST', `/api/dynamic-trading/${sessionId}/stop`, { pair: use.start_request.pair });
    }

    it('Scenario 1: use an existing custom strategy', async () => {
      await ok('POST', '/api/strategies/create', { ...INDIA, name: 'Scenario One Breakout' });
      const session = await ok('POST', '/api/session/create', { user_id: 'scenario_one' });
      // 1. List available strategies
      const list = await ok('GET', '/api/strategies/list');
      const existing = list.strategies.find((s: { name: string }) => s.name === 'Scenario One Breakout');
      expect(existing).toBeDefined();
      // 2. Use existing strategy
      const use = await ok('POST', `/api/strategies/use/${existing.strategy_id}`, {
        session_id: session.session_id,
        pair: 'XAUUSD',
        timeframe: '15M',
      });
      expect(use).toMatchObject({ session_id: session.session_id, pair: 'XAUUSD', timeframe: '15M', strategy_name: 'simple_ma' });
      expect(use.start_path).toBe(`/api/dynamic-trading/${session.session_id}/start`);
      // 3. Start trading with generated config: "Use the trading_config from step 2"
      expect(use.trading_config).toEqual(use.start_request);
      await startTrading(use, use.trading_config);
    });

    it('Scenario 2: create a new strategy and use it', async () => {
      // 1. Create new custom strategy
      const created = await ok('POST', '/api/strategies/create', {
        name: 'London Open Scalp',
        entry_conditions: 'Price momentum at London open',
        exit_conditions: 'Quick 10-15 pip targets',
        risk_reward_ratio_target: 2.0,
      });
      expect(created).toMatchObject({ timeframe: '15M', max_drawdown_tolerance: 5, pairs: [] });
      // 2. Use the new strategy (get strategy_id from step 1), with no body at all
      const use = await ok('POST', `/api/strategies/use/${created.strategy_id}`);
      expect(use).toMatchObject({ strategy_id: created.strategy_id, session_id: null, pair: 'XAUUSD', timeframe: '15M', strategy_name: 'simple_ma' });
      expect(use.config).toMatchObject({ stop_loss_pips: 25, take_profit_pips: 50 });
      expect(use.derivation.length).toBeGreaterThanOrEqual(Object.keys(use.config).length);
      expect(use.start_path).toBe('/api/dynamic-trading/{session_id}/start');
      // 3. Start trading, in the session the trader has
      const session = await ok('POST', '/api/session/create', { user_id: 'scenario_two' });
      await startTrading({ ...use, start_path: use.start_path.replace('{session_id}', session.session_id) }, use.start_request);
    });

    it('a gold_buy_dip strategy starts as derived too', async () => {
      const created = await ok('POST', '/api/strategies/create', { name: 'Gold Fade', type: 'Mean Reversion', timeframe: '1H', preferred_pairs: 'XAUUSD', max_drawdown_tolerance: 25 });
      const session = await ok('POST', '/api/session/create', { user_id: 'gold_fader' });
      const use = await ok('POST', `/api/strategies/use/${created.strategy_id}`, { session_id: session.session_id });
      expect(use.strategy_name).toBe('gold_buy_dip');
      await startTrading(use, use.start_request);
    });
  });
});
