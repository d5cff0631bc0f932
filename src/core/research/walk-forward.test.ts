import { describe, expect, it } from 'vitest';
import { loadCandles } from '../../../test/kit/candles';
import type { SummaryFigures } from './metrics';
import { buildWindows, DAY_MS, inclusiveDays, lowerBoundTime, overallMetrics, type WindowOutcome } from './walk-forward';

const utc = (iso: string) => Date.parse(iso);

describe('walk-forward windows', () => {
  it('rolls IS then OOS by the OOS length, as in the spec example (60/30 days over Jan–Oct 2024)', () => {
    const windows = buildWindows(utc('2024-01-01T00:00:00Z'), utc('2024-11-01T00:00:00Z'), 60, 30);
    // 305 days: the first OOS starts on day 60, then every 30 days: 9 windows, the last OOS clipped to the end.
    expect(windows).toHaveLength(9);
    const first = windows[0]!;
    expect(inclusiveDays(first.isStart, first.isEnd)).toEqual({ first: '2024-01-01', last: '2024-02-29' });
    expect(inclusiveDays(first.oosStart, first.oosEnd)).toEqual({ first: '2024-03-01', last: '2024-03-30' });
    const second = windows[1]!;
    expect(inclusiveDays(second.isStart, second.isEnd)).toEqual({ first: '2024-01-31', last: '2024-03-30' });
    const last = windows[8]!;
    expect(last.oosEnd).toBe(utc('2024-11-01T00:00:00Z'));
    expect((last.oosEnd - last.oosStart) / DAY_MS).toBe(5);
    for (let k = 1; k < windows.length; k++) {
      expect(windows[k]!.oosStart).toBe(windows[k - 1]!.oosEnd); // the OOS windows tile the tested span
      expect(windows[k]!.isEnd).toBe(windows[k]!.oosStart);
      expect(windows[k]!.isEnd - windows[k]!.isStart).toBe(60 * DAY_MS);
    }
  });

  it('anchored windows keep the start and grow', () => {
    const windows = buildWindows(0, 100 * DAY_MS, 40, 20, true);
    expect(windows.map((w) => [w.isStart / DAY_MS, w.isEnd / DAY_MS, w.oosStart / DAY_MS, w.oosEnd / DAY_MS])).toEqual([
      [0, 40, 40, 60],
      [0, 60, 60, 80],
      [0, 80, 80, 100],
    ]);
  });

  it('maps onto real bars (XAUUSD H1 2018–2020) without overlap or look-ahead', () => {
    const bars = loadCandles('XAUUSD_H1_2018-04-01_2020-12-31.csv.gz');
    const start = utc('2019-01-01T00:00:00Z');
    const end = utc('2020-01-01T00:00:00Z');
    const windows = buildWindows(start, end, 90, 30);
    expect(windows).toHaveLength(10); // 275 days after the first IS: nine full OOS months and a last one of 5 days
    let previousOosTo = -1;
    for (const w of windows) {
      const isFrom = lowerBoundTime(bars.time, bars.length, w.isStart);
      const isTo = lowerBoundTime(bars.time, bars.length, w.isEnd);
      const oosFrom = lowerBoundTime(bars.time, bars.length, w.oosStart);
      const oosTo = lowerBoundTime(bars.time, bars.length, w.oosEnd);
      // Gold trades ~23 h a day, 5 days a week: 90 days ≈ 1500 H1 bars, 30 days ≈ 500.
      expect(isTo - isFrom).toBeGreaterThan(1400);
      expect(oosTo - oosFrom).toBeGreaterThan(w.oosEnd - w.oosStart === 30 * DAY_MS ? 400 : 50);
      expect(isTo).toBe(oosFrom); // the OOS starts with the first bar after the IS
      expect(bars.time[oosFrom - 1]!).toBeLessThan(w.oosStart);
      expect(bars.time[oosFrom]!).toBeGreaterThanOrEqual(w.oosStart);
      expect(bars.time[oosTo - 1]!).toBeLessThan(w.oosEnd);
      if (previousOosTo >= 0) expect(oosFrom).toBe(previousOosTo);
      previousOosTo = oosTo;
    }
  });
});

const summary = (roi: number, sharpe: number | null, winRate: number | null, trades = 4, dd = 3): SummaryFigures => ({
  roi,
  win_rate: winRate,
  profit_factor: null,
  sharpe_ratio: sharpe,
  sortino_ratio: null,
  max_drawdown: dd,
  total_trades: trades,
  total_pnl: roi * 100,
  final_capital: 10_000 + roi * 100,
  expectancy: null,
  cagr: null,
});

describe('overall walk-forward metrics', () => {
  it('compounds OOS returns, averages defined figures and scores consistency as the share of profitable OOS windows', () => {
    const bounds = (k: number) => ({ windowId: k, isStart: 0, isEnd: 60 * DAY_MS, oosStart: 60 * DAY_MS, oosEnd: 90 * DAY_MS });
    const outcomes: WindowOutcome[] = [
      { bounds: bounds(1), inSample: summary(6, 1.5, 60), outSample: summary(10, 1.2, 50, 5, 4) },
      { bounds: bounds(2), inSample: summary(4, 1.1, 55), outSample: summary(-5, null, 40, 3, 8) },
      { bounds: bounds(3), inSample: summary(2, 0.9, 52), outSample: summary(2, 0.6, null, 0, 1) },
      { bounds: bounds(4), inSample: summary(4, 1.0, 50), outSample: summary(0, 0.3, 45, 2, 2) },
    ];
    const m = overallMetrics(outcomes);
    // 1.10 × 0.95 × 1.02 × 1.00 = 1.06590 → 6.59 %
    expect(m.total_roi).toBe(6.59);
    expect(m.avg_sharpe).toBe(0.7); // (1.2 + 0.6 + 0.3) / 3; the undefined one left out
    expect(m.avg_win_rate).toBe(45); // (50 + 40 + 45) / 3
    expect(m.consistency_score).toBe(0.5); // OOS ROI > 0 in windows 1 and 3 (0 is not a profit)
    expect(m.profitable_windows).toBe(2);
    expect(m.total_windows).toBe(4);
    expect(m.total_trades).toBe(10);
    expect(m.worst_max_drawdown).toBe(8);
    expect(m.avg_is_roi).toBe(4);
    expect(m.avg_oos_roi).toBe(1.75);
    // (7 % / 120 OOS days) / (16 % / 240 IS days) = 0.875
    expect(m.walk_forward_efficiency).toBe(0.875);
  });

  it('has no efficiency when the in-sample side lost, and zeros without windows', () => {
    const b = { windowId: 1, isStart: 0, isEnd: DAY_MS, oosStart: DAY_MS, oosEnd: 2 * DAY_MS };
    expect(overallMetrics([{ bounds: b, inSample: summary(-1, null, null), outSample: summary(1, null, null) }]).walk_forward_efficiency).toBeNull();
    expect(overallMetrics([])).toMatchObject({ total_roi: 0, consistency_score: 0, avg_sharpe: null, total_windows: 0 });
  });
});
