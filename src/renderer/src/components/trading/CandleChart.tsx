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

/** Both dataZoom components (inside + slider) to one bar range. */
const zoomTo = (v: { start: number; end: number }) => [
  { startValue: v.start, endValue: v.end },
  { startValue: v.start, endValue: v.end },
];

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
      atLiveEdge: st.atLiveEdge,
      follow: st.follow,
      span: st.span,
      viewTimes: st.viewTimes,
    })),
  );
  const count = s.candles.time.length;
  const countRef = useRef(count);
  countRef.current = count;
  /** The bar range ECharts is showing, as last set or reported: avoids echoing the trader's own zoom back. */
  const shownView = useRef<{ start: number; end: number } | null>(null);

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
      shownView.current = { start, end };
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

  // The data option does not depend on the view: a zoom or pan by the trader is ECharts' own work and must not
  // rebuild and resend thousands of bars on every mouse move.
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
        minSpan: MIN_SPAN,
        maxSpan: MAX_SPAN,
        atLiveEdge: s.atLiveEdge,
      }),
    [s.ctx?.timeframe, digits, s.candles, s.overlays, s.seriesMeta, s.thresholds, s.markers, s.levels, s.atLiveEdge],
  );
  const view = currentView(s);

  useEffect(() => {
    // New data: indices may have shifted (bars prepended or dropped), so the view is re-applied with it.
    const v = currentView(useChartStore.getState());
    shownView.current = v;
    // replaceMerge: series matched by id are updated in place; studies that went away are removed.
    const zoom = (option.dataZoom as object[]).map((z, i) => ({ ...z, ...zoomTo(v)[i] }));
    chart.current?.setOption({ ...option, dataZoom: zoom }, { replaceMerge: ['series'], lazyUpdate: true });
  }, [option]);

  useEffect(() => {
    // A view change that did not come from the chart itself (follow, go live): move the zoom only.
    const current = shownView.current;
    if (current && current.start === view.start && current.end === view.end) return;
    shownView.current = view;
    chart.current?.setOption({ dataZoom: zoomTo(view) }, { lazyUpdate: true });
  }, [view.start, view.end]); // eslint-disable-line react-hooks/exhaustive-deps

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
