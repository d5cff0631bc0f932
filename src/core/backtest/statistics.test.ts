import { describe, expect, it } from 'vitest';
import {
  cagrPercent,
  dailyReturns,
  maxDrawdownPercent,
  sampleStdDev,
  sharpeOfRealizedEquity,
  sharpeRatio,
  sortinoRatio,
  summarize,
  type EquityStats,
  type TradeOutcome,
} from './statistics';

/**
 * Every statistic against a case worked out by hand (the arithmetic is in the comments), plus the edge cases
 * where a figure is undefined and must be null rather than 0 or Infinity.
 */

const HOUR = 3_600_000;
const YEAR = 365.25 * 86_400_000;

const trade = (pnl: number, hours: number, commission = 1): TradeOutcome => ({ pnl, commission, entryTime: 0, exitTime: hours * HOUR });

// P&L 100, −50, 0, 200, −25 (net); one break-even trade; durations 2, 4, 6, 8, 10 h.
const trades = [trade(100, 2), trade(-50, 4), trade(0, 6), trade(200, 8), trade(-25, 10)];
// Daily equity from 1,000: 1,100 → 1,050 → 1,050 → 1,250 → 1,225 (final = 1,000 + 225).
const equity: EquityStats = {
  initialCapital: 1000,
  finalEquity: 1225,
  dailyEquity: [1100, 1050, 1050, 1250, 1225],
  dailyCount: 5,
  maxDrawdown: 0.05,
  maxDrawdownAmount: 60,
  tradedBars: 10,
  exposedBars: 4,
  startTime: 0,
  endTime: 2 * YEAR,
  annualizationDays: 252,
};

describe('summarize: a hand-computed case', () => {
  const s = summarize(trades, equity);

  it('counts trades: wins > 0, losses < 0, a 0 is break-even (counted in the total only)', () => {
    expect(s).toMatchObject({ total_trades: 5, winning_trades: 2, losing_trades: 2, break_even_trades: 1 });
    expect(s.win_rate).toBe(40); // 2 / 5 × 100
  });

  it('money figures: gross 300 / −75, averages, extremes, expectancy, fees', () => {
    expect(s.gross_profit).toBe(300);
    expect(s.gross_loss).toBe(-75);
    expect(s.profit_factor).toBe(4); // 300 / 75
    expect(s.avg_win).toBe(150); // 300 / 2
    expect(s.avg_loss).toBe(-37.5); // −75 / 2
    expect(s.largest_win).toBe(200);
    expect(s.largest_loss).toBe(-50);
    expect(s.expectancy).toBe(45); // 225 / 5
    expect(s.total_fees).toBe(5);
    expect(s.total_pnl).toBe(225);
    expect(s.final_capital).toBe(1225);
    expect(s.roi).toBeCloseTo(22.5, 12); // 225 / 1000 × 100
    expect(s.avg_trade_duration_hours).toBe(6); // (2 + 4 + 6 + 8 + 10) / 5
  });

  it('daily returns from the initial capital: 0.1, −0.0454…, 0, 0.1905…, −0.02', () => {
    const r = dailyReturns(1000, equity.dailyEquity);
    expect([...r]).toEqual([1100 / 1000 - 1, 1050 / 1100 - 1, 0, 1250 / 1050 - 1, 1225 / 1250 - 1]);
    // mean = 0.0450043290, sample sd (n − 1) = 0.0982603006
    expect(sampleStdDev(r)).toBeCloseTo(0.0982603006, 9);
  });

  it('Sharpe = mean / sd × √252 = 0.045004329 / 0.0982603006 × 15.8745 = 7.2707', () => {
    expect(s.sharpe_ratio).toBeCloseTo(7.27070414, 6);
    // crypto annualization: × √365
    expect(sharpeRatio(dailyReturns(1000, equity.dailyEquity), 365)).toBeCloseTo(8.75029379, 6);
  });

  it('Sortino = mean / √((0.0454545² + 0.02²) / 5) × √252 = 0.045004329 / 0.0222086276 × 15.8745 = 32.1687', () => {
    expect(s.sortino_ratio).toBeCloseTo(32.16865027, 6);
  });

  it('CAGR over exactly two years: (1225 / 1000)^(1/2) − 1 = 10.6797 %', () => {
    expect(s.cagr).toBeCloseTo(10.67971811, 6);
  });

  it('exposure = exposed / traded bars × 100; drawdown passed through as %', () => {
    expect(s.exposure).toBe(40);
    expect(s.max_drawdown).toBeCloseTo(5, 12);
    expect(s.max_drawdown_amount).toBe(60);
    expect(s.annualization_days).toBe(252);
  });
});

describe('summarize: undefined figures are null', () => {
  const flat: EquityStats = { ...equity, finalEquity: 1000, dailyEquity: [1000, 1000], dailyCount: 2, maxDrawdown: 0, maxDrawdownAmount: 0, exposedBars: 0 };

  it('no trades: win rate, averages, durations, expectancy and profit factor are null; Sharpe null (sd 0)', () => {
    const s = summarize([], flat);
    expect(s).toMatchObject({
      total_trades: 0,
      win_rate: null,
      profit_factor: null,
      avg_win: null,
      avg_loss: null,
      avg_trade_duration_hours: null,
      expectancy: null,
      sharpe_ratio: null,
      sortino_ratio: null,
      roi: 0,
      cagr: 0,
      exposure: 0,
    });
  });

  it('only winners: profit factor null (it would be +∞), avg_loss null', () => {
    const s = summarize([trade(10, 1), trade(5, 1)], { ...flat, finalEquity: 1015 });
    expect(s.profit_factor).toBeNull();
    expect(s.avg_loss).toBeNull();
    expect(s.win_rate).toBe(100);
  });

  it('only losers: profit factor 0, avg_win null', () => {
    const s = summarize([trade(-10, 1)], { ...flat, finalEquity: 990 });
    expect(s.profit_factor).toBe(0);
    expect(s.avg_win).toBeNull();
  });

  it('Sharpe/Sortino need two returns; Sortino needs a negative one', () => {
    expect(sharpeRatio([0.01], 252)).toBeNull();
    expect(sortinoRatio([0.01, 0.02], 252)).toBeNull();
    expect(sharpeRatio([0.01, 0.01, 0.01], 252)).toBeNull();
  });

  it('CAGR is null for a ruined account or an empty span', () => {
    expect(cagrPercent(1000, 0, 0, YEAR)).toBeNull();
    expect(cagrPercent(1000, 1100, 5, 5)).toBeNull();
    expect(cagrPercent(1000, 1100, 0, YEAR)).toBeCloseTo(10, 10);
  });
});

describe('a running account from its closed trades (paper-trading performance)', () => {
  const DAY = 86_400_000;
  const T0 = Date.UTC(2025, 0, 6);

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
    const m = (r[0]! + r[1]! + r[2]!) / 3;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / 2);
    expect(sharpeOfRealizedEquity(10_000, trades, T0)).toBeCloseTo((m / sd) * Math.sqrt(365), 10);
    expect(sharpeOfRealizedEquity(10_000, [{ pnl: 100, exitTime: T0 + 5 }], T0)).toBeNull();
    expect(sharpeOfRealizedEquity(10_000, [], T0)).toBeNull();
    // No variation: null.
    expect(sharpeOfRealizedEquity(10_000, [{ pnl: 0, exitTime: T0 + DAY }], T0)).toBeNull();
  });
});
