import { randomUUID } from 'node:crypto';
import { DomainError } from '../../shared/contract/errors';
import type { Handlers } from '../../shared/contract/index';
import type { TaskView } from '../../shared/contract/trading';
import { TIMEFRAMES, TIMEFRAME_MS, type Timeframe } from '../domain/candles';
import { accountRate } from '../domain/account-currency';
import { builtinInstrument, builtinSymbols } from '../domain/instruments';
import { positionPnl } from '../domain/position-pnl';
import type { MarketFeed } from '../ports/market-feed';
import type { SessionRecord, TaskRecord, TradingRepository } from '../ports/trading-repository';
import type { TradingKernel, StrategyCatalog } from '../engine/trading-kernel';
import { resolveConfig } from '../strategies/params';
import type { ClosedTrade, Position } from '../domain/trading';
import type { JournalEntry } from '../ports/trading-repository';
import { lotsOf, money, px } from './view-numbers';

type TradingHandlers = Pick<
  Handlers,
  | 'session.create' | 'session.status' | 'session.addPair' | 'session.removePair' | 'session.addTimeframe' | 'session.setStrategy'
  | 'session.active' | 'trading.availablePairs' | 'trading.availableTimeframes' | 'trading.availableStrategies' | 'trading.start'
  | 'trading.stop' | 'trading.tasks' | 'trading.marketData' | 'market.candles' | 'trading.positions' | 'trading.orders'
  | 'trading.trades' | 'trading.events' | 'market.feedSettings' | 'recovery.userSessions' | 'recovery.sessionTasks'
  | 'recovery.recoverSession' | 'recovery.autoRecover' | 'trading.placeOrder' | 'trading.closePosition'
>;

export interface TradingHandlerDeps {
  repo: TradingRepository;
  kernel: TradingKernel;
  feed: MarketFeed & { speed?: number; setSpeed?(barsPerSecond: number): void };
  strategies: StrategyCatalog;
}

/** How long a manual order's answer waits for the fill (a paper fill comes with the next bar). */
const MANUAL_WAIT_MS = 3_000;

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

const TIMEFRAME_NAMES: Record<Timeframe, string> = {
  '1M': '1 Minute', '5M': '5 Minutes', '15M': '15 Minutes', '1H': '1 Hour', '4H': '4 Hours', '1D': '1 Day',
};

/** Why a candles window came back empty, in words a trader can act on. */
function emptyCandlesNote(symbol: string, timeframe: string, source: string, refusal: string | undefined): string {
  if (refusal) return refusal;
  if (source === 'replay') return `No ${symbol} ${timeframe} bars are stored in this window; GET /api/market/candles without from/to shows the stored ones`;
  return `No ${symbol} history is stored (the prices shown elsewhere are simulated); import it with npm run import`;
}

export function createTradingHandlers(deps: TradingHandlerDeps): TradingHandlers {
  const { repo, kernel, feed, strategies } = deps;

  const requireSession = (id: string): SessionRecord => {
    const session = repo.findSession(id);
    if (!session) throw new DomainError('NOT_FOUND', `Session "${id}" does not exist; create one with POST /api/session/create`);
    return session;
  };

  /**
   * The price a task's positions are valued at: on the paper broker, the symbol's market price (the local feed keeps
   * one market per symbol, the price market watch and every chart show); on a broker, the task's last bar.
   */
  const marketPrice = (taskId: number, symbol: string): number | null => {
    const actor = kernel.actorOf(taskId);
    const broker = actor?.task.broker ?? repo.findTask(taskId)?.broker;
    const quote = broker === 'paper' ? feed.quote?.(symbol) : undefined;
    return quote?.price ?? actor?.lastBar?.close ?? null;
  };

  const taskView = (task: TaskRecord): TaskView => {
    const actor = kernel.actorOf(task.id);
    const totals = repo.tradeTotals(task.id);
    const source = actor?.source ?? feed.sourceOf(task.pair, task.timeframe);
    return {
      task_id: task.id,
      session_id: task.sessionId,
      pair: task.pair,
      timeframe: task.timeframe,
      strategy_name: task.strategyName,
      status: task.status === 'running' && !actor ? 'running (not resumed yet)' : task.status,
      status_reason: task.statusReason,
      config: task.config,
      capital: money(task.capital),
      capital_source: task.capitalSource,
      floating_loss_threshold_pct: task.floatingLossThresholdPct,
      magic_number: task.magic,
      broker: task.broker,
      feed_source: source,
      simulated_prices: source === 'simulated',
      open_positions: actor ? actor.runner.positions.length : repo.listPositions({ taskId: task.id }).length,
      floating_pnl: actor ? money(actor.runner.positions.reduce((sum, p) => sum + (positionView(p).floatingExact ?? 0), 0)) : 0,
      realized_pnl: money(totals.pnl),
      trades: totals.count,
      last_bar_time: iso(task.lastBarTime ?? actor?.lastBar?.time),
      last_price: px(task.pair, actor ? marketPrice(task.id, task.pair) : null),
      started_at: task.startedAt,
      stopped_at: task.stoppedAt,
    };
  };

  const sessionView = (s: SessionRecord) => ({
    session_id: s.id,
    user_id: s.userId,
    status: s.status,
    pairs: s.pairs,
    timeframes: s.timeframes,
    strategy_configs: s.strategyConfigs,
    active_tasks: repo.listTasks({ sessionId: s.id, statuses: ['running', 'paused'] }).length,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  });

  const freshTask = (id: number) => repo.findTask(id) as TaskRecord;

  // Views of positions, journal entries and trades: prices to the instrument's digits, money to cents, here and only here.
  const positionView = (p: Position) => {
    const price = marketPrice(Number(p.taskId), p.symbol);
    const instrument = builtinInstrument(p.symbol);
    let floatingExact: number | null = null;
    if (price !== null && instrument) {
      const rate = accountRate(instrument, price) ?? Number.NaN;
      floatingExact = positionPnl(p, instrument.contractSize, price, rate) - p.commission;
    }
    return {
      floatingExact,
      view: {
        position_id: p.id, task_id: Number(p.taskId), symbol: p.symbol, side: p.side, lots: lotsOf(p.lots), entry_price: px(p.symbol, p.entryPrice),
        entry_time: iso(p.entryTime) as string, take_profit: px(p.symbol, p.takeProfit), stop_loss: px(p.symbol, p.stopLoss), magic: p.magic,
        client_order_id: p.clientOrderId, current_price: px(p.symbol, price), floating_pnl: money(floatingExact),
      },
    };
  };
  const orderView = (o: JournalEntry) => ({
    client_order_id: o.clientOrderId, task_id: Number(o.taskId), symbol: o.symbol, side: o.side, lots: lotsOf(o.lots),
    kind: o.closesPositionId ? ('close' as const) : ('open' as const), status: o.status, reason: o.reason,
    decided_at: iso(o.decidedAt) as string, fill_price: px(o.symbol, o.fillPrice), filled_at: iso(o.filledAt),
    take_profit: px(o.symbol, o.takeProfit ?? null), stop_loss: px(o.symbol, o.stopLoss ?? null), error: o.error,
  });
  const tradeView = (t: ClosedTrade) => ({
    position_id: t.positionId, task_id: Number(t.taskId), symbol: t.symbol, side: t.side, lots: lotsOf(t.lots),
    entry_price: px(t.symbol, t.entryPrice), entry_time: iso(t.entryTime) as string, exit_price: px(t.symbol, t.exitPrice),
    exit_time: iso(t.exitTime) as string, exit_reason: t.exitReason, pnl: money(t.pnl), commission: money(t.commission),
  });

  return {
    'session.create': (input) => sessionView(repo.createSession(input.user_id, randomUUID())),
    'session.status': (input) => {
      const session = requireSession(input.session_id);
      return { ...sessionView(session), tasks: repo.listTasks({ sessionId: session.id }).map(taskView) };
    },
    'session.addPair': (input) => {
      requireSession(input.session_id);
      repo.addSessionPair(input.session_id, input.pair);
      return sessionView(requireSession(input.session_id));
    },
    'session.removePair': (input) => {
      requireSession(input.session_id);
      if (!repo.removeSessionPair(input.session_id, input.pair)) {
        throw new DomainError('NOT_FOUND', `${input.pair} is not a pair of session "${input.session_id}"`);
      }
      return sessionView(requireSession(input.session_id));
    },
    'session.addTimeframe': (input) => {
      requireSession(input.session_id);
      repo.addSessionTimeframe(input.session_id, input.timeframe);
      return sessionView(requireSession(input.session_id));
    },
    'session.setStrategy': (input) => {
      requireSession(input.session_id);
      const definition = strategies.find(input.strategy_name);
      if (!definition) {
        throw new DomainError('VALIDATION_FAILED', `Unknown strategy "${input.strategy_name}"; available: ${strategies.all().map((s) => s.name).join(', ')}`);
      }
      const resolution = resolveConfig(definition, input.config);
      if (resolution.errors.length) {
        throw new DomainError('VALIDATION_FAILED', `Invalid ${definition.name} config: ${resolution.errors.join('; ')}`);
      }
      repo.setSessionStrategyConfig(input.session_id, definition.name, input.config);
      return { ...sessionView(requireSession(input.session_id)), warnings: resolution.warnings };
    },
    'session.active': () => {
      const sessions = repo.listSessions({ status: 'active' }).map(sessionView);
      return { sessions, count: sessions.length };
    },

    'trading.availablePairs': () => {
      const pairs = builtinSymbols().map((symbol) => {
        const i = builtinInstrument(symbol)!;
        return {
          symbol, asset_class: i.assetClass, digits: i.digits, point: i.point, pip_size: i.pipSize, contract_size: i.contractSize,
          min_lot: i.minLot, lot_step: i.lotStep, max_lot: i.maxLot, feed_source: feed.sourceOf(symbol, '1M'),
        };
      });
      const groups: Record<string, string[]> = {};
      for (const p of pairs) (groups[p.asset_class] ??= []).push(p.symbol);
      return { pairs, groups };
    },
    'trading.availableTimeframes': () => ({
      timeframes: TIMEFRAMES.map((code) => ({ code, name: TIMEFRAME_NAMES[code], seconds: TIMEFRAME_MS[code] / 1000 })),
    }),
    'trading.availableStrategies': () => ({
      strategies: strategies.all().map((s) => ({
        name: s.name,
        title: s.title,
        description: s.description,
        parameters: s.params.map((p) => ({ ...p })),
      })),
    }),
    'trading.start': async (input) => {
      const session = requireSession(input.session_id);
      // Saved session configuration for the strategy acts as defaults under the request's own values.
      const saved = session.strategyConfigs[input.strategy_name] ?? {};
      const started = await kernel.startTask(input.session_id, {
        pair: input.pair,
        timeframe: input.timeframe,
        strategyName: input.strategy_name,
        config: { ...saved, ...input.config },
        ...(input.allocation_strategy ? { allocationStrategy: input.allocation_strategy } : {}),
        ...(input.broker ? { broker: input.broker } : {}),
      });
      return { task: taskView(freshTask(started.task.id)), warnings: started.warnings, reconciled: started.reconciled };
    },
    'trading.stop': (input) => {
      const stopped = kernel.stopTasks(
        input.session_id,
        {
          pair: input.pair,
          ...(input.timeframe ? { timeframe: input.timeframe } : {}),
          ...(input.strategy_name ? { strategyName: input.strategy_name } : {}),
        },
        input.close_positions,
      );
      return { stopped: stopped.map(taskView) };
    },
    'trading.tasks': (input) => {
      requireSession(input.session_id);
      const tasks = repo
        .listTasks({ sessionId: input.session_id, ...(input.include_stopped ? {} : { statuses: ['running', 'paused'] }) })
        .map(taskView);
      return { tasks, count: tasks.length, max_tasks: kernel.maxTasks };
    },
    'trading.marketData': (input) => {
      requireSession(input.session_id);
      const live = repo
        .listTasks({ sessionId: input.session_id, statuses: ['running', 'paused'] })
        .find((t) => t.pair === input.pair && t.timeframe === input.timeframe);
      const until = (live && (kernel.actorOf(live.id)?.lastBar?.time ?? live.lastBarTime)) ?? null;
      const bars = feed.history(input.pair, input.timeframe, until, input.count ?? 200);
      const source = feed.sourceOf(input.pair, input.timeframe);
      return {
        pair: input.pair,
        timeframe: input.timeframe,
        source,
        simulated: source === 'simulated',
        last_price: px(input.pair, feed.quote?.(input.pair)?.price ?? bars.at(-1)?.close ?? null),
        bars: bars.map((b) => ({
          time: new Date(b.time).toISOString(), open: px(input.pair, b.open), high: px(input.pair, b.high), low: px(input.pair, b.low),
          close: px(input.pair, b.close), volume: b.volume,
        })),
      };
    },
    'market.candles': (input) => {
      const live = repo
        .listTasks({ statuses: ['running', 'paused'] })
        .filter((t) => t.pair === input.symbol && t.timeframe === input.timeframe)
        .map((t) => kernel.actorOf(t.id)?.lastBar?.time ?? t.lastBarTime ?? 0);
      // Never past the symbol's market clock (one clock per symbol for every view), else past the tasks' last bar;
      // research asks for the stored history of a backtest's range, wherever the replay is.
      const stored = input.range === 'stored';
      const latest = stored ? null : (feed.lastClosedBarTime?.(input.symbol, input.timeframe) ?? (live.length ? Math.max(...live) : null));
      const until = input.to !== undefined ? (latest === null ? input.to : Math.min(input.to, latest)) : latest;
      let bars = feed.history(input.symbol, input.timeframe, until, input.limit);
      // A window that reaches the market's now ends with the bar still forming: every chart's last price is the market's.
      const forming = latest !== null && (input.to === undefined || input.to >= latest + TIMEFRAME_MS[input.timeframe]) ? feed.formingBar?.(input.symbol, input.timeframe) : undefined;
      if (forming) bars = [...bars, forming].slice(-input.limit);
      if (input.from !== undefined) bars = bars.filter((b) => b.time >= (input.from as number));
      const source = feed.sourceOf(input.symbol, input.timeframe);
      const note = bars.length ? undefined : emptyCandlesNote(input.symbol, input.timeframe, source, feed.refusal?.(input.symbol, input.timeframe));
      return {
        symbol: input.symbol,
        timeframe: input.timeframe,
        source,
        simulated: source === 'simulated',
        ...(note ? { note } : {}),
        time: bars.map((b) => b.time),
        open: bars.map((b) => px(input.symbol, b.open)),
        high: bars.map((b) => px(input.symbol, b.high)),
        low: bars.map((b) => px(input.symbol, b.low)),
        close: bars.map((b) => px(input.symbol, b.close)),
        volume: bars.map((b) => b.volume),
        first_time: bars[0]?.time ?? null,
        last_time: bars.at(-1)?.time ?? null,
      };
    },
    'trading.positions': (input) => {
      const taskIds =
        input.session_id !== undefined
          ? new Set(repo.listTasks({ sessionId: requireSession(input.session_id).id }).map((t) => t.id))
          : undefined;
      const rows = repo
        .listPositions(input.task_id !== undefined ? { taskId: input.task_id } : {})
        .filter((p) => !taskIds || taskIds.has(Number(p.taskId)));
      let total = 0;
      const positions = rows.map((p) => {
        const view = positionView(p);
        total += view.floatingExact ?? 0;
        return view.view;
      });
      return { positions, floating_pnl: money(total) };
    },
    'trading.orders': (input) => ({
      orders: repo.listJournal({ ...(input.task_id !== undefined ? { taskId: input.task_id } : {}), limit: input.limit }).map(orderView),
    }),
    'trading.trades': (input) => {
      const list = repo.listTrades({ ...(input.task_id !== undefined ? { taskId: input.task_id } : {}), limit: input.limit });
      // Totals over every matching trade, from the database: a capped list must not pass for the whole.
      const totals = repo.tradeTotals(input.task_id);
      return { trades: list.map(tradeView), total_pnl: money(totals.pnl), total_count: totals.count, capped: totals.count > list.length };
    },
    'trading.events': (input) => ({
      events: repo
        .listEvents({
          ...(input.after_id !== undefined ? { afterId: input.after_id } : {}),
          ...(input.task_id !== undefined ? { taskId: input.task_id } : {}),
          limit: input.limit,
        })
        .map((e) => ({ id: e.id, time: e.time, type: e.type, severity: e.severity, task_id: e.taskId, code: e.code, message: e.message })),
    }),
    'market.feedSettings': (input) => {
      if (input.bars_per_second !== undefined) feed.setSpeed?.(input.bars_per_second);
      return {
        bars_per_second: feed.speed ?? 0,
        broker: 'paper',
        note: "With no broker connected, tasks trade on the paper broker: each symbol's finest stored timeframe is replayed on one clock at this many bars per second of the shortest timeframe traded on it (longer timeframes aggregated from it), or a seeded simulated 1M market (labelled SIMULATED) where nothing is stored",
      };
    },

    'trading.placeOrder': async (input) => {
      const entry = await kernel.submitManualOrder(input.task_id, input.side, input.lots, {
        note: 'manual order (trading workspace / POST /api/trading/orders)',
        waitMs: MANUAL_WAIT_MS,
      });
      const opened = entry.status === 'filled' ? repo.listPositions({ taskId: input.task_id }).find((p) => p.id === entry.clientOrderId) : undefined;
      return { order: orderView(entry), position: opened ? positionView(opened).view : null };
    },
    'trading.closePosition': async (input) => {
      const result = await kernel.closePositionManually(input.position_id, {
        note: 'closed by hand (trading workspace / POST /api/trading/positions/{position_id}/close)',
        waitMs: MANUAL_WAIT_MS,
      });
      const entry = result.closeOrderId ? repo.findJournalEntry(result.closeOrderId) : undefined;
      return { order: entry ? orderView(entry) : null, trade: result.trade ? tradeView(result.trade) : null };
    },

    'recovery.userSessions': (input) => {
      const sessions = repo.listSessions({ userId: input.user_id }).map((s) => ({
        ...sessionView(s),
        tasks: repo.listTasks({ sessionId: s.id }).map(taskView),
      }));
      return { user_id: input.user_id, sessions, count: sessions.length };
    },
    'recovery.sessionTasks': (input) => {
      requireSession(input.session_id);
      const tasks = repo.listTasks({ sessionId: input.session_id }).map(taskView);
      return { session_id: input.session_id, tasks, count: tasks.length };
    },
    'recovery.recoverSession': async (input) => {
      requireSession(input.session_id);
      const before = repo.listTasks({ sessionId: input.session_id, statuses: ['running'] }).filter((t) => kernel.actorOf(t.id)).length;
      const result = await kernel.recover({ sessionId: input.session_id, includePaused: input.include_paused });
      return {
        resumed: result.resumed.map(taskView),
        failed: result.failed.map((f) => ({ task_id: f.task.id, error: f.error })),
        already_running: before,
      };
    },
    'recovery.autoRecover': async (input) => {
      const sessions = repo.listSessions({ userId: input.user_id });
      const before = sessions.flatMap((s) => repo.listTasks({ sessionId: s.id, statuses: ['running'] })).filter((t) => kernel.actorOf(t.id)).length;
      const result = await kernel.recover({ userId: input.user_id, includePaused: input.include_paused });
      return {
        resumed: result.resumed.map(taskView),
        failed: result.failed.map((f) => ({ task_id: f.task.id, error: f.error })),
        already_running: before,
      };
    },
  };
}

