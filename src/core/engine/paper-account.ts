import { randomUUID } from 'node:crypto';
import { DomainError } from '../../shared/contract/errors';
import { TIMEFRAME_MS, type Timeframe } from '../domain/candles';
import { ACCOUNT_CURRENCY, accountRate } from '../domain/account-currency';
import { builtinInstrument, type Instrument } from '../domain/instruments';
import { positionPnl } from '../domain/position-pnl';
import type { ClosedTrade, Position, RiskDenial } from '../domain/trading';
import type { Clock } from '../ports/clock';
import type { MarketFeed } from '../ports/market-feed';
import type { PaperRun, PaperTradingRepository, PaperTradingSettings } from '../ports/paper-trading-repository';
import type { TaskRecord, TradingRepository } from '../ports/trading-repository';
import { resolveConfig } from '../strategies/params';
import type { AccountRules } from './strategy-runner';
import type { StrategyCatalog, TradingKernel } from './trading-kernel';

/** The user the paper-trading sessions belong to (visible in the session APIs like any other). */
export const PAPER_TRADING_USER = 'paper-trading';

/** "4h" (the document's spelling) → "4H" (the engine's). */
export const engineTimeframe = (timeframe: string): Timeframe => timeframe.toUpperCase() as Timeframe;

export interface PaperAccountDeps {
  repo: TradingRepository;
  runs: PaperTradingRepository;
  strategies: StrategyCatalog;
  feed: MarketFeed;
  clock: Clock;
}

/** A position of the run valued at the last price its task saw. */
export interface ValuedPosition {
  position: Position;
  task: TaskRecord;
  instrument: Instrument | undefined;
  price: number | null;
  /** Market time now for this task: the close of its last bar (epoch ms). */
  now: number | null;
  unrealizedPnl: number | null;
}

/**
 * Paper trading as the binance-trading-bot document describes it, on the live engine: a run is a trading session
 * of its own (user "paper-trading") with one task per symbol on the paper broker, all sharing one account:
 *
 * - equity = initial_capital + realized P&L of the run's closed trades + floating P&L of its open positions;
 * - each opening order is sized at position_size_percent % of that equity, at the decision bar's close
 *   (quantity = equity × % / (price × quote→USD rate × contract size), then the instrument's lot step);
 * - no order opens once max_open_positions positions are open or opening across the run's symbols (MAX_OPEN_POSITIONS);
 * - auto_close_on_sl_tp false: no take-profit or stop-loss is placed; positions close by the strategy's own orders,
 *   by hand (POST /positions/{id}/close) or when paper trading is disabled.
 * The rules are looked up from SQLite whenever a task (re)starts, so they hold after a restart too.
 */
export class PaperAccount {
  private kernel: TradingKernel | undefined;

  constructor(private readonly deps: PaperAccountDeps) {}

  /** The kernel is built with this account's rules; it is handed back here once it exists. */
  attach(kernel: TradingKernel): void {
    this.kernel = kernel;
  }

  private get engine(): TradingKernel {
    if (!this.kernel) throw new Error('PaperAccount used before attach(kernel)');
    return this.kernel;
  }

  rulesFor(task: TaskRecord): AccountRules | undefined {
    const run = this.deps.runs.bySession(task.sessionId);
    if (!run) return undefined;
    const { settings } = run;
    return {
      protection: settings.auto_close_on_sl_tp,
      admit: ({ price }) => this.admit(run, task, price),
    };
  }

  private admit(run: PaperRun, task: TaskRecord, price: number): number | RiskDenial {
    const { settings } = run;
    const tasks = this.tasksOf(run);
    let open = 0;
    for (const t of tasks) {
      open += this.deps.repo.listPositions({ taskId: t.id }).length;
      // Opening orders sent but not filled yet count too: they become positions at the next bar.
      open += this.deps.repo
        .listJournal({ taskId: t.id, statuses: ['journaled', 'submitted', 'unknown'] })
        .filter((o) => o.closesPositionId === undefined || o.closesPositionId === null).length;
    }
    if (open >= settings.max_open_positions) {
      return {
        code: 'MAX_OPEN_POSITIONS',
        message: `${open} paper position(s) are open or opening; max_open_positions is ${settings.max_open_positions}`,
      };
    }
    const instrument = builtinInstrument(task.pair);
    const rate = instrument ? accountRate(instrument, price) : undefined;
    if (!instrument || rate === undefined || !(price > 0)) {
      return { code: 'UNKNOWN_SYMBOL', message: `${task.pair} cannot be valued in ${ACCOUNT_CURRENCY} at ${price}; no position size` };
    }
    const equity = this.equity(run);
    if (!(equity > 0)) return { code: 'INSUFFICIENT_CAPITAL', message: `The paper account has no equity left (${equity.toFixed(2)} ${ACCOUNT_CURRENCY})` };
    return (equity * settings.position_size_percent) / 100 / (price * rate * instrument.contractSize);
  }

  tasksOf(run: PaperRun): TaskRecord[] {
    return this.deps.repo.listTasks({ sessionId: run.sessionId });
  }

  trades(run: PaperRun): (ClosedTrade & { task: TaskRecord })[] {
    return this.tasksOf(run).flatMap((task) => this.deps.repo.listTrades({ taskId: task.id, limit: 100_000 }).map((t) => ({ ...t, task })));
  }

  positions(run: PaperRun): ValuedPosition[] {
    const out: ValuedPosition[] = [];
    for (const task of this.tasksOf(run)) {
      const positions = this.deps.repo.listPositions({ taskId: task.id });
      if (positions.length === 0) continue;
      const mark = this.markOf(task);
      const instrument = builtinInstrument(task.pair);
      for (const position of positions) {
        out.push({ position, task, instrument, price: mark?.price ?? null, now: mark?.now ?? null, unrealizedPnl: mark && instrument ? unrealized(position, instrument, mark.price) : null });
      }
    }
    return out.sort((a, b) => a.position.entryTime - b.position.entryTime || a.position.id.localeCompare(b.position.id));
  }

  /** The symbol's market price and clock, else the last price a task saw (its actor's last bar, or the feed's bar at its resume point). */
  markOf(task: TaskRecord): { price: number; now: number } | undefined {
    // The symbol's one market (price and clock) when the feed keeps one: what market watch and every task see.
    const quote = this.deps.feed.quote?.(task.pair);
    if (quote) return { price: quote.price, now: quote.now };
    const bar = this.kernel?.actorOf(task.id)?.lastBar ?? (task.lastBarTime !== null ? this.deps.feed.history(task.pair, task.timeframe, task.lastBarTime, 1)[0] : undefined);
    if (!bar) return undefined;
    return { price: bar.close, now: bar.time + TIMEFRAME_MS[task.timeframe] };
  }

  realizedPnl(run: PaperRun): number {
    let total = 0;
    for (const t of this.trades(run)) total += t.pnl;
    return total;
  }

  floatingPnl(run: PaperRun): number {
    let total = 0;
    for (const p of this.positions(run)) total += p.unrealizedPnl ?? 0;
    return total;
  }

  equity(run: PaperRun): number {
    return run.settings.initial_capital + this.realizedPnl(run) + this.floatingPnl(run);
  }

  /** Validates everything, then starts one task per symbol in a new session; nothing is kept if one cannot start. */
  async enable(settings: PaperTradingSettings): Promise<{ run: PaperRun; tasks: TaskRecord[]; warnings: string[] }> {
    const kernel = this.engine;
    const active = this.deps.runs.active();
    if (active) {
      throw new DomainError(
        'ALREADY_EXISTS',
        `Paper trading is already enabled (run ${active.id}: ${active.settings.strategy} on ${active.settings.symbols.join(', ')} ${active.settings.timeframe}); disable it first to change its settings`,
      );
    }
    const definition = this.deps.strategies.find(settings.strategy);
    if (!definition) {
      const names = this.deps.strategies.all().map((s) => s.name).join(', ');
      throw new DomainError('VALIDATION_FAILED', `Unknown strategy "${settings.strategy}"; available: ${names}`, [{ path: 'strategy', message: `must be one of ${names}` }]);
    }
    const resolution = resolveConfig(definition, settings.strategy_params);
    if (resolution.errors.length) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Invalid ${definition.name} strategy_params: ${resolution.errors.join('; ')}`,
        resolution.errors.map((message) => ({ path: 'strategy_params', message })),
      );
    }
    settings.symbols.forEach((symbol, i) => {
      try {
        kernel.instrumentFor(symbol, kernel.connectionFor('paper'));
      } catch (error) {
        const message = (error as Error).message;
        throw new DomainError('VALIDATION_FAILED', message, [{ path: `symbols.${i}`, message }]);
      }
    });
    if (kernel.runningCount() + settings.symbols.length > kernel.maxTasks) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `${settings.symbols.length} symbol(s) need as many tasks; ${kernel.runningCount()} of ${kernel.maxTasks} tasks are running already`,
      );
    }
    const session = this.deps.repo.createSession(PAPER_TRADING_USER, randomUUID());
    const run = this.deps.runs.start(session.id, { ...settings, strategy: definition.name }, this.deps.clock.now().toISOString());
    const started: TaskRecord[] = [];
    const warnings: string[] = [...resolution.warnings];
    try {
      for (const symbol of settings.symbols) {
        const result = await kernel.startTask(session.id, {
          pair: symbol,
          timeframe: engineTimeframe(settings.timeframe),
          strategyName: definition.name,
          config: settings.strategy_params,
          broker: 'paper',
          capital: settings.initial_capital,
        });
        started.push(result.task);
      }
    } catch (error) {
      for (const task of started) kernel.stopTask(task, true);
      this.deps.runs.discard(run.id);
      throw error;
    }
    return { run, tasks: started, warnings };
  }

  /** Stops the run's tasks, closing every position at its task's last price; the run keeps its final figures. */
  disable(): { run: PaperRun; closedPositions: number; finalCapital: number; totalPnl: number } {
    const run = this.deps.runs.active();
    if (!run) throw new DomainError('NOT_FOUND', 'Paper trading is not enabled; enable it with POST /api/paper-trading/enable');
    const before = this.positions(run).length;
    for (const task of this.deps.repo.listTasks({ sessionId: run.sessionId, statuses: ['running', 'paused', 'failed'] })) {
      this.engine.stopTask(task, true);
    }
    const after = this.positions(run).length;
    const totalPnl = this.realizedPnl(run);
    const finalCapital = run.settings.initial_capital + totalPnl;
    this.deps.runs.stop(run.id, { stoppedAt: this.deps.clock.now().toISOString(), finalCapital, totalPnl });
    return { run: this.deps.runs.bySession(run.sessionId) as PaperRun, closedPositions: before - after, finalCapital, totalPnl };
  }
}

/** Floating result at `price`, net of the entry commission, in the account currency. */
export function unrealized(position: Position, instrument: Instrument, price: number): number | null {
  const rate = accountRate(instrument, price);
  if (rate === undefined) return null;
  return positionPnl(position, instrument.contractSize, price, rate) - position.commission;
}
