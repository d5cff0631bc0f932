import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * Property: whatever body hits a capital route, the answer is a 2xx or a 4xx in the documented envelope
 * (never a 5xx), a refusal leaves the database exactly as it was, and what is stored never breaks the 100 % rule.
 */
let server: TestServer;
let db: Database.Database;
beforeAll(async () => {
  server = await startTestServer();
  db = new Database(join(server.dataDir, 'echo.sqlite'), { readonly: true });
  // Something to allocate into, so valid-looking requests can succeed too.
  await server.call('POST', '/api/capital/portfolio', { user_id: 'fuzz', total_capital: 100_000 });
  await server.call('POST', '/api/capital/strategy/allocate', { portfolio_id: 1, strategy_name: 'Base', allocation_amount: 10_000 });
});
afterAll(async () => {
  db?.close();
  await server?.stop();
});

function snapshot(): string {
  return JSON.stringify([
    db.prepare('SELECT * FROM portfolios ORDER BY id').all(),
    db.prepare('SELECT * FROM strategy_allocations ORDER BY id').all(),
    db.prepare('SELECT * FROM pair_allocations ORDER BY id').all(),
  ]);
}

function assertInvariants(): void {
  const overPortfolio = db
    .prepare(`SELECT p.id FROM portfolios p JOIN strategy_allocations s ON s.portfolio_id = p.id
              GROUP BY p.id HAVING sum(s.allocated_cents) > p.total_cents`)
    .all();
  const overStrategy = db
    .prepare(`SELECT s.id FROM strategy_allocations s JOIN pair_allocations a ON a.strategy_allocation_id = s.id
              GROUP BY s.id HAVING sum(a.allocated_cents) > s.allocated_cents`)
    .all();
  expect(overPortfolio).toEqual([]);
  expect(overStrategy).toEqual([]);
  expect(db.pragma('foreign_key_check')).toEqual([]);
}

const garbage = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.constantFrom(null, true, -1, 0, 1e308, Number.MAX_SAFE_INTEGER + 2, '', ' ', '100', 'NaN', '__proto__', '💰', 'XAUUSD', 12.345),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, garbage);
const money = fc.oneof(fc.integer({ min: 1, max: 200_000 }), fc.double({ min: 0.01, max: 200_000, noNaN: true }));
const pct = fc.double({ min: -10, max: 120, noNaN: true });
const userId = fc.constantFrom('fuzz', 'default', 'nobody', 'a b', '', 'x'.repeat(80));
const pair = fc.constantFrom('EURUSD', 'XAUUSD', 'btc/usdt', '!!', '', 'GBPUSD');

const bodies: Record<string, fc.Arbitrary<unknown>> = {
  '/api/capital/portfolio': fc.record(
    { user_id: maybe(userId), total_capital: maybe(money), currency: maybe(fc.constantFrom('USD', 'eur', 'US', 'DOLLARS')) },
    { requiredKeys: [] },
  ),
  '/api/capital/strategy/allocate': fc.record(
    {
      portfolio_id: maybe(fc.integer({ min: -1, max: 3 })),
      strategy_name: maybe(fc.string({ maxLength: 70 })),
      allocation_amount: maybe(money),
      allocation_percentage: maybe(pct),
    },
    { requiredKeys: [] },
  ),
  '/api/capital/strategy': fc.record(
    { user_id: maybe(userId), strategy_name: maybe(fc.string({ maxLength: 70 })), allocation_percentage: maybe(pct) },
    { requiredKeys: [] },
  ),
  '/api/capital/pairs/allocate': fc.record(
    {
      strategy_allocation_id: maybe(fc.integer({ min: -1, max: 4 })),
      pair_allocations: maybe(
        fc.array(
          fc.record(
            { pair: maybe(pair), amount: maybe(money), percentage: maybe(pct), floating_loss_threshold_pct: maybe(pct) },
            { requiredKeys: [] },
          ),
          { maxLength: 5 },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
  '/api/capital/pair': fc.record(
    {
      user_id: maybe(userId),
      strategy_name: maybe(fc.constantFrom('Base', 'base', 'Nope')),
      pairs: maybe(fc.array(maybe(pair), { maxLength: 5 })),
      floating_loss_threshold_pct: maybe(pct),
    },
    { requiredKeys: [] },
  ),
};

describe('capital routes under malformed input', () => {
  for (const [path, body] of Object.entries(bodies)) {
    it(`POST ${path}: never a 5xx, refusals write nothing, the 100 % rule holds`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(body, garbage), async (input) => {
          const before = snapshot();
          const text = input === undefined ? '' : JSON.stringify(input);
          const res = await server.call('POST', path, text ?? '');
          expect(res.status, `${path} ${text}`).toBeLessThan(500);
          expect(res.body, text).toHaveProperty('success');
          if (res.status >= 400) {
            expect(res.body.success).toBe(false);
            expect(typeof res.body.error).toBe('string');
            expect(snapshot(), `refused ${text} but the database changed`).toBe(before);
          } else {
            expect(res.body.success).toBe(true);
          }
          assertInvariants();
        }),
        { numRuns: 250 },
      );
    });
  }

  it('GET/DELETE routes with odd user ids: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), fc.constantFrom('dashboard', 'risk-status', 'reset'), async (user, route) => {
        const method = route === 'reset' ? 'DELETE' : 'GET';
        const res = await server.call(method, `/api/capital/${route}/${encodeURIComponent(user)}`);
        expect(res.status, `${method} ${route} ${user}`).toBeLessThan(500);
        expect(res.body).toHaveProperty('success');
        assertInvariants();
      }),
      { numRuns: 200 },
    );
  });
});
