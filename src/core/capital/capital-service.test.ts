import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteCapitalRepository } from '../../adapters/persistence/sqlite/capital-repository';
import { openDatabase, type SqliteDatabase } from '../../adapters/persistence/sqlite/database';
import { DomainError } from '../../shared/contract/errors';
import { createCapitalService, type CapitalService } from './capital-service';

/**
 * The capital use cases without a transport, over real SQLite: cents in, snapshots out. The contract-level behaviour
 * (views, envelopes) is in src/core/api/capital-handlers.test.ts.
 */

let dir: string;
let db: SqliteDatabase;
let capital: CapitalService;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'echo-capital-'));
  db = openDatabase(join(dir, 'echo.sqlite'));
  capital = createCapitalService(createSqliteCapitalRepository(db, { now: () => new Date('2025-01-06T08:00:00Z') }));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('capital service', () => {
  it('allocates in cents and answers with the snapshot read after the write', () => {
    capital.createPortfolio({ userId: 'u', totalCapital: 1_000, currency: 'USD' });
    const gold = capital.allocateStrategy({ userId: 'u', strategyName: '  Gold   Dips ', percentage: 33.3333 });
    expect(gold.strategy.strategy).toMatchObject({ strategyName: 'Gold Dips', allocatedCents: 33_333 });
    expect(gold.portfolio.strategies.map((s) => s.strategy.allocatedCents)).toEqual([33_333]);
    expect(gold.notes).toEqual(['33.3333% of $1,000.00 is 333.333000; allocated $333.33 (rounded to the cent)']);
  });

  it('splits the unallocated rest evenly between new pairs, leftover cents to the first, and says so', () => {
    capital.createPortfolio({ userId: 'u', totalCapital: 100, currency: 'USD' });
    capital.allocateStrategy({ userId: 'u', strategyName: 'S', amount: 100 });
    const added = capital.addPairs({ userId: 'u', strategyName: 's', pairs: ['EURUSD', 'GBPUSD', 'USDJPY'], floatingLossThresholdPct: 10 });
    expect(added.added.map((p) => p.allocatedCents)).toEqual([3_334, 3_333, 3_333]);
    expect(added.notes[0]).toMatch(/remaining 1 cent\(s\) went one each to EURUSD/);
    expect(() => capital.addPairs({ userId: 'u', strategyName: 'S', pairs: ['XAUUSD'], floatingLossThresholdPct: 10 })).toThrow(DomainError);
  });

  it('rates the portfolio from what its pairs may lose before their thresholds close them', () => {
    capital.createPortfolio({ userId: 'u', totalCapital: 10_000, currency: 'USD' });
    const s = capital.allocateStrategy({ userId: 'u', strategyName: 'S', amount: 10_000 });
    capital.allocatePairs(s.strategy.strategy.id, [{ pair: 'XAUUSD', percentage: 100, floatingLossThresholdPct: 15 }]);
    const status = capital.riskStatus('u');
    expect(status).toMatchObject({ overallRisk: 'MEDIUM', allocatedCents: 1_000_000, availableCents: 0, maxLossCents: 150_000, maxLossPct: 15 });
    expect(status.strategies[0]?.risk.risk).toBe('MEDIUM');
  });
});
