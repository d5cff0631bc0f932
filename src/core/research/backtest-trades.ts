import type { BacktestRepository } from '../ports/backtest-repository';
import type { BacktestResults } from '../backtest/run-backtest';
import type { BacktestTradesSource } from '../ports/research-repository';

/**
 * A stored backtest's closed trades for Monte Carlo: net P&L per trade (USD, as the results show it, to the cent) in
 * exit order (ties by trade id), and the initial capital the backtest started with.
 */
export function backtestTradesFrom(repo: BacktestRepository): BacktestTradesSource {
  return {
    trades(backtestId) {
      const row = repo.find(backtestId, true);
      if (!row) return undefined;
      const results = row.resultsJson ? (JSON.parse(row.resultsJson) as BacktestResults) : null;
      const trades = [...(results?.trades ?? [])].sort((a, b) => (a.exit_time < b.exit_time ? -1 : a.exit_time > b.exit_time ? 1 : a.trade_id - b.trade_id));
      return { status: row.status, initialCapital: row.settings.initialCapital, pnl: trades.map((t) => t.pnl) };
    },
  };
}
