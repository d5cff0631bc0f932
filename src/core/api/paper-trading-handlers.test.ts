import { describe, expect, it } from 'vitest';
import { maxDrawdownPercent, sharpeOfDailyEquity } from './paper-trading-handlers';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 6);

describe('paper-trading performance figures', () => {
  it('max_drawdown: the largest fall from the running peak of the equity after each trade, current equity last', () => {
    // 10 000 → 10 500 (peak) → 9 975 (−5 %) → 10 200 → current 10 100.
    expect(maxDrawdownPercent(10_000, [{ pnl: 500 }, { pnl: -525 }, { pnl: 225 }], 10_100)).toBeCloseTo(5, 10);
    // A floating loss after the last trade counts as the last point.
    expect(maxDrawdownPercent(10_000, [{ pnl: 1_000 }], 9_900)).toBeCloseTo(10, 10);
    expect(maxDrawdownPercent(10_000, [], 10_000)).toBe(0);
    expect(maxDrawdownPercent(10_000, [{ pnl: 100 }, { pnl: 100 }], 10_300)).toBe(0);
  });

  it('sharpe_ratio: daily returns of the realized equity, sample sd, × √365; null with fewer than 2 days', () => {
    // Day 0: +100 (10 000 → 10 100), day 1: nothing, day 2: −50.
    const trades = [
      { pnl: 100, exitTime: T0 + 3_600_000 },
      { pnl: -50, exitTime: T0 + 2 * DAY + 3_600_000 },
    ];
    const r = [10_100 / 10_000 - 1, 0, 10_050 / 10_100 - 1];
    const mean = (r[0]! + r[1]! + r[2]!) / 3;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);
    expect(sharpeOfDailyEquity(10_000, trades, T0)).toBeCloseTo(Math.round((mean / sd) * Math.sqrt(365) * 100) / 100, 10);
    expect(sharpeOfDailyEquity(10_000, [{ pnl: 100, exitTime: T0 + 5 }], T0)).toBeNull();
    expect(sharpeOfDailyEquity(10_000, [], T0)).toBeNull();
    // No variation: null.
    expect(sharpeOfDailyEquity(10_000, [{ pnl: 0, exitTime: T0 + DAY }], T0)).toBeNull();
  });
});
