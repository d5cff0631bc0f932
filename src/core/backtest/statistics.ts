/**
 * Backtest statistics: every figure the results report, with its definition. The API docs repeat these
 * definitions (src/shared/contract/backtest.ts), and statistics.test.ts checks each against hand-computed cases.
 *
 * Inputs: the closed trades (P&L net of commissions, in the account currency), the daily equity curve (equity at
 * the end of each UTC day that had a traded bar), and the bar-level measurements taken during the run (running
 * mark-to-market drawdown, bars with a position). Everything is in the account currency unless it says %.
 *
 * Conventions:
 * - A trade WINS when its net P&L > 0, LOSES when < 0; a trade of exactly 0 is break-even (neither, but counted
 *   in total_trades).
 * - A figure that is undefined for the run (no trades, no losing trade, fewer than two daily returns, no
 *   dispersion) is null, never 0 and never Infinity (JSON has no Infinity).
 */

export interface TradeOutcome {
  pnl: number;
  commission: number;
  entryTime: number;
  exitTime: number;
}

export interface EquityStats {
  initialCapital: number;
  finalEquity: number;
  /** Daily equity values in time order (the end of each UTC day with bars). */
  dailyEquity: ArrayLike<number>;
  dailyCount: number;
  /** Largest fall of mark-to-market equity from its running peak, as a fraction of that peak (0.025 = 2.5 %). */
  maxDrawdown: number;
  maxDrawdownAmount: number;
  tradedBars: number;
  exposedBars: number;
  /** Open time of the first traded bar, and the close time of the last one (its open + the bar length), ms. */
  startTime: number;
  endTime: number;
  /** Periods per year for Sharpe/Sortino: 252 (markets with weekends off), 365 (crypto, trading every day). */
  annualizationDays: number;
}

export interface Summary {
  /** ROI % = (final capital − initial capital) / initial capital × 100. */
  roi: number;
  /** Win rate % = winning trades / total trades × 100; null without trades. */
  win_rate: number | null;
  /**
   * Profit factor = gross profit / |gross loss| (sums of the winning and of the losing trades' net P&L).
   * null when there is no losing trade: the ratio is then +∞ (with wins) or 0/0 (without trades).
   */
  profit_factor: number | null;
  /**
   * Sharpe ratio = mean(r) / sd(r) × √A, r = the daily returns of the equity curve (r_d = E_d / E_{d−1} − 1, the
   * first day measured from the initial capital), sd the sample standard deviation (n − 1), A the annualization
   * days (252, or 365 for crypto). Risk-free rate 0. null with fewer than 2 returns or sd = 0.
   */
  sharpe_ratio: number | null;
  /**
   * Sortino ratio = mean(r) / DD × √A, DD = √(Σ min(r_d, 0)² / n) the downside deviation below 0 over all n daily
   * returns. null with fewer than 2 returns or no negative return.
   */
  sortino_ratio: number | null;
  /**
   * Max drawdown % = the largest fall of the mark-to-market equity (valued at every bar's close) from its running
   * peak, as % of that peak. A positive number (2.5 = a 2.5 % fall); 0 when equity never fell.
   */
  max_drawdown: number;
  /** The same fall in money (it need not be the same episode as the % figure). */
  max_drawdown_amount: number;
  total_trades: number;
  winning_trades: number;
  losing_trades: number;
  break_even_trades: number;
  /** Mean net P&L of the winning trades; null without one. */
  avg_win: number | null;
  /** Mean net P&L of the losing trades (a negative number); null without one. */
  avg_loss: number | null;
  largest_win: number | null;
  largest_loss: number | null;
  gross_profit: number;
  gross_loss: number;
  /** Mean of (exit time − entry time) in hours over all trades; null without trades. */
  avg_trade_duration_hours: number | null;
  final_capital: number;
  /** Sum of the trades' net P&L = final capital − initial capital. */
  total_pnl: number;
  /** Commissions paid, entry and exit (spread and slippage are in the fill prices, not here). */
  total_fees: number;
  /**
   * CAGR % = ((final / initial)^(1 / years) − 1) × 100, years = (end − start) / 365.25 days, start = the first
   * traded bar's open, end = the last traded bar's close. null when final ≤ 0 or the span is empty.
   */
  cagr: number | null;
  /** Exposure % = bars with a position open at any moment of the bar / traded bars × 100. */
  exposure: number;
  /** Expectancy = mean net P&L per trade = total_pnl / total_trades (break-even trades included); null without trades. */
  expectancy: number | null;
  /** The A used for Sharpe and Sortino. */
  annualization_days: number;
}

const YEAR_MS = 365.25 * 86_400_000;

export function mean(values: ArrayLike<number>, n = values.length): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  return sum / n;
}

/** Sample standard deviation (n − 1). */
export function sampleStdDev(values: ArrayLike<number>, n = values.length): number {
  const m = mean(values, n);
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - m;
    sq += d * d;
  }
  return Math.sqrt(sq / (n - 1));
}

/** r_d = E_d / E_{d−1} − 1, with E_{−1} = the initial capital. */
export function dailyReturns(initial: number, daily: ArrayLike<number>, count = daily.length): Float64Array {
  const out = new Float64Array(count);
  let previous = initial;
  for (let d = 0; d < count; d++) {
    const e = daily[d] as number;
    out[d] = previous !== 0 ? e / previous - 1 : 0;
    previous = e;
  }
  return out;
}

export function sharpeRatio(returns: ArrayLike<number>, annualizationDays: number, n = returns.length): number | null {
  if (n < 2) return null;
  const sd = sampleStdDev(returns, n);
  if (!(sd > 0)) return null;
  return (mean(returns, n) / sd) * Math.sqrt(annualizationDays);
}

export function sortinoRatio(returns: ArrayLike<number>, annualizationDays: number, n = returns.length): number | null {
  if (n < 2) return null;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i] as number;
    if (r < 0) sq += r * r;
  }
  if (sq === 0) return null;
  return (mean(returns, n) / Math.sqrt(sq / n)) * Math.sqrt(annualizationDays);
}

export function cagrPercent(initial: number, final: number, startTime: number, endTime: number): number | null {
  const years = (endTime - startTime) / YEAR_MS;
  if (!(years > 0) || !(initial > 0) || !(final > 0)) return null;
  return ((final / initial) ** (1 / years) - 1) * 100;
}

export function summarize(trades: readonly TradeOutcome[], equity: EquityStats): Summary {
  let wins = 0;
  let losses = 0;
  let even = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let largestWin: number | null = null;
  let largestLoss: number | null = null;
  let fees = 0;
  let durationMs = 0;
  let pnl = 0;
  for (const t of trades) {
    pnl += t.pnl;
    fees += t.commission;
    durationMs += t.exitTime - t.entryTime;
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
      if (largestWin === null || t.pnl > largestWin) largestWin = t.pnl;
    } else if (t.pnl < 0) {
      losses++;
      grossLoss += t.pnl;
      if (largestLoss === null || t.pnl < largestLoss) largestLoss = t.pnl;
    } else even++;
  }
  const total = trades.length;
  const { initialCapital, finalEquity, annualizationDays } = equity;
  const returns = dailyReturns(initialCapital, equity.dailyEquity, equity.dailyCount);
  return {
    roi: ((finalEquity - initialCapital) / initialCapital) * 100,
    win_rate: total > 0 ? (wins / total) * 100 : null,
    profit_factor: grossLoss < 0 ? grossProfit / -grossLoss : null,
    sharpe_ratio: sharpeRatio(returns, annualizationDays),
    sortino_ratio: sortinoRatio(returns, annualizationDays),
    max_drawdown: equity.maxDrawdown * 100,
    max_drawdown_amount: equity.maxDrawdownAmount,
    total_trades: total,
    winning_trades: wins,
    losing_trades: losses,
    break_even_trades: even,
    avg_win: wins > 0 ? grossProfit / wins : null,
    avg_loss: losses > 0 ? grossLoss / losses : null,
    largest_win: largestWin,
    largest_loss: largestLoss,
    gross_profit: grossProfit,
    gross_loss: grossLoss,
    avg_trade_duration_hours: total > 0 ? durationMs / total / 3_600_000 : null,
    final_capital: finalEquity,
    total_pnl: finalEquity - initialCapital,
    total_fees: fees,
    cagr: cagrPercent(initialCapital, finalEquity, equity.startTime, equity.endTime),
    exposure: equity.tradedBars > 0 ? (equity.exposedBars / equity.tradedBars) * 100 : 0,
    expectancy: total > 0 ? pnl / total : null,
    annualization_days: annualizationDays,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// A running account's figures from its closed trades (the paper account's performance view).

/** Largest fall of the equity after each closed trade from its running peak, in %; `current` is the last point. */
export function maxDrawdownPercent(initial: number, tradesByExit: readonly { pnl: number }[], current: number): number {
  let equity = initial;
  let peak = initial;
  let worst = 0;
  const visit = (value: number) => {
    if (value > peak) peak = value;
    if (peak > 0) worst = Math.max(worst, (peak - value) / peak);
  };
  for (const t of tradesByExit) {
    equity += t.pnl;
    visit(equity);
  }
  visit(current);
  return worst * 100;
}

/**
 * Sharpe ratio of the realized equity: the equity at the end of each UTC day (market clock) from the day of `start`
 * to the day of the last exit, through the same dailyReturns and sharpeRatio as a backtest (A = 365: the account
 * trades every day). null with no trades, fewer than 2 days or no variation.
 */
export function sharpeOfRealizedEquity(
  initial: number,
  tradesByExit: readonly { pnl: number; exitTime: number }[],
  start: number | null,
): number | null {
  if (tradesByExit.length === 0 || start === null) return null;
  const DAY = 86_400_000;
  const first = Math.floor(start / DAY);
  const last = Math.floor((tradesByExit[tradesByExit.length - 1] as { exitTime: number }).exitTime / DAY);
  if (last - first + 1 < 2 || last - first > 100_000) return null;
  const daily = new Float64Array(last - first + 1);
  let equity = initial;
  let k = 0;
  for (let day = first; day <= last; day++) {
    while (k < tradesByExit.length && Math.floor((tradesByExit[k] as { exitTime: number }).exitTime / DAY) <= day) {
      equity += (tradesByExit[k++] as { pnl: number }).pnl;
    }
    daily[day - first] = equity;
  }
  return sharpeRatio(dailyReturns(initial, daily), 365);
}
