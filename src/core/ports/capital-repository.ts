/** Persistence port for capital allocation. Amounts are integer cents. Implementations must be transactional. */

export interface PortfolioRecord {
  id: number;
  userId: string;
  totalCents: number;
  currency: string;
  createdAt: string;
}

export interface StrategyAllocationRecord {
  id: number;
  portfolioId: number;
  strategyName: string;
  allocatedCents: number;
  /** The percentage the caller asked for, when it allocated by percentage. */
  requestedPercentage: number | null;
  createdAt: string;
}

export type PairStatus = 'active' | 'paused' | 'breached';

export interface PairAllocationRecord {
  id: number;
  strategyAllocationId: number;
  pair: string;
  allocatedCents: number;
  requestedPercentage: number | null;
  floatingLossThresholdPct: number;
  /** Current floating P&L of the pair's open positions, kept up to date by the engine. */
  floatingPnlCents: number;
  status: PairStatus;
  createdAt: string;
}

export interface CapitalRepository {
  /** Runs `work` atomically: everything it wrote is kept, or nothing is. */
  transaction<T>(work: () => T): T;

  listPortfolios(): PortfolioRecord[];
  findPortfolioById(id: number): PortfolioRecord | undefined;
  findPortfolioByUser(userId: string): PortfolioRecord | undefined;
  insertPortfolio(portfolio: Omit<PortfolioRecord, 'id' | 'createdAt'>): PortfolioRecord;
  /** Deletes the portfolio with its strategies and pairs; returns how many of each went. */
  deletePortfolio(id: number): { strategies: number; pairs: number };

  listStrategies(portfolioId: number): StrategyAllocationRecord[];
  findStrategyById(id: number): StrategyAllocationRecord | undefined;
  insertStrategy(strategy: Omit<StrategyAllocationRecord, 'id' | 'createdAt'>): StrategyAllocationRecord;

  listPairs(strategyAllocationId: number): PairAllocationRecord[];
  insertPair(
    pair: Omit<PairAllocationRecord, 'id' | 'createdAt' | 'floatingPnlCents' | 'status'>,
  ): PairAllocationRecord;
}
