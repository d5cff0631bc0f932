import { DomainError } from '../../shared/contract/errors';
import type { Handlers } from '../../shared/contract/index';
import type { PaperClosedView, PaperPositionView } from '../../shared/contract/paper-trading';
import { builtinInstrument } from '../domain/instruments';
import type { ClosedTrade } from '../domain/trading';
import type { PaperRun, PaperTradingRepository, PaperTradingSettings } from '../ports/paper-trading-repository';
import type { SignalRepository } from '../ports/signal-repository';
import type { TaskRecord, TradingRepository } from '../ports/trading-repository';
import type { PaperAccount, ValuedPosition } from '../engine/paper-account';
import type { StrategyCatalog, TradingKernel } from '../engine/trading-kernel';
import { maxDrawdownPercent, sharpeOfRealizedEquity } from '../backtest/statistics';
import { px, round, specTimeframe } from './signal-handlers';

const nullableRound = (x: number | null) => (x === null ? null : round(x));

type PaperHandlers = Pick<
  Handlers,
  | 'paperTrading.enable' | 'paperTrading.disable' | 'paperTrading.performance' | 'paperTrading.positions' | 'paperTrading.history'
  | 'paperTrading.closePosition'
>;

export interface PaperTradingHandlerDeps {
  repo: TradingRepository;
  runs: PaperTradingRepository;
  signals: SignalRepository;
  paper: PaperAccount;
  kernel: TradingKernel;
  strategies: StrategyCatalog;
  /** Bars per second of the offline feed: a manual close waits a few bars for its fill. */
  feedSpeed: () => number;
}

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const direction = (side: 'BUY' | 'SELL') => (side === 'BUY' ? ('LONG' as const) : ('SHORT' as const));
/** The strategy the document's paper trading runs: its confluence strategy, where it is registered. */
export const defaultPaperStrategy = (strategies: StrategyCatalog): string => (strategies.find('confluence') ? 'confluence' : 'simple_ma');

type RunTrade = ClosedTrade & { task: TaskRecord };

export function createPaperTradingHandlers(deps: PaperTradingHandlerDeps): PaperHandlers {
  const { repo, runs, signals, paper, kernel, strategies } = deps;

  const units = (symbol: string, lots: number) => lots * (builtinInstrument(symbol)?.contractSize ?? 1);

  const positionView = (p: ValuedPosition, signalIds: Map<string, number>): PaperPositionView => {
    const size = units(p.position.symbol, p.position.lots);
    const value = size * p.position.entryPrice;
    return {
      id: runs.numberOf(p.position.id),
      signal_id: signalIds.get(p.position.id) ?? null,
      symbol: p.position.symbol,
      direction: direction(p.position.side),
      entry_price: px(p.position.symbol, p.position.entryPrice),
      current_price: px(p.position.symbol, p.price),
      position_size: round(size, 8),
      position_value: round(value),
      stop_loss: px(p.position.symbol, p.position.stopLoss),
      take_profit: px(p.position.symbol, p.position.takeProfit),
      unrealized_pnl: p.unrealizedPnl === null ? null : round(p.unrealizedPnl),
      unrealized_pnl_percent: p.unrealizedPnl === null || value === 0 ? null : round((p.unrealizedPnl / value) * 100),
      opened_at: iso(p.position.entryTime),
      duration_hours: p.now === null ? null : round(Math.max(0, p.now - p.position.entryTime) / HOUR),
      task_id: p.task.id,
    };
  };

  const closedView = (t: ClosedTrade, signalIds: Map<string, number>): PaperClosedView => {
    const size = units(t.symbol, t.lots);
    const value = size * t.entryPrice;
    return {
      id: runs.numberOf(t.positionId),
      signal_id: signalIds.get(t.positionId) ?? null,
      symbol: t.symbol,
      direction: direction(t.side),
      entry_price: px(t.symbol, t.entryPrice),
      exit_price: px(t.symbol, t.exitPrice),
      position_size: round(size, 8),
      realized_pnl: round(t.pnl),
      realized_pnl_percent: value === 0 ? 0 : round((t.pnl / value) * 100),
      exit_reason: t.exitReason.toUpperCase(),
      opened_at: iso(t.entryTime),
      closed_at: iso(t.exitTime),
      duration_hours: round((t.exitTime - t.entryTime) / HOUR),
      task_id: Number(t.taskId),
    };
  };

  const allTrades = (): RunTrade[] => runs.all().flatMap((run) => paper.trades(run));

  const performance = (run: PaperRun | undefined) => {
    if (!run) {
      return {
        enabled: false, initial_capital: 0, current_capital: 0, total_pnl: 0, roi: 0, total_trades: 0, winning_trades: 0, losing_trades: 0,
        win_rate: 0, profit_factor: null, avg_win: 0, avg_loss: 0, largest_win: 0, largest_loss: 0, active_positions: 0,
        available_capital: 0, equity: 0, unrealized_pnl: 0, max_drawdown: 0, sharpe_ratio: null, started_at: null, stopped_at: null,
      };
    }
    const initial = run.settings.initial_capital;
    const trades = paper.trades(run).sort((a, b) => a.exitTime - b.exitTime || a.positionId.localeCompare(b.positionId));
    const open = paper.positions(run);
    const wins = trades.filter((t) => t.pnl > 0);
    const losses = trades.filter((t) => t.pnl < 0);
    const sum = (list: readonly { pnl: number }[]) => list.reduce((s, t) => s + t.pnl, 0);
    const grossProfit = sum(wins);
    const grossLoss = sum(losses);
    const totalPnl = sum(trades);
    const unrealizedPnl = open.reduce((s, p) => s + (p.unrealizedPnl ?? 0), 0);
    const currentCapital = initial + totalPnl;
    const equity = currentCapital + unrealizedPnl;
    const committed = open.reduce((s, p) => s + units(p.position.symbol, p.position.lots) * p.position.entryPrice, 0);
    return {
      enabled: run.enabled,
      initial_capital: round(initial),
      current_capital: round(currentCapital),
      total_pnl: round(totalPnl),
      roi: round((totalPnl / initial) * 100),
      total_trades: trades.length,
      winning_trades: wins.length,
      losing_trades: losses.length,
      win_rate: trades.length ? round((wins.length / trades.length) * 100) : 0,
      profit_factor: grossLoss < 0 ? round(grossProfit / -grossLoss) : null,
      avg_win: wins.length ? round(grossProfit / wins.length) : 0,
      avg_loss: losses.length ? round(grossLoss / losses.length) : 0,
      largest_win: wins.length ? round(Math.max(...wins.map((t) => t.pnl))) : 0,
      largest_loss: losses.length ? round(Math.min(...losses.map((t) => t.pnl))) : 0,
      active_positions: open.length,
      available_capital: round(currentCapital - committed),
      equity: round(equity),
      unrealized_pnl: round(unrealizedPnl),
      max_drawdown: round(maxDrawdownPercent(initial, trades, equity)),
      sharpe_ratio: nullableRound(sharpeOfRealizedEquity(initial, trades, marketStart(run, trades))),
      started_at: run.startedAt,
      stopped_at: run.stoppedAt,
    };
  };

  /** The market-clock start of the run: the first bar its tasks traded on (else its first trade's entry). */
  const marketStart = (run: PaperRun, trades: readonly RunTrade[]): number | null => {
    const firsts = trades.map((t) => t.entryTime);
    for (const p of paper.positions(run)) firsts.push(p.position.entryTime);
    return firsts.length ? Math.min(...firsts) : null;
  };

  return {
    'paperTrading.enable': async (input) => {
      const settings: PaperTradingSettings = {
        initial_capital: input.initial_capital,
        position_size_percent: input.position_size_percent,
        max_open_positions: input.max_open_positions,
        auto_close_on_sl_tp: input.auto_close_on_sl_tp,
        symbols: input.symbols,
        timeframe: input.timeframe,
        strategy: input.strategy ?? defaultPaperStrategy(strategies),
        strategy_params: input.strategy_params,
      };
      const { run, tasks, warnings } = await paper.enable(settings);
      return {
        message: 'Paper trading enabled',
        settings: run.settings,
        started_at: run.startedAt,
        session_id: run.sessionId,
        tasks: tasks.map((t) => ({
          task_id: t.id,
          symbol: t.pair,
          timeframe: specTimeframe(t.timeframe),
          strategy: t.strategyName,
          status: repo.findTask(t.id)?.status ?? t.status,
          feed_source: kernel.actorOf(t.id)?.source ?? 'unknown',
        })),
        warnings,
      };
    },
    'paperTrading.disable': () => {
      const { run, closedPositions, finalCapital, totalPnl } = paper.disable();
      return {
        message: 'Paper trading disabled',
        closed_positions: closedPositions,
        final_capital: round(finalCapital),
        total_pnl: round(totalPnl),
        started_at: run.startedAt,
        stopped_at: run.stoppedAt ?? new Date().toISOString(),
      };
    },
    'paperTrading.performance': () => performance(runs.latest()),
    'paperTrading.positions': () => {
      const run = runs.latest();
      if (!run) return { count: 0, positions: [] };
      runs.numberAll();
      const open = paper.positions(run);
      const ids = signals.idsByOrder(open.map((p) => p.position.id));
      const positions = open.map((p) => positionView(p, ids));
      return { count: positions.length, positions };
    },
    'paperTrading.history': (input) => {
      runs.numberAll();
      const wanted = input.direction === undefined ? undefined : input.direction === 'LONG' ? 'BUY' : 'SELL';
      const rows = allTrades()
        .filter(
          (t) =>
            (input.symbol === undefined || t.symbol === input.symbol) &&
            (wanted === undefined || t.side === wanted) &&
            (input.exit_reason === undefined || t.exitReason.toUpperCase() === input.exit_reason),
        )
        .sort((a, b) => b.exitTime - a.exitTime || b.entryTime - a.entryTime || b.positionId.localeCompare(a.positionId));
      const offset = (input.page - 1) * input.page_size;
      const page = rows.slice(offset, offset + input.page_size);
      const ids = signals.idsByOrder(page.map((t) => t.positionId));
      const lastPage = Math.max(1, Math.ceil(rows.length / input.page_size));
      const link = (n: number) => {
        const params = new URLSearchParams({ page: String(n) });
        if (input.page_size !== 20) params.set('page_size', String(input.page_size));
        if (input.symbol !== undefined) params.set('symbol', input.symbol);
        if (input.direction !== undefined) params.set('direction', input.direction);
        if (input.exit_reason !== undefined) params.set('exit_reason', input.exit_reason);
        return `/api/paper-trading/history?${params.toString()}`;
      };
      return {
        count: rows.length,
        next: input.page < lastPage ? link(input.page + 1) : null,
        previous: input.page > 1 ? link(Math.min(input.page - 1, lastPage)) : null,
        results: page.map((t) => closedView(t, ids)),
      };
    },
    'paperTrading.closePosition': async (input) => {
      const positionId = runs.positionIdOf(input.id);
      const runTaskIds = new Set(runs.all().flatMap((run) => paper.tasksOf(run).map((t) => t.id)));
      const open = positionId === undefined ? undefined : repo.listPositions().find((p) => p.id === positionId && runTaskIds.has(Number(p.taskId)));
      if (!open) {
        const closed = positionId === undefined ? undefined : allTrades().find((t) => t.positionId === positionId);
        if (closed) {
          throw new DomainError(
            'VALIDATION_FAILED',
            `Position ${input.id} is already closed (${closed.exitReason.toUpperCase()} at ${closed.exitPrice} on ${iso(closed.exitTime)})`,
            [{ path: 'id', message: 'the position is already closed' }],
          );
        }
        throw new DomainError('NOT_FOUND', `Position ${input.id} does not exist; GET /api/paper-trading/positions lists the open ones`);
      }
      // The close fills at the next bar: wait for a few bars of the feed (at least 5 s).
      const timeoutMs = Math.max(5_000, Math.min(60_000, (3 * 1000) / Math.max(deps.feedSpeed(), 1e-3)));
      const trade = await kernel.closePosition(open.id, { note: 'closed by hand (POST /api/paper-trading/positions/{id}/close)', timeoutMs });
      const view = closedView(trade, signals.idsByOrder([trade.positionId]));
      return {
        message: 'Position closed',
        position: {
          id: view.id, signal_id: view.signal_id, symbol: view.symbol, direction: view.direction, entry_price: view.entry_price,
          exit_price: view.exit_price, position_size: view.position_size, realized_pnl: view.realized_pnl,
          realized_pnl_percent: view.realized_pnl_percent, exit_reason: view.exit_reason, opened_at: view.opened_at, closed_at: view.closed_at,
        },
      };
    },
  };
}
