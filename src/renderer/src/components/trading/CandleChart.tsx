import { useEffect, useMemo, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, CandlestickChart, LineChart, ScatterChart } from 'echarts/charts';
import { AxisPointerComponent, DataZoomComponent, GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useShallow } from 'zustand/react/shallow';
import { buildChartOption } from '../../lib/chart-option';
import { currentView, MAX_SPAN, MIN_SPAN, useChartStore } from '../../stores/chart-store';

// Tree-shaken: only the chart types and components this chart draws.
echarts.use([CandlestickChart, BarChart, LineChart, ScatterChart, GridComponent, TooltipComponent, DataZoomComponent, AxisPointerComponent, MarkLineComponent, CanvasRenderer]);

interface ZoomEvent {
  start?: number;
  end?: number;
  startValue?: number;
  endValue?: number;
  batch?: ZoomEvent[];
}

/** The ECharts canvas. Data and view come from the chart store; zoom/pan by the trader goes back to it. */
export function CandleChart({ digits }: { digits: number }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const s = useChartStore(
    useShallow((st) => ({
      ctx: st.ctx,
      candles: st.candles,
      overlays: st.overlays,
      seriesMeta: st.seriesMeta,
      thresholds: st.thresholds,
      markers: st.markers,
      levels: st.levels,
      follow: st.follow,
      span: st.span,
      viewTimes: st.viewTimes,
    })),
  );
  const count = s.candles.time.length;
  const countRef = useRef(count);
  countRef.current = count;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const instance = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('datazoom', (raw: unknown) => {
      const e = raw as ZoomEvent;
      const z = e.batch?.[0] ?? e;
      const n = countRef.current;
      if (n === 0) return;
      // Percent of the category extent [0, n − 1] → bar indices.
      const start = z.startValue ?? Math.round(((z.start ?? 0) / 100) * (n - 1));
      const end = z.endValue ?? Math.round(((z.end ?? 100) / 100) * (n - 1));
      useChartStore.getState().onUserView(start, end);
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  const view = currentView(s);
  const option = useMemo(
    () =>
      buildChartOption({
        timeframe: s.ctx?.timeframe ?? '1M',
        digits,
        candles: s.candles,
        overlays: s.overlays,
        seriesMeta: s.seriesMeta,
        thresholds: s.thresholds,
        markers: s.markers,
        levels: s.levels,
        view,
        minSpan: MIN_SPAN,
        maxSpan: MAX_SPAN,
      }),
    // view is derived from these; listing its numbers keeps the option stable when nothing moved
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [s.ctx?.timeframe, digits, s.candles, s.overlays, s.seriesMeta, s.thresholds, s.markers, s.levels, view.start, view.end],
  );

  useEffect(() => {
    // replaceMerge: series matched by id are updated in place; studies that went away are removed.
    chart.current?.setOption(option, { replaceMerge: ['series'], lazyUpdate: true });
  }, [option]);

  const entries = s.markers.filter((m) => m.kind === 'entry').length;
  return (
    <div
      className="candle-chart"
      ref={host}
      data-testid="candle-chart"
      data-bars={count}
      data-markers={s.markers.length}
      data-entries={entries}
      data-exits={s.markers.length - entries}
      data-levels={s.levels.length}
      data-follow={s.follow}
    />
  );
}
