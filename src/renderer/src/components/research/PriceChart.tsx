import { useEffect, useMemo, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, CandlestickChart, LineChart, ScatterChart } from 'echarts/charts';
import { AxisPointerComponent, DataZoomComponent, GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { barIndexAt, emptyOverlays } from '../../lib/candle-window';
import { buildChartOption } from '../../lib/chart-option';
import { tradeMarkers, type BacktestView } from '../../lib/research-stats';
import { useResearchStore } from '../../stores/research-store';

echarts.use([CandlestickChart, BarChart, LineChart, ScatterChart, GridComponent, TooltipComponent, DataZoomComponent, AxisPointerComponent, MarkLineComponent, CanvasRenderer]);

/** Bars shown at once: enough to read a trade and its context, few enough for candles to be candles. */
const VIEW_BARS = 240;
const NO_OVERLAYS = emptyOverlays();

/**
 * The run's price over its range with every entry (▲▼) and exit (◆) from its trades, using the trading chart's own
 * option builder. Opens on the first trade; a click on a trade row centres the chart on that trade.
 */
export function PriceChart({ run, symbol, digits }: { run: BacktestView; symbol: string; digits: number }) {
  const candles = useResearchStore((s) => s.candles);
  const error = useResearchStore((s) => s.candlesError);
  const focusTradeId = useResearchStore((s) => s.focusTradeId);
  const loadCandles = useResearchStore((s) => s.loadCandles);
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const trades = run.results?.trades ?? [];

  useEffect(() => void loadCandles(run, symbol), [run, symbol, loadCandles]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const instance = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  const markers = useMemo(() => tradeMarkers(trades, symbol), [trades, symbol]);
  const option = useMemo(
    () =>
      buildChartOption({
        timeframe: run.timeframe.toUpperCase(),
        digits,
        candles,
        overlays: NO_OVERLAYS,
        seriesMeta: [],
        thresholds: [],
        markers,
        levels: [],
        minSpan: 20,
        maxSpan: Math.max(20, candles.time.length),
        atLiveEdge: false,
      }),
    [run.timeframe, digits, candles, markers],
  );

  useEffect(() => {
    const n = candles.time.length;
    if (!chart.current || n === 0) return;
    const trade = trades.find((t) => t.trade_id === focusTradeId && t.symbol === symbol) ?? trades.find((t) => t.symbol === symbol);
    const centre = trade ? Math.round((barIndexAt(candles.time, Date.parse(trade.entry_time)) + barIndexAt(candles.time, Date.parse(trade.exit_time))) / 2) : n - 1;
    const start = Math.max(0, Math.min(n - VIEW_BARS, centre - VIEW_BARS / 2));
    const end = Math.min(n - 1, start + VIEW_BARS);
    const zoom = (option.dataZoom as object[]).map((z) => ({ ...z, startValue: start, endValue: end }));
    chart.current.setOption({ ...option, dataZoom: zoom }, { notMerge: true, lazyUpdate: true });
  }, [option, focusTradeId, candles, trades, symbol]);

  const entries = markers.filter((m) => m.kind === 'entry').length;
  return (
    <div className="rs-price">
      {error && <div className="feedback error">{error}</div>}
      <div className="rs-price-chart" ref={host} data-testid="price-chart" data-bars={candles.time.length} data-entries={entries} data-exits={markers.length - entries} />
    </div>
  );
}
