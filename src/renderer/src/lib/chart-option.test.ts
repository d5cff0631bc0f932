import { describe, expect, it } from 'vitest';
import { emptyCandles } from './candle-window';
import { buildChartOption, type ChartModel } from './chart-option';

const M = 60_000;
function model(overrides: Partial<ChartModel> = {}): ChartModel {
  const candles = emptyCandles();
  for (let i = 0; i < 10; i++) {
    candles.time.push(i * M);
    candles.open.push(1 + i / 100);
    candles.close.push(1 + i / 100 + (i % 2 ? 0.005 : -0.005));
    candles.high.push(1.1);
    candles.low.push(0.9);
    candles.volume.push(100 + i);
  }
  return {
    timeframe: '1M', digits: 5, candles,
    overlays: { time: candles.time.slice(2), values: { fast_ma: candles.close.slice(2) } },
    seriesMeta: [{ key: 'fast_ma', label: 'SMA(2)', pane: 'price' }],
    thresholds: [], markers: [], levels: [], minSpan: 20, maxSpan: 2500, atLiveEdge: true,
    ...overrides,
  };
}

type AnySeries = { id: string; data: unknown[]; markLine?: { data: { yAxis: number; label?: { formatter?: string } }[]; precision?: number } };
const series = (o: ReturnType<typeof buildChartOption>) => o.series as unknown as AnySeries[];
const byId = (o: ReturnType<typeof buildChartOption>, id: string) => series(o).find((s) => s.id === id) as AnySeries;

describe('chart option', () => {
  it('draws candles as [open, close, low, high], volume split by direction, overlay lines aligned by time', () => {
    const o = buildChartOption(model());
    expect(byId(o, 'candles').data[0]).toEqual([1, 0.995, 0.9, 1.1]);
    expect(byId(o, 'volume-up').data.slice(0, 2)).toEqual(['-', 101]);
    expect(byId(o, 'volume-down').data.slice(0, 2)).toEqual([100, '-']);
    const fast = byId(o, 'study-fast_ma').data;
    expect(fast.slice(0, 3)).toEqual([null, null, model().candles.close[2]]);
    expect(fast).toHaveLength(10);
  });

  it('places levels at their exact prices (mark-line precision) and the last price only at the live edge', () => {
    const levels = [
      { kind: 'take_profit' as const, price: 1.03907, label: 'TP' },
      { kind: 'stop_loss' as const, price: 1.03107, label: 'SL' },
    ];
    const o = buildChartOption(model({ levels }));
    const ml = byId(o, 'candles').markLine!;
    expect(ml.precision).toBeGreaterThanOrEqual(5);
    expect(ml.data.map((d) => d.yAxis)).toEqual([1.03907, 1.03107, 1.095]);
    expect(ml.data[0]?.label?.formatter).toBe('TP 1.03907');
    const past = buildChartOption(model({ levels, atLiveEdge: false }));
    expect(byId(past, 'candles').markLine!.data).toHaveLength(2);
  });

  it('puts entry/exit markers on the bar containing their fill and links an exit to its entry', () => {
    const markers = [
      { position_id: 'p1', kind: 'entry' as const, side: 'BUY', time: 3 * M, price: 1.02, lots: 0.1, reason: null, pnl: null },
      { position_id: 'p1', kind: 'exit' as const, side: 'BUY', time: 6 * M + 5_000, price: 1.05, lots: 0.1, reason: 'take_profit', pnl: 30 },
      { position_id: 'p0', kind: 'exit' as const, side: 'SELL', time: -M, price: 1, lots: 0.1, reason: 'signal', pnl: -1 },
    ];
    const o = buildChartOption(model({ markers }));
    expect((byId(o, 'entries').data[0] as { value: number[] }).value).toEqual([3, 1.02]);
    expect(byId(o, 'exits').data.map((d) => (d as { value: number[] }).value)).toEqual([[6, 1.05]]); // p0 is before the window
    expect(byId(o, 'exits').markLine!.data).toHaveLength(1);
  });

  it('adds the oscillator pane with its thresholds only when the strategy has one', () => {
    expect((buildChartOption(model()).xAxis as { axisLabel: { show: boolean } }[])[1]?.axisLabel.show).toBe(true);
    const o = buildChartOption(
      model({
        seriesMeta: [{ key: 'zscore', label: 'Z(20)', pane: 'oscillator' }],
        overlays: { time: [0], values: { zscore: [0.5] } },
        thresholds: [{ pane: 'oscillator', value: 1.5, label: 'SELL z' }, { pane: 'oscillator', value: -1.5, label: 'BUY z' }],
      }),
    );
    const z = byId(o, 'study-zscore') as AnySeries & { xAxisIndex: number };
    expect(z.xAxisIndex).toBe(2);
    expect(z.markLine!.data.map((d) => d.yAxis)).toEqual([0, 1.5, -1.5]);
    expect((o.xAxis as { axisLabel: { show: boolean } }[])[2]?.axisLabel.show).toBe(true);
  });
});
