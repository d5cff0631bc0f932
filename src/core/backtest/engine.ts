import type { Instrument } from '../domain/instruments';
import type { ClosedTrade, Position } from '../domain/trading';
import { OrderPolicy, type OrderPolicySettings } from '../engine/order-policy';
import type { RiskCode } from '../domain/trading';
import { SimulatedExchange, type ExecutionModel } from '../engine/simulated-exchange';
import { StrategyRunner, type EngineEvent } from '../engine/strategy-runner';
import type { ResolvedConfig } from '../strategies/params';
import type { BarsView, Strategy, StrategyDefinition } from '../strategies/strategy';

/**
 * The backtester: one strategy on one symbol over stored bars, through the SAME StrategyRunner (risk checks, order
 * policy) and SimulatedExchange (fills, TP/SL) as the paper broker, with a simulated clock.
 *
 * Bars and time:
 * - `bars` is the full stored series (typically SharedArrayBuffer-backed, shared by every run in a worker);
 *   the run looks at [warmFrom, to) only, through subarray views: no copy, no allocation per bar.
 * - Bars [warmFrom, from) are warm-up: the strategy sees them exactly as a live task sees its warm-up history
 *   (the runner in dry-run, orders go nowhere). Bars [from, to) are traded.
 * - Per traded bar, in this order (as the live TaskActor does): the exchange fills queued orders at the bar's
 *   open and checks take-profits/stops against its range; then the strategy sees the closed bar.
 * - At the end, entries still queued are dropped and every open position is closed at the last close
 *   (exit reason end_of_data), so the result is fully realized.
 *
 * Measured per bar, allocation-free: mark-to-market equity at the close (capital + realized P&L + floating P&L of
 * the open positions valued at the close: bid for longs, ask for shorts, net of entry commission), its running peak
 * and maximum drawdown, the bars with a position (exposure), and the equity at the end of each UTC day.
 *
 * Built to be called many times on shared bars (an optimizer, walk-forward windows): nothing is global, the bars
 * are read-only views, `collectTrades: false` skips the trade list for summary-only runs.
 */

export interface SleeveSpec {
  instrument: Instrument;
  definition: StrategyDefinition;
  config: ResolvedConfig;
  capital: number;
  model: ExecutionModel;
  policy: OrderPolicySettings;
  /** First warm-up bar, first traded bar, end (exclusive): indices into `bars`. */
  warmFrom: number;
  from: number;
  to: number;
  /** quote → account currency at a price (default 1). */
  accountRate?: (price: number) => number;
  /** Keep each closed trade (default true). */
  collectTrades?: boolean;
  /** Keep the equity and exposure of every traded bar (needed to combine symbols bar by bar). */
  collectBarEquity?: boolean;
  magic?: number;
  /** The pair's floating-loss threshold, % of capital (null: none, the default). */
  floatingLossThresholdPct?: number | null;
  /** Sees every engine event of the run (orders, fills, closes, denials, risk breaches) after the backtester has. */
  onEvent?: (event: EngineEvent) => void;
}

/** Cooperative cancel and progress: polled every PROGRESS_STRIDE bars. */
export interface RunControl {
  shouldStop(): boolean;
  progress(barsDone: number): void;
}

export const PROGRESS_STRIDE = 1 << 16;
const DAY_MS = 86_400_000;

export interface TradeRecord extends ClosedTrade {
  /** Protection of the position when it closed (the level that triggered it for take_profit / stop_loss). */
  takeProfit: number | null;
  stopLoss: number | null;
  /** The strategy's confidence when it decided the entry (confluence), else null. */
  confidence: number | null;
}

/**
 * Entries the run refused, by rule: how many, the first refusal's message, the largest size a refused entry asked
 * for (lots, as sized before rounding) and the highest price at a refusal (the decision bar's close, or the fill
 * price when all_equity sized the entry at its fill). Plain data: it travels back from a worker.
 */
export interface EntryRefusal {
  code: RiskCode;
  count: number;
  message: string;
  maxLots: number;
  maxPrice: number;
  /** Of `count`, entries sized at their fill (all_equity) that bought less than the minimum lot there. */
  atFill: number;
}

export interface SleeveResult {
  symbol: string;
  capital: number;
  trades: TradeRecord[];
  /** Every closed trade, kept even when collectTrades is off (the summary's trade figures need their P&L). */
  closed: readonly ClosedTrade[];
  /** UTC day numbers (epoch days) with at least one traded bar, and the equity after that day's last bar. */
  dayIndex: Float64Array;
  dayEquity: Float64Array;
  days: number;
  /** Per traded bar when collectBarEquity: time, equity at the close, 1 if a position was open during the bar. */
  barTime?: Float64Array;
  barEquity?: Float64Array;
  barExposed?: Uint8Array;
  tradedBars: number;
  exposedBars: number;
  firstTime: number;
  lastTime: number;
  peakEquity: number;
  maxDrawdown: number;
  maxDrawdownAmount: number;
  finalEquity: number;
  tradeCount: number;
  signalsGenerated: number;
  signalsFiltered: number;
  /** Entries refused by the order checks (direction, lot limits, ...), by rule, in order of first refusal. */
  refusals: EntryRefusal[];
  cancelled: boolean;
}

export function runSleeve(bars: BarsView & { time: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array }, spec: SleeveSpec, control?: RunControl): SleeveResult {
  const { instrument, capital } = spec;
  const warmFrom = Math.max(0, spec.warmFrom);
  const to = Math.min(spec.to, bars.length);
  const from = Math.min(Math.max(spec.from, warmFrom), to);
  const view = {
    time: bars.time.subarray(warmFrom, to),
    open: bars.open.subarray(warmFrom, to),
    high: bars.high.subarray(warmFrom, to),
    low: bars.low.subarray(warmFrom, to),
    close: bars.close.subarray(warmFrom, to),
    volume: bars.volume.subarray(warmFrom, to),
    length: to - warmFrom,
  };
  const accountRate = spec.accountRate ?? (() => 1);
  const collectTrades = spec.collectTrades !== false;
  const strategy: Strategy = spec.definition.create(spec.config, instrument);
  const meta: { takeProfit: number | null; stopLoss: number | null }[] = [];
  const confidenceOf = new Map<string, number | null>();
  const wantsConfidence = strategy.indicators !== undefined;
  let signalsGenerated = 0;
  let denied = 0;
  const refusals = new Map<RiskCode, EntryRefusal>();
  // Close of the bar the strategy is deciding on (the price a refused entry was sized at).
  let decisionClose = Number.NaN;
  const refuse = (code: RiskCode, message: string, lots: number, price: number, atFill: boolean): void => {
    const r = refusals.get(code);
    if (r === undefined) refusals.set(code, { code, count: 1, message, maxLots: lots, maxPrice: price, atFill: atFill ? 1 : 0 });
    else {
      r.count++;
      if (lots > r.maxLots) r.maxLots = lots;
      if (price > r.maxPrice) r.maxPrice = price;
      if (atFill) r.atFill++;
    }
  };

  let runner: StrategyRunner | undefined;
  const exchange = new SimulatedExchange(instrument, spec.model, accountRate, {
    onFilled: (fill) => runner?.applyFilled(fill),
    onClosed: (trade) => {
      if (collectTrades && runner) {
        const p = runner.positions.find((q) => q.id === trade.positionId);
        meta.push({ takeProfit: p?.takeProfit ?? null, stopLoss: p?.stopLoss ?? null });
      }
      runner?.applyClosed(trade);
    },
    onCancelled: (order) => runner?.applyCancelled(order.clientOrderId),
  });
  const onEvent = (event: EngineEvent): void => {
    if (event.type === 'OrderSubmitted') {
      if (event.order.closesPositionId === undefined) {
        signalsGenerated++;
        if (collectTrades && wantsConfidence) {
          const c = strategy.indicators?.().confidence;
          confidenceOf.set(event.order.clientOrderId, typeof c === 'number' ? c : null);
        }
      }
    } else if (event.type === 'OrderDenied') {
      denied++;
      refuse(event.denial.code, event.denial.message, event.lots, decisionClose, false);
    }
    spec.onEvent?.(event);
  };
  const policy = spec.policy.sizing === 'strategy' && spec.policy.direction === 'both' ? undefined : new OrderPolicy(spec.policy, instrument, accountRate);
  if (policy !== undefined && spec.policy.sizing === 'all_equity') {
    // all_equity sizes each entry at its fill, with the money there after the fills before it (a reversal's close),
    // as backtesting.py does: the decision only checked that the close would have bought the minimum lot.
    exchange.entrySizer = (order, fillPrice, bid) => {
      const equity = capital + (runner as StrategyRunner).realizedPnl + exchange.floatingPnl(bid);
      const sized = policy.allEquityLots(policy.availableEquity(equity, exchange.positions), fillPrice);
      const lots = policy.sendableLots(sized);
      if (lots === 0) {
        denied++;
        const message = `${order.side} entry at ${fillPrice}: all available equity buys ${sized} lots, below ${instrument.symbol}'s minimum of ${instrument.minLot}`;
        refuse('LOT_TOO_SMALL', message, sized, fillPrice, true);
      }
      return lots;
    };
  }
  runner = new StrategyRunner({
    taskId: 'backtest',
    orderIdPrefix: 'bt',
    instrument,
    capital,
    magic: spec.magic ?? 0,
    strategy,
    router: {
      submit: (order, time, closeBid) => exchange.submit(order, time, closeBid),
      setProtection: (id, tp, sl) => exchange.setProtection(id, tp, sl),
    },
    accountRate,
    floatingLossThresholdPct: spec.floatingLossThresholdPct ?? null,
    onEvent,
    ...(policy ? { policy } : {}),
  });

  const n = view.length;
  const start = from - warmFrom;
  const traded = n - start;
  const time = view.time;
  const open = view.open;
  const high = view.high;
  const low = view.low;
  const close = view.close;
  const positions = exchange.positions;
  const queued = exchange.pendingOrders();
  const spread = spec.model.spreadPoints * instrument.point;
  const contractSize = instrument.contractSize;
  const unitRate = spec.accountRate === undefined;
  const trades = runner.trades;

  const maxDays = traded > 0 ? Math.floor(((time[n - 1] as number) - (time[start] as number)) / DAY_MS) + 2 : 0;
  const dayIndex = new Float64Array(maxDays);
  const dayEquity = new Float64Array(maxDays);
  let days = 0;
  const barTime = spec.collectBarEquity ? view.time.subarray(start) : undefined;
  const barEquity = spec.collectBarEquity ? new Float64Array(traded) : undefined;
  const barExposed = spec.collectBarEquity ? new Uint8Array(traded) : undefined;

  // Warm-up: the strategy sees history, its orders go nowhere (as a live task's warm-up).
  runner.dryRun = true;
  for (let i = 0; i < start; i++) runner.onBar(view, i);
  runner.dryRun = false;

  let equity = capital;
  let peak = capital;
  let maxDrawdown = 0;
  let maxDrawdownAmount = 0;
  let exposedBars = 0;
  let seenTrades = 0;
  let nextDayStart = -Infinity;
  let currentDay = 0;
  let lastEquityOfDay = capital;
  let cancelled = false;
  let end = n;

  for (let i = start; i < n; i++) {
    if (control !== undefined && ((i - start) & (PROGRESS_STRIDE - 1)) === 0 && i > start) {
      if (control.shouldStop()) {
        cancelled = true;
        end = i;
        break;
      }
      control.progress(i - start);
    }
    const t = time[i] as number;
    // The exchange only has work when an order waits or a take-profit/stop is within the bar's range; the test
    // is a superset of its own trigger rules (a gap through a level also puts it inside [low, high]), made here
    // because a call with double arguments boxes them: skipping idle calls keeps the loop allocation-free.
    let work = queued.length > 0;
    // (Inline, not a helper: a call with double arguments boxes them, an allocation per bar.)
    for (let k = 0; !work && k < positions.length; k++) {
      const p = positions[k] as Position;
      const sl = p.stopLoss;
      const tp = p.takeProfit;
      if (sl === null && tp === null) continue;
      if (p.side === 'BUY') work = (sl !== null && (low[i] as number) <= sl) || (tp !== null && (high[i] as number) >= tp);
      else work = (sl !== null && (high[i] as number) + spread >= sl) || (tp !== null && (low[i] as number) + spread <= tp);
    }
    if (work) exchange.processBar(t, open[i] as number, high[i] as number, low[i] as number);
    decisionClose = close[i] as number;
    runner.onBar(view, i);

    equity = capital + runner.realizedPnl;
    let exposed = 0;
    if (positions.length > 0) {
      // = exchange.floatingPnl(close), computed inline (same formula) for the same reason.
      const bid = close[i] as number;
      for (let k = 0; k < positions.length; k++) {
        const p = positions[k] as Position;
        const exit = p.side === 'BUY' ? bid : bid + spread;
        const rate = unitRate ? 1 : accountRate(exit);
        equity += (exit - p.entryPrice) * (p.side === 'BUY' ? 1 : -1) * p.lots * contractSize * rate - p.commission;
      }
      exposed = 1;
    } else if (trades.length !== seenTrades) {
      exposed = 1; // a position was open during part of the bar
    }
    seenTrades = trades.length;
    exposedBars += exposed;
    if (equity > peak) peak = equity;
    else {
      const amount = peak - equity;
      if (amount > maxDrawdownAmount) maxDrawdownAmount = amount;
      const pct = amount / peak;
      if (pct > maxDrawdown) maxDrawdown = pct;
    }
    if (t >= nextDayStart) {
      if (i > start) {
        dayIndex[days] = currentDay;
        dayEquity[days++] = lastEquityOfDay;
      }
      currentDay = Math.floor(t / DAY_MS);
      nextDayStart = (currentDay + 1) * DAY_MS;
    }
    lastEquityOfDay = equity;
    if (barEquity !== undefined) {
      barEquity[i - start] = equity;
      (barExposed as Uint8Array)[i - start] = exposed;
    }
  }

  if (end > start) {
    // Close out: entries decided on the last bar would fill on a bar that does not exist.
    const last = end - 1;
    const t = time[last] as number;
    const c = close[last] as number;
    exchange.cancelQueuedEntries();
    runner.closeAll('end_of_data', 'open at the end of the data');
    exchange.processBar(t, c, c, c);
    equity = capital + runner.realizedPnl;
    // The realized close-out replaces the last bar's mark-to-market value.
    if (equity > peak) peak = equity;
    const amount = peak - equity;
    if (amount > maxDrawdownAmount) maxDrawdownAmount = amount;
    if (peak > 0 && amount / peak > maxDrawdown) maxDrawdown = amount / peak;
    dayIndex[days] = currentDay;
    dayEquity[days++] = equity;
    if (barEquity !== undefined) barEquity[last - start] = equity;
    if (trades.length !== seenTrades) {
      if (barExposed !== undefined && barExposed[last - start] === 0) {
        barExposed[last - start] = 1;
        exposedBars++;
      }
    }
  }
  control?.progress(end - start);

  const records: TradeRecord[] = [];
  if (collectTrades) {
    for (let k = 0; k < trades.length; k++) {
      const trade = trades[k] as ClosedTrade;
      const m = meta[k];
      records.push({
        ...trade,
        takeProfit: m?.takeProfit ?? null,
        stopLoss: m?.stopLoss ?? null,
        confidence: confidenceOf.get(trade.positionId) ?? null,
      });
    }
  }
  const tradedBars = end - start;
  return {
    symbol: instrument.symbol,
    capital,
    trades: records,
    closed: trades,
    dayIndex,
    dayEquity,
    days,
    ...(barEquity ? { barTime: (barTime as Float64Array).subarray(0, tradedBars), barEquity: barEquity.subarray(0, tradedBars), barExposed: (barExposed as Uint8Array).subarray(0, tradedBars) } : {}),
    tradedBars,
    exposedBars,
    firstTime: tradedBars > 0 ? (time[start] as number) : Number.NaN,
    lastTime: tradedBars > 0 ? (time[end - 1] as number) : Number.NaN,
    peakEquity: peak,
    maxDrawdown,
    maxDrawdownAmount,
    finalEquity: equity,
    tradeCount: trades.length,
    signalsGenerated,
    signalsFiltered: denied + (strategy.filteredSignals?.() ?? 0),
    refusals: [...refusals.values()],
    cancelled,
  };
}

