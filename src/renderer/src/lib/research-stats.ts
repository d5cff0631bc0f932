import { backtestSummary } from '../../../shared/contract/backtest';
import type { OutputOf } from '../../../shared/contract/index';
import type { ChartMarkerInput } from './chart-option';

/**
 * Pure helpers of the Research workspace: the statistics table's rows (label, unit, definition from the contract,
 * so the tooltip says exactly what the engine computes), drawdown from an equity curve, trades → chart markers.
 */

export type BacktestView = OutputOf<'backtest.get'>;
export type BacktestSummary = NonNullable<BacktestView['results']>['summary'];
export type BacktestTrade = NonNullable<BacktestView['results']>['trades'][number];
export type EquityPoint = NonNullable<BacktestView['results']>['equity_curve'][number];
export type SummaryKey = keyof BacktestSummary;

type Unit = 'pct' | 'usd' | 'ratio' | 'count' | 'hours' | 'days';

/** Rows of the statistics table, in the order a trader reads them: return, risk, trades, costs. */
export const STAT_ROWS: readonly { key: SummaryKey; label: string; unit: Unit; higherIsBetter?: boolean }[] = [
  { key: 'roi', label: 'ROI', unit: 'pct', higherIsBetter: true },
  { key: 'total_pnl', label: 'Net P&L', unit: 'usd', higherIsBetter: true },
  { key: 'final_capital', label: 'Final capital', unit: 'usd', higherIsBetter: true },
  { key: 'cagr', label: 'CAGR', unit: 'pct', higherIsBetter: true },
  { key: 'sharpe_ratio', label: 'Sharpe', unit: 'ratio', higherIsBetter: true },
  { key: 'sortino_ratio', label: 'Sortino', unit: 'ratio', higherIsBetter: true },
  { key: 'max_drawdown', label: 'Max drawdown', unit: 'pct', higherIsBetter: false },
  { key: 'max_drawdown_amount', label: 'Max drawdown $', unit: 'usd', higherIsBetter: false },
  { key: 'profit_factor', label: 'Profit factor', unit: 'ratio', higherIsBetter: true },
  { key: 'win_rate', label: 'Win rate', unit: 'pct', higherIsBetter: true },
  { key: 'expectancy', label: 'Expectancy', unit: 'usd', higherIsBetter: true },
  { key: 'total_trades', label: 'Trades', unit: 'count' },
  { key: 'winning_trades', label: 'Winners', unit: 'count' },
  { key: 'losing_trades', label: 'Losers', unit: 'count' },
  { key: 'break_even_trades', label: 'Break-even', unit: 'count' },
  { key: 'avg_win', label: 'Avg win', unit: 'usd' },
  { key: 'avg_loss', label: 'Avg loss', unit: 'usd' },
  { key: 'largest_win', label: 'Largest win', unit: 'usd' },
  { key: 'largest_loss', label: 'Largest loss', unit: 'usd' },
  { key: 'gross_profit', label: 'Gross profit', unit: 'usd' },
  { key: 'gross_loss', label: 'Gross loss', unit: 'usd' },
  { key: 'total_fees', label: 'Fees', unit: 'usd' },
  { key: 'avg_trade_duration_hours', label: 'Avg duration', unit: 'hours' },
  { key: 'exposure', label: 'Exposure', unit: 'pct' },
  { key: 'annualization_days', label: 'Annualization', unit: 'days' },
];

/** The contract's own definition of a statistic (the same text the engine documents). */
export function statDefinition(key: SummaryKey): string {
  return (backtestSummary.shape[key] as { description?: string }).description ?? '';
}

const usd = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatStat(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'pct':
      return `${value.toFixed(2)} %`;
    case 'usd':
      return `${value < 0 ? '−' : ''}$${usd.format(Math.abs(value))}`;
    case 'ratio':
      return value.toFixed(2);
    case 'hours':
      return value < 48 ? `${value.toFixed(1)} h` : `${(value / 24).toFixed(1)} d`;
    case 'days':
      return `${value} d`;
    default:
      return String(value);
  }
}

/** Sign class for a statistic whose sign means something (P&L, ROI); neutral otherwise. */
export function statTone(key: SummaryKey, value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (['roi', 'total_pnl', 'cagr', 'expectancy', 'avg_win', 'avg_loss', 'largest_win', 'largest_loss'].includes(key)) {
    return value > 0 ? 'up' : value < 0 ? 'down' : '';
  }
  return '';
}

/** Which of two runs is better on a statistic: 'a', 'b' or null (equal, undefined or no direction). */
export function better(key: SummaryKey, a: number | null | undefined, b: number | null | undefined): 'a' | 'b' | null {
  const row = STAT_ROWS.find((r) => r.key === key);
  if (!row || row.higherIsBetter === undefined || a == null || b == null || a === b) return null;
  return (a > b) === row.higherIsBetter ? 'a' : 'b';
}

/** Drawdown of each point from the running peak, % of that peak (≤ 0), for the pane under the equity curve. */
export function drawdownSeries(points: readonly EquityPoint[], initialCapital: number): number[] {
  let peak = initialCapital;
  return points.map((p) => {
    peak = Math.max(peak, p.equity);
    return peak > 0 ? ((p.equity - peak) / peak) * 100 : 0;
  });
}

/** Backtest trades as the candle chart's entry/exit markers (▲▼ entries, ◆ exits joined by a dashed line). */
export function tradeMarkers(trades: readonly BacktestTrade[], symbol: string): ChartMarkerInput[] {
  const out: ChartMarkerInput[] = [];
  for (const t of trades) {
    if (t.symbol !== symbol) continue;
    const id = String(t.trade_id);
    const side = t.direction === 'LONG' ? 'BUY' : 'SELL';
    out.push({ position_id: id, kind: 'entry', side, time: Date.parse(t.entry_time), price: t.entry_price, lots: t.lots, reason: null, pnl: null });
    out.push({ position_id: id, kind: 'exit', side, time: Date.parse(t.exit_time), price: t.exit_price, lots: t.lots, reason: t.exit_reason, pnl: t.pnl });
  }
  return out;
}

/** "2025-05-15" (date input value) → the ISO string the backtest API takes, at midnight UTC. */
export function dateInputToIso(value: string): string {
  return `${value}T00:00:00Z`;
}

/** Price decimals for display when the instrument table is not at hand: from the price's size (gold 2, FX 5). */
export function guessDigits(price: number | undefined): number {
  if (price === undefined) return 2;
  return price >= 1000 ? 2 : price >= 10 ? 3 : 5;
}
