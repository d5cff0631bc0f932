import type { SummaryFigures } from './metrics';

/**
 * Walk-forward analysis: optimize on a past (in-sample, IS) window, then trade the best parameters on the window
 * right after it (out-of-sample, OOS) which the optimization never saw; step forward by the OOS length; repeat.
 *
 * Windows (all times UTC, every window half-open [start, end)):
 *   window k (k = 0, 1, …): OOS_k = [S + IS + k·OOS, S + IS + (k+1)·OOS) clipped to the end date E;
 *   IS_k = [S + k·OOS, S + IS + k·OOS) when rolling (default), [S, S + IS + k·OOS) when anchored.
 * Windows are made while the OOS start is before E; the last OOS may be shorter than the others. A window whose IS
 * or OOS has no bars (a market holiday, a data gap) is dropped. IS and OOS never overlap, and the OOS windows tile
 * [S + IS, E) without gaps.
 *
 * Indicators are warmed on the bars before each window (they are seen, never traded), so an OOS run starts with
 * indicators as a live task would have them — no look-ahead: every bar an OOS run sees is before its own time.
 */

export const DAY_MS = 86_400_000;

export interface WindowBounds {
  /** 1-based, in time order. */
  windowId: number;
  isStart: number;
  isEnd: number;
  oosStart: number;
  oosEnd: number;
}

export function buildWindows(startMs: number, endMs: number, inSampleDays: number, outSampleDays: number, anchored = false): WindowBounds[] {
  const is = inSampleDays * DAY_MS;
  const oos = outSampleDays * DAY_MS;
  const windows: WindowBounds[] = [];
  for (let k = 0; ; k++) {
    const oosStart = startMs + is + k * oos;
    if (oosStart >= endMs) break;
    windows.push({
      windowId: k + 1,
      isStart: anchored ? startMs : startMs + k * oos,
      isEnd: oosStart,
      oosStart,
      oosEnd: Math.min(oosStart + oos, endMs),
    });
  }
  return windows;
}

/** First index i with time[i] ≥ t (time ascending); `length` when none. */
export function lowerBoundTime(time: ArrayLike<number>, length: number, t: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((time[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The date of the first and of the last UTC day a half-open [start, end) range covers: "2024-01-01", "2024-02-29". */
export function inclusiveDays(start: number, end: number): { first: string; last: string } {
  return { first: new Date(start).toISOString().slice(0, 10), last: new Date(Math.max(start, end - 1)).toISOString().slice(0, 10) };
}

export interface WindowMetrics {
  roi: number;
  sharpe_ratio: number | null;
  sortino_ratio: number | null;
  win_rate: number | null;
  profit_factor: number | null;
  max_drawdown: number;
  total_trades: number;
  total_pnl: number;
  final_capital: number;
}

export function windowMetrics(s: SummaryFigures): WindowMetrics {
  return {
    roi: s.roi,
    sharpe_ratio: s.sharpe_ratio,
    sortino_ratio: s.sortino_ratio,
    win_rate: s.win_rate,
    profit_factor: s.profit_factor,
    max_drawdown: s.max_drawdown,
    total_trades: s.total_trades,
    total_pnl: s.total_pnl,
    final_capital: s.final_capital,
  };
}

export interface OverallMetrics {
  /** Compounded OOS return, %: (Π (1 + roi_k / 100) − 1) × 100 over the windows' OOS ROIs. */
  total_roi: number;
  /** Mean OOS Sharpe ratio over the windows where it is defined; null when none. */
  avg_sharpe: number | null;
  /** Mean OOS win rate over the windows with trades; null when none. */
  avg_win_rate: number | null;
  /** Share of windows whose OOS ROI > 0, from 0 to 1 (0.85 = 85 % of the windows made money out of sample). */
  consistency_score: number;
  /**
   * Walk-forward efficiency = (Σ OOS ROI / Σ OOS days) / (Σ IS ROI / Σ IS days): the out-of-sample return per day
   * as a fraction of the in-sample return per day of the chosen parameters (1 = kept all of it). null when the
   * in-sample side is ≤ 0.
   */
  walk_forward_efficiency: number | null;
  avg_is_roi: number;
  avg_oos_roi: number;
  profitable_windows: number;
  total_windows: number;
  /** OOS trades over all windows. */
  total_trades: number;
  /** The largest OOS max drawdown of any window, %. */
  worst_max_drawdown: number;
}

export interface WindowOutcome {
  bounds: WindowBounds;
  inSample: SummaryFigures;
  outSample: SummaryFigures;
}

const round = (value: number, digits: number): number => {
  const r = Number(value.toFixed(digits));
  return Object.is(r, -0) ? 0 : r;
};

function meanOf(values: (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
}

export function overallMetrics(outcomes: readonly WindowOutcome[]): OverallMetrics {
  const n = outcomes.length;
  let growth = 1;
  let profitable = 0;
  let trades = 0;
  let worst = 0;
  let isRoi = 0;
  let oosRoi = 0;
  let isDays = 0;
  let oosDays = 0;
  for (const w of outcomes) {
    growth *= 1 + w.outSample.roi / 100;
    if (w.outSample.roi > 0) profitable++;
    trades += w.outSample.total_trades;
    worst = Math.max(worst, w.outSample.max_drawdown);
    isRoi += w.inSample.roi;
    oosRoi += w.outSample.roi;
    isDays += (w.bounds.isEnd - w.bounds.isStart) / DAY_MS;
    oosDays += (w.bounds.oosEnd - w.bounds.oosStart) / DAY_MS;
  }
  const isRate = isDays > 0 ? isRoi / isDays : 0;
  const efficiency = isRate > 0 && oosDays > 0 ? oosRoi / oosDays / isRate : null;
  const avgSharpe = meanOf(outcomes.map((w) => w.outSample.sharpe_ratio));
  const avgWin = meanOf(outcomes.map((w) => w.outSample.win_rate));
  return {
    total_roi: round((growth - 1) * 100, 2),
    avg_sharpe: avgSharpe === null ? null : round(avgSharpe, 2),
    avg_win_rate: avgWin === null ? null : round(avgWin, 2),
    consistency_score: n > 0 ? round(profitable / n, 4) : 0,
    walk_forward_efficiency: efficiency === null ? null : round(efficiency, 4),
    avg_is_roi: n > 0 ? round(isRoi / n, 2) : 0,
    avg_oos_roi: n > 0 ? round(oosRoi / n, 2) : 0,
    profitable_windows: profitable,
    total_windows: n,
    total_trades: trades,
    worst_max_drawdown: round(worst, 2),
  };
}
