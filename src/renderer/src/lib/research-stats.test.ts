import { describe, expect, it } from 'vitest';
import { compareEquityOption, monteCarloOption } from './research-charts';
import { better, drawdownSeries, formatStat, STAT_ROWS, statDefinition, tradeMarkers, type BacktestTrade } from './research-stats';

const trade = (over: Partial<BacktestTrade>): BacktestTrade => ({
  trade_id: 1,
  symbol: 'XAUUSD',
  direction: 'LONG',
  entry_time: '2025-05-16T10:00:00Z',
  exit_time: '2025-05-16T11:00:00Z',
  entry_price: 3200,
  exit_price: 3210,
  position_size: 32000,
  quantity: 10,
  lots: 0.1,
  stop_loss: null,
  take_profit: null,
  pnl: 100,
  pnl_percent: 0.31,
  fees: 0,
  exit_reason: 'TAKE_PROFIT',
  duration_hours: 1,
  confidence: null,
  ...over,
});

describe('research statistics helpers', () => {
  it('measures drawdown from the running peak, starting at the initial capital', () => {
    const dd = drawdownSeries(
      [
        { date: 'a', equity: 9000 },
        { date: 'b', equity: 12000 },
        { date: 'c', equity: 9000 },
      ],
      10000,
    );
    expect(dd.map((v) => Number(v.toFixed(2)))).toEqual([-10, 0, -25]);
  });

  it('turns trades into entry/exit markers of one symbol, sides as the chart expects', () => {
    const markers = tradeMarkers([trade({}), trade({ trade_id: 2, direction: 'SHORT', pnl: -5 }), trade({ trade_id: 3, symbol: 'EURUSD' })], 'XAUUSD');
    expect(markers).toHaveLength(4);
    expect(markers[0]).toMatchObject({ kind: 'entry', side: 'BUY', position_id: '1', time: Date.parse('2025-05-16T10:00:00Z') });
    expect(markers[3]).toMatchObject({ kind: 'exit', side: 'SELL', pnl: -5, reason: 'TAKE_PROFIT' });
  });

  it('has a definition from the contract for every statistic row', () => {
    for (const row of STAT_ROWS) expect(statDefinition(row.key).length, row.key).toBeGreaterThan(5);
  });

  it('formats and ranks: lower drawdown is better, null is a dash', () => {
    expect(formatStat(-1234.5, 'usd')).toBe('−$1,234.50');
    expect(formatStat(null, 'ratio')).toBe('—');
    expect(better('max_drawdown', 10, 20)).toBe('a');
    expect(better('roi', 10, 20)).toBe('b');
    expect(better('total_trades', 10, 20)).toBeNull();
  });
});

describe('research charts', () => {
  it('places histogram bars at bin centres and draws one band per confidence level', () => {
    const option = monteCarloOption({
      distribution: [
        { roi: -10, frequency: 3 },
        { roi: -5, frequency: 7 },
      ],
      binWidth: 5,
      confidence: { '90%': { lower: -9, upper: -2 }, '95%': { lower: -9.5, upper: -1 } },
      originalRoi: -4,
      medianRoi: -5,
    });
    const series = (option.series as { data: unknown[]; markArea: { data: unknown[] } }[])[0]!;
    expect(series.data).toEqual([
      [-7.5, 3],
      [-2.5, 7],
    ]);
    expect(series.markArea.data).toHaveLength(2);
  });

  it('overlays runs as % return on the union of their dates', () => {
    const option = compareEquityOption([
      { label: 'a', initialCapital: 100, points: [{ date: '2025-01-01', equity: 110 }] },
      { label: 'b', initialCapital: 200, points: [{ date: '2025-01-02', equity: 100 }] },
    ]);
    const series = option.series as { data: (number | null)[] }[];
    expect(series[0]!.data).toEqual([10, null]);
    expect(series[1]!.data).toEqual([null, -50]);
  });
});
