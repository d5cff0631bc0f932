import type {
  CapitalRepository,
  PairAllocationRecord,
  PortfolioRecord,
  StrategyAllocationRecord,
} from '../../../core/ports/capital-repository';
import type { Clock } from '../../../core/ports/clock';
import { strategyNameKey } from '../../../core/domain/capital/allocation-rules';
import type { SqliteDatabase } from './database';

interface PortfolioRow { id: number; user_id: string; total_cents: number; currency: string; created_at: string }
interface StrategyRow {
  id: number; portfolio_id: number; strategy_name: string; allocated_cents: number;
  requested_percentage: number | null; created_at: string;
}
interface PairRow {
  id: number; strategy_allocation_id: number; pair: string; allocated_cents: number; requested_percentage: number | null;
  floating_loss_threshold_pct: number; floating_pnl_cents: number; status: PairAllocationRecord['status']; created_at: string;
}

const portfolioOf = (r: PortfolioRow): PortfolioRecord => ({
  id: r.id, userId: r.user_id, totalCents: r.total_cents, currency: r.currency, createdAt: r.created_at,
});
const strategyOf = (r: StrategyRow): StrategyAllocationRecord => ({
  id: r.id, portfolioId: r.portfolio_id, strategyName: r.strategy_name, allocatedCents: r.allocated_cents,
  requestedPercentage: r.requested_percentage, createdAt: r.created_at,
});
const pairOf = (r: PairRow): PairAllocationRecord => ({
  id: r.id, strategyAllocationId: r.strategy_allocation_id, pair: r.pair, allocatedCents: r.allocated_cents,
  requestedPercentage: r.requested_percentage, floatingLossThresholdPct: r.floating_loss_threshold_pct,
  floatingPnlCents: r.floating_pnl_cents, status: r.status, createdAt: r.created_at,
});

export function createSqliteCapitalRepository(db: SqliteDatabase, clock: Clock): CapitalRepository {
  const q = {
    listPortfolios: db.prepare<[], PortfolioRow>('SELECT * FROM portfolios ORDER BY id'),
    portfolioById: db.prepare<[number], PortfolioRow>('SELECT * FROM portfolios WHERE id = ?'),
    portfolioByUser: db.prepare<[string], PortfolioRow>('SELECT * FROM portfolios WHERE user_id = ?'),
    insertPortfolio: db.prepare<[string, number, string, string], PortfolioRow>(
      'INSERT INTO portfolios (user_id, total_cents, currency, created_at) VALUES (?, ?, ?, ?) RETURNING *',
    ),
    countChildren: db.prepare<[{ id: number }], { strategies: number; pairs: number }>(`
      SELECT (SELECT count(*) FROM strategy_allocations WHERE portfolio_id = @id) AS strategies,
             (SELECT count(*) FROM pair_allocations pa JOIN strategy_allocations sa ON sa.id = pa.strategy_allocation_id
               WHERE sa.portfolio_id = @id) AS pairs`),
    deletePortfolio: db.prepare<[number]>('DELETE FROM portfolios WHERE id = ?'),
    strategiesOf: db.prepare<[number], StrategyRow>('SELECT * FROM strategy_allocations WHERE portfolio_id = ? ORDER BY id'),
    strategyById: db.prepare<[number], StrategyRow>('SELECT * FROM strategy_allocations WHERE id = ?'),
    insertStrategy: db.prepare<[number, string, string, number, number | null, string], StrategyRow>(
      `INSERT INTO strategy_allocations (portfolio_id, strategy_name, name_key, allocated_cents, requested_percentage, created_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
    ),
    pairsOf: db.prepare<[number], PairRow>('SELECT * FROM pair_allocations WHERE strategy_allocation_id = ? ORDER BY id'),
    insertPair: db.prepare<[number, string, number, number | null, number, string], PairRow>(
      `INSERT INTO pair_allocations (strategy_allocation_id, pair, allocated_cents, requested_percentage, floating_loss_threshold_pct, created_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
    ),
  };
  const now = () => clock.now().toISOString();

  return {
    transaction: (work) => db.transaction(work)(),
    listPortfolios: () => q.listPortfolios.all().map(portfolioOf),
    findPortfolioById: (id) => {
      const row = q.portfolioById.get(id);
      return row && portfolioOf(row);
    },
    findPortfolioByUser: (userId) => {
      const row = q.portfolioByUser.get(userId);
      return row && portfolioOf(row);
    },
    insertPortfolio: (p) => portfolioOf(q.insertPortfolio.get(p.userId, p.totalCents, p.currency, now()) as PortfolioRow),
    deletePortfolio: (id) => {
      const counts = q.countChildren.get({ id }) as { strategies: number; pairs: number };
      q.deletePortfolio.run(id);
      return counts;
    },
    listStrategies: (portfolioId) => q.strategiesOf.all(portfolioId).map(strategyOf),
    findStrategyById: (id) => {
      const row = q.strategyById.get(id);
      return row && strategyOf(row);
    },
    insertStrategy: (s) =>
      strategyOf(
        q.insertStrategy.get(
          s.portfolioId, s.strategyName, strategyNameKey(s.strategyName), s.allocatedCents, s.requestedPercentage, now(),
        ) as StrategyRow,
      ),
    listPairs: (strategyId) => q.pairsOf.all(strategyId).map(pairOf),
    insertPair: (p) =>
      pairOf(
        q.insertPair.get(
          p.strategyAllocationId, p.pair, p.allocatedCents, p.requestedPercentage, p.floatingLossThresholdPct, now(),
        ) as PairRow,
      ),
  };
}
