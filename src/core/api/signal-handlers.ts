import { DomainError } from '../../shared/contract/errors';
import type { Handlers } from '../../shared/contract/index';
import type { ListSignalsInput, SignalView } from '../../shared/contract/signals';
import type { Timeframe } from '../domain/candles';
import { builtinInstrument } from '../domain/instruments';
import type { Clock } from '../ports/clock';
import type { PaperTradingRepository } from '../ports/paper-trading-repository';
import type { SignalFilter, SignalRecord, SignalRepository } from '../ports/signal-repository';
import type { TradingRepository } from '../ports/trading-repository';
import { engineTimeframe, unrealized, type PaperAccount } from '../engine/paper-account';
import { px, round } from './view-numbers';

type SignalHandlers = Pick<Handlers, 'signals.list' | 'signals.get' | 'signals.create'>;

export interface SignalHandlerDeps {
  signals: SignalRepository;
  repo: TradingRepository;
  runs: PaperTradingRepository;
  paper: PaperAccount;
  clock: Clock;
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** "4H" → "4h": the document writes timeframes in lower case. */
export const specTimeframe = (timeframe: Timeframe): string => timeframe.toLowerCase();
/** Rounding at the view boundary lives in one place (view-numbers); re-exported for the paper-trading views. */
export { px, round };

export function signalView(s: SignalRecord): SignalView {
  return {
    id: s.id,
    symbol: s.symbol,
    signal_type: s.side === 'BUY' ? 'LONG' : 'SHORT',
    entry_price: px(s.symbol, s.entryPrice),
    stop_loss: px(s.symbol, s.stopLoss),
    take_profit: px(s.symbol, s.takeProfit),
    confidence: round(s.confidence, 4),
    timeframe: specTimeframe(s.timeframe),
    description: s.description,
    created_at: iso(s.time),
    is_active: s.isActive,
    conditions_met: s.conditionsMet,
    status: s.outcome === 'acted' ? 'ACTED' : s.outcome === 'filtered' ? 'FILTERED' : 'MANUAL',
    status_reason: s.outcomeReason,
    source: s.source,
    strategy: s.strategyName,
    task_id: s.taskId,
  };
}

/** `/api/signals/?…&page=n` with the same filters, as the document's paginated lists link their pages. */
function pageLink(input: ListSignalsInput, page: number): string {
  const params = new URLSearchParams();
  if (input.symbol !== undefined) params.set('symbol', input.symbol);
  if (input.signal_type !== undefined) params.set('signal_type', input.signal_type);
  else if (input.side !== undefined) params.set('signal_type', input.side);
  if (input.timeframe !== undefined) params.set('timeframe', input.timeframe);
  if (input.is_active !== true) params.set('is_active', String(input.is_active));
  if (input.status !== undefined) params.set('status', input.status);
  if (input.source !== undefined) params.set('source', input.source);
  if (input.task_id !== undefined) params.set('task_id', String(input.task_id));
  if (input.start_date !== undefined) params.set('start_date', iso(input.start_date));
  if (input.end_date !== undefined) params.set('end_date', iso(input.end_date));
  if (input.page_size !== 20) params.set('page_size', String(input.page_size));
  params.set('page', String(page));
  return `/api/signals/?${params.toString()}`;
}

export function createSignalHandlers(deps: SignalHandlerDeps): SignalHandlers {
  const { signals, repo, runs, paper, clock } = deps;

  /** The paper-trading position a signal opened: open (valued at its last price) or closed. */
  const paperTradeOf = (s: SignalRecord) => {
    if (s.clientOrderId === null || s.taskId === null) return null;
    const task = repo.findTask(s.taskId);
    if (!task || !runs.bySession(task.sessionId)) return null;
    const instrument = builtinInstrument(task.pair);
    const open = repo.listPositions({ taskId: task.id }).find((p) => p.clientOrderId === s.clientOrderId);
    if (open) {
      runs.numberAll();
      const mark = paper.markOf(task);
      const pnl = mark && instrument ? unrealized(open, instrument, mark.price) : null;
      const value = instrument ? open.lots * instrument.contractSize * open.entryPrice : null;
      return {
        id: runs.numberOf(open.id),
        status: 'OPEN' as const,
        entry_price: px(open.symbol, open.entryPrice),
        current_price: px(open.symbol, mark?.price ?? null),
        unrealized_pnl: pnl === null ? null : round(pnl),
        unrealized_pnl_percent: pnl === null || !value ? null : round((pnl / value) * 100),
        exit_price: null,
        realized_pnl: null,
        realized_pnl_percent: null,
        exit_reason: null,
      };
    }
    const closed = repo.listTrades({ taskId: task.id, limit: 100_000 }).find((t) => t.clientOrderId === s.clientOrderId || t.positionId === s.clientOrderId);
    if (!closed) return null;
    runs.numberAll();
    const value = instrument ? closed.lots * instrument.contractSize * closed.entryPrice : null;
    return {
      id: runs.numberOf(closed.positionId),
      status: 'CLOSED' as const,
      entry_price: px(closed.symbol, closed.entryPrice),
      current_price: px(closed.symbol, closed.exitPrice),
      unrealized_pnl: 0,
      unrealized_pnl_percent: 0,
      exit_price: px(closed.symbol, closed.exitPrice),
      realized_pnl: round(closed.pnl),
      realized_pnl_percent: value ? round((closed.pnl / value) * 100) : null,
      exit_reason: closed.exitReason.toUpperCase(),
    };
  };

  return {
    'signals.list': (input) => {
      const side = input.signal_type ?? input.side;
      const filter: SignalFilter = {
        ...(input.symbol !== undefined ? { symbol: input.symbol } : {}),
        ...(side !== undefined ? { side: side === 'LONG' ? ('BUY' as const) : ('SELL' as const) } : {}),
        ...(input.timeframe !== undefined ? { timeframe: engineTimeframe(input.timeframe) } : {}),
        ...(input.is_active !== 'all' ? { isActive: input.is_active } : {}),
        ...(input.status !== undefined ? { outcome: input.status === 'ACTED' ? ('acted' as const) : input.status === 'FILTERED' ? ('filtered' as const) : ('manual' as const) } : {}),
        ...(input.source !== undefined ? { source: input.source } : {}),
        ...(input.task_id !== undefined ? { taskId: input.task_id } : {}),
        ...(input.start_date !== undefined ? { from: input.start_date } : {}),
        ...(input.end_date !== undefined ? { to: input.end_date } : {}),
        offset: (input.page - 1) * input.page_size,
        limit: input.page_size,
      };
      const { count, signals: rows } = signals.list(filter);
      const lastPage = Math.max(1, Math.ceil(count / input.page_size));
      return {
        count,
        next: input.page < lastPage ? pageLink(input, input.page + 1) : null,
        previous: input.page > 1 ? pageLink(input, Math.min(input.page - 1, lastPage)) : null,
        results: rows.map(signalView),
      };
    },
    'signals.get': (input) => {
      const s = signals.find(input.id);
      if (!s) throw new DomainError('NOT_FOUND', `Signal ${input.id} does not exist; GET /api/signals/?is_active=all lists them`);
      return { ...signalView(s), indicator_values: s.indicatorValues, paper_trade: paperTradeOf(s), recorded_at: s.recordedAt };
    },
    'signals.create': (input) => {
      const stored = signals.insert({
        source: 'manual',
        taskId: null,
        strategyName: null,
        symbol: input.symbol,
        timeframe: engineTimeframe(input.timeframe),
        side: input.signal_type === 'LONG' ? 'BUY' : 'SELL',
        barTime: null,
        time: clock.now().getTime(),
        entryPrice: input.entry_price,
        stopLoss: input.stop_loss ?? null,
        takeProfit: input.take_profit ?? null,
        confidence: input.confidence,
        description: input.description,
        conditionsMet: {},
        indicatorValues: {},
        outcome: 'manual',
        outcomeReason: null,
        clientOrderId: null,
      });
      if (!stored) throw new Error('a manual signal was not stored');
      return signalView(stored);
    },
  };
}
