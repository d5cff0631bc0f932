import { ACCOUNT_CURRENCY, accountRate } from '../domain/account-currency';
import { builtinInstrument, type Instrument } from '../domain/instruments';
import type { ExitReason } from '../domain/trading';
import type { OrderPolicySettings } from '../engine/order-policy';
import type { ExecutionModel } from '../engine/simulated-exchange';
import type { ResolvedConfig } from '../strategies/params';
import { findStrategy } from '../strategies/registry';
import type { StrategyDefinition } from '../strategies/strategy';
import { runSleeve, type RunControl, type SleeveResult, type TradeRecord } from './engine';
import { runWarnings } from './run-warnings';
import { summarize, type Summary } from './statistics';

/**
 * One backtest job as the API runs it: a strategy with one config over one or more symbols for a date range.
 * Plain data (structured-clonable), so it travels to a worker thread; the candle columns are SharedArrayBuffer-backed
 * Float64Arrays, which a worker receives as views on the same memory (no copy).
 *
 * Several symbols: the initial capital is split equally into one sleeve per symbol; each sleeve runs on its own
 * bars with its share (sizing by % of equity uses the sleeve's equity). Trades, daily equity and the bar-by-bar
 * mark-to-market equity are then combined: the portfolio equity at any moment is the sum of the sleeves' latest
 * equities (a sleeve before its first bar counts with its initial share).
 */

export interface SeriesColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

export interface SleeveJob {
  symbol: string;
  series: SeriesColumns;
  warmFrom: number;
  from: number;
  to: number;
}

export interface BacktestJob {
  strategy: string;
  config: ResolvedConfig;
  capital: number;
  timeframeMs: number;
  model: ExecutionModel;
  policy: OrderPolicySettings;
  sleeves: SleeveJob[];
  /** Keep trades and the equity curve (default); false for summary-only runs (optimizers). */
  collectTrades?: boolean;
}

export type ApiExitReason = Uppercase<ExitReason>;

export interface BacktestTradeView {
  trade_id: number;
  symbol: string;
  direction: 'LONG' | 'SHORT';
  entry_time: string;
  exit_time: string;
  entry_price: number;
  exit_price: number;
  /** Entry notional in the account currency: quantity × entry price (× quote→account rate). */
  position_size: number;
  /** Units of the base (shares, coins, ounces, currency units) = lots × contract size. */
  quantity: number;
  lots: number;
  stop_loss: number | null;
  take_profit: number | null;
  /** Net of commissions. */
  pnl: number;
  /** pnl / position_size × 100. */
  pnl_percent: number;
  fees: number;
  exit_reason: ApiExitReason;
  duration_hours: number;
  confidence: number | null;
}

export interface BacktestResults {
  summary: Summary;
  trades: BacktestTradeView[];
  equity_curve: { date: string; equity: number }[];
  signals_generated: number;
  signals_filtered: number;
  bars: number;
  per_symbol: { symbol: string; bars: number; total_trades: number; total_pnl: number; final_capital: number; roi: number }[];
  /** What the run found that the figures do not say: refused entries and why, no signal at all (see run-warnings.ts). */
  warnings: string[];
}

export interface BacktestOutcome {
  results: BacktestResults;
  cancelled: boolean;
}

const DAY_MS = 86_400_000;

/**
 * quote → account currency for a symbol; undefined means 1 (quoted in the account currency: the rate is 1 at any
 * price, a base-currency rate 1/price is not). Throws for crosses (no rate without a feed).
 */
export function accountRateFor(instrument: Instrument): ((price: number) => number) | undefined {
  if (accountRate(instrument, 1) === undefined) {
    throw new RangeError(
      `${instrument.symbol} is quoted in ${instrument.quoteCurrency}: its P&L cannot be converted to ${ACCOUNT_CURRENCY} without a ${instrument.quoteCurrency}${ACCOUNT_CURRENCY} price series`,
    );
  }
  if (accountRate(instrument, 2) === 1) return undefined;
  return (price) => accountRate(instrument, price) as number;
}

export function isoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

const POWERS = Array.from({ length: 16 }, (_, k) => 10 ** k);
/** Rounds to `digits` decimals (half away from zero); −0 becomes 0. Cheaper than Number(toFixed()). */
const round = (value: number, digits: number): number => {
  const f = POWERS[digits] as number;
  const r = (value < 0 ? -Math.round(-value * f) : Math.round(value * f)) / f;
  return r === 0 ? 0 : r;
};
const round2 = (value: number): number => round(value, 2);
const round2n = (value: number | null): number | null => (value === null ? null : round2(value));

/**
 * Runs every sleeve of the job and combines them. Synchronous and pure: the same job gives byte-identical results.
 */
export function executeBacktest(job: BacktestJob, control?: RunControl, definition?: StrategyDefinition): BacktestOutcome {
  const strategy = definition ?? findStrategy(job.strategy);
  if (!strategy) throw new RangeError(`Unknown strategy "${job.strategy}"`);
  const share = job.capital / job.sleeves.length;
  const multi = job.sleeves.length > 1;
  const collectTrades = job.collectTrades !== false;
  const sleeves: SleeveResult[] = [];
  const instruments: Instrument[] = [];
  let done = 0;
  let cancelled = false;
  for (const sleeve of job.sleeves) {
    const instrument = builtinInstrument(sleeve.symbol);
    if (!instrument) throw new RangeError(`No instrument data for ${sleeve.symbol}`);
    instruments.push(instrument);
    const accountRate = accountRateFor(instrument);
    const offset = done;
    const result = runSleeve(
      sleeve.series,
      {
        instrument,
        definition: strategy,
        config: job.config,
        capital: share,
        model: job.model,
        policy: job.policy,
        warmFrom: sleeve.warmFrom,
        from: sleeve.from,
        to: sleeve.to,
        collectTrades,
        collectBarEquity: multi,
        ...(accountRate ? { accountRate } : {}),
      },
      control && {
        shouldStop: () => control.shouldStop(),
        progress: (bars) => control.progress(offset + bars),
      },
    );
    sleeves.push(result);
    done += result.tradedBars;
    if (result.cancelled) {
      cancelled = true;
      break;
    }
  }
  return { results: combine(job, sleeves, instruments, collectTrades), cancelled };
}

function combine(job: BacktestJob, sleeves: SleeveResult[], instruments: Instrument[], collectTrades: boolean): BacktestResults {
  const capital = job.capital;
  const allCrypto = instruments.every((i) => i.assetClass === 'crypto');
  const annualizationDays = allCrypto ? 365 : 252;

  // Daily equity: union of days, each sleeve carried forward.
  const dayMap = new Map<number, number>();
  for (const s of sleeves) for (let d = 0; d < s.days; d++) dayMap.set(s.dayIndex[d] as number, 0);
  const days = [...dayMap.keys()].sort((a, b) => a - b);
  const dailyEquity = new Float64Array(days.length);
  for (const s of sleeves) {
    let k = 0;
    let current = s.capital;
    for (let d = 0; d < days.length; d++) {
      while (k < s.days && (s.dayIndex[k] as number) <= (days[d] as number)) current = s.dayEquity[k++] as number;
      dailyEquity[d] = (dailyEquity[d] as number) + current;
    }
  }
  // Sleeves that were never run (cancelled before them) keep their capital.
  const idle = (job.sleeves.length - sleeves.length) * (capital / job.sleeves.length);
  if (idle) for (let d = 0; d < days.length; d++) dailyEquity[d] = (dailyEquity[d] as number) + idle;

  let finalEquity = idle;
  for (const s of sleeves) finalEquity += s.finalEquity;

  let maxDrawdown = 0;
  let maxDrawdownAmount = 0;
  let tradedBars = 0;
  let exposedBars = 0;
  if (sleeves.length === 1) {
    const s = sleeves[0] as SleeveResult;
    maxDrawdown = s.maxDrawdown;
    maxDrawdownAmount = s.maxDrawdownAmount;
    tradedBars = s.tradedBars;
    exposedBars = s.exposedBars;
  } else if (sleeves.length > 1) {
    ({ maxDrawdown, maxDrawdownAmount, tradedBars, exposedBars } = mergeBars(sleeves, idle));
  }

  const trades: (TradeRecord & { instrument: Instrument })[] = [];
  sleeves.forEach((s, k) => s.trades.forEach((t) => trades.push({ ...t, instrument: instruments[k] as Instrument })));
  trades.sort((a, b) => a.entryTime - b.entryTime || a.exitTime - b.exitTime || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));

  let start = Infinity;
  let end = -Infinity;
  for (const s of sleeves) {
    if (s.tradedBars === 0) continue;
    start = Math.min(start, s.firstTime);
    end = Math.max(end, s.lastTime + job.timeframeMs);
  }
  // Summary-only runs (optimizers) keep no trade records, but their summary still counts every closed trade.
  const outcomes = collectTrades ? trades : sleeves.flatMap((s) => s.closed);
  const summary = summarize(outcomes, {
    initialCapital: capital,
    finalEquity,
    dailyEquity,
    dailyCount: days.length,
    maxDrawdown,
    maxDrawdownAmount,
    tradedBars,
    exposedBars,
    startTime: start,
    endTime: end,
    annualizationDays,
  });

  return {
    summary: roundSummary(summary),
    trades: collectTrades ? trades.map((t, k) => tradeView(t, k + 1, t.instrument)) : [],
    equity_curve: collectTrades ? days.map((day, d) => ({ date: isoTime(day * DAY_MS).slice(0, 10), equity: round2(dailyEquity[d] as number) })) : [],
    signals_generated: sleeves.reduce((n, s) => n + s.signalsGenerated, 0),
    signals_filtered: sleeves.reduce((n, s) => n + s.signalsFiltered, 0),
    bars: sleeves.reduce((n, s) => n + s.tradedBars, 0),
    per_symbol: sleeves.map((s) => ({
      symbol: s.symbol,
      bars: s.tradedBars,
      total_trades: s.tradeCount,
      total_pnl: round2(s.finalEquity - s.capital),
      final_capital: round2(s.finalEquity),
      roi: round2(((s.finalEquity - s.capital) / s.capital) * 100),
    })),
    warnings: runWarnings(
      { strategy: job.strategy, config: job.config, policy: job.policy, symbols: job.sleeves.length },
      sleeves.map((s, k) => {
        const instrument = instruments[k] as Instrument;
        const refused = s.refusals.reduce((n, r) => n + r.count, 0);
        const accountRate = accountRateFor(instrument);
        return {
          instrument,
          capital: s.capital,
          tradeCount: s.tradeCount,
          signalsGenerated: s.signalsGenerated,
          strategyFiltered: s.signalsFiltered - refused,
          tradedBars: s.tradedBars,
          refusals: s.refusals,
          ...(accountRate ? { accountRate } : {}),
        };
      }),
    ),
  };
}

/** Portfolio mark-to-market over the union of bar times: drawdown of the summed equity, exposure of any sleeve. */
function mergeBars(sleeves: SleeveResult[], idle: number): { maxDrawdown: number; maxDrawdownAmount: number; tradedBars: number; exposedBars: number } {
  const k = sleeves.length;
  const pos = new Int32Array(k);
  const equity = new Float64Array(k);
  const exposed = new Uint8Array(k);
  sleeves.forEach((s, j) => (equity[j] = s.capital));
  let peak = -Infinity;
  let maxDrawdown = 0;
  let maxDrawdownAmount = 0;
  let moments = 0;
  let exposedMoments = 0;
  for (;;) {
    let t = Infinity;
    for (let j = 0; j < k; j++) {
      const s = sleeves[j] as SleeveResult;
      if ((pos[j] as number) < s.tradedBars) t = Math.min(t, (s.barTime as Float64Array)[pos[j] as number] as number);
    }
    if (t === Infinity) break;
    for (let j = 0; j < k; j++) {
      const s = sleeves[j] as SleeveResult;
      const p = pos[j] as number;
      if (p < s.tradedBars && (s.barTime as Float64Array)[p] === t) {
        equity[j] = (s.barEquity as Float64Array)[p] as number;
        exposed[j] = (s.barExposed as Uint8Array)[p] as number;
        pos[j] = p + 1;
      }
    }
    let total = idle;
    let any = 0;
    for (let j = 0; j < k; j++) {
      total += equity[j] as number;
      any |= exposed[j] as number;
    }
    moments++;
    exposedMoments += any;
    if (total > peak) peak = total;
    else {
      const amount = peak - total;
      if (amount > maxDrawdownAmount) maxDrawdownAmount = amount;
      if (amount / peak > maxDrawdown) maxDrawdown = amount / peak;
    }
  }
  return { maxDrawdown, maxDrawdownAmount, tradedBars: moments, exposedBars: exposedMoments };
}

function roundSummary(s: Summary): Summary {
  return {
    roi: round2(s.roi),
    win_rate: round2n(s.win_rate),
    profit_factor: round2n(s.profit_factor),
    sharpe_ratio: round2n(s.sharpe_ratio),
    sortino_ratio: round2n(s.sortino_ratio),
    max_drawdown: round2(s.max_drawdown),
    max_drawdown_amount: round2(s.max_drawdown_amount),
    total_trades: s.total_trades,
    winning_trades: s.winning_trades,
    losing_trades: s.losing_trades,
    break_even_trades: s.break_even_trades,
    avg_win: round2n(s.avg_win),
    avg_loss: round2n(s.avg_loss),
    largest_win: round2n(s.largest_win),
    largest_loss: round2n(s.largest_loss),
    gross_profit: round2(s.gross_profit),
    gross_loss: round2(s.gross_loss),
    avg_trade_duration_hours: round2n(s.avg_trade_duration_hours),
    final_capital: round2(s.final_capital),
    total_pnl: round2(s.total_pnl),
    total_fees: round2(s.total_fees),
    cagr: round2n(s.cagr),
    exposure: round2(s.exposure),
    expectancy: round2n(s.expectancy),
    annualization_days: s.annualization_days,
  };
}

function tradeView(t: TradeRecord, id: number, instrument: Instrument): BacktestTradeView {
  const digits = instrument.digits + 2;
  const rate = (price: number) => (accountRate(instrument, price) ?? Number.NaN);
  const quantity = t.lots * instrument.contractSize;
  const notional = quantity * t.entryPrice * rate(t.entryPrice);
  return {
    trade_id: id,
    symbol: t.symbol,
    direction: t.side === 'BUY' ? 'LONG' : 'SHORT',
    entry_time: isoTime(t.entryTime),
    exit_time: isoTime(t.exitTime),
    entry_price: round(t.entryPrice, digits),
    exit_price: round(t.exitPrice, digits),
    position_size: round2(notional),
    quantity: round(quantity, 8),
    lots: round(t.lots, 8),
    stop_loss: t.stopLoss === null ? null : round(t.stopLoss, digits),
    take_profit: t.takeProfit === null ? null : round(t.takeProfit, digits),
    pnl: round2(t.pnl),
    pnl_percent: notional > 0 ? round2((t.pnl / notional) * 100) : 0,
    fees: round2(t.commission),
    exit_reason: t.exitReason.toUpperCase() as ApiExitReason,
    duration_hours: round2((t.exitTime - t.entryTime) / 3_600_000),
    confidence: t.confidence === null ? null : round(t.confidence, 4),
  };
}
