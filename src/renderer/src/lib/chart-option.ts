import type { BarSeriesOption, CandlestickSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type {
  AxisPointerComponentOption,
  DataZoomComponentOption,
  GridComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { barIndexAt, type CandleColumns, type OverlayColumns } from './candle-window';
import { escapeHtml } from './escape-html';
import { formatAxisTime, formatLots, formatPnl, formatPrice, formatUtc } from './trading-format';

/**
 * The candlestick chart as an ECharts option, built from the loaded window: price pane (candles, strategy lines,
 * entry/exit markers, TP/SL/grid lines, last price), volume pane, and an oscillator pane when the strategy has one
 * (the z-score with its thresholds). Pure: the component only hands it to ECharts.
 */

export type ChartOption = ComposeOption<
  | CandlestickSeriesOption
  | BarSeriesOption
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | DataZoomComponentOption
  | TooltipComponentOption
  | MarkLineComponentOption
  | AxisPointerComponentOption
>;

export interface ChartMarkerInput {
  position_id: string;
  kind: 'entry' | 'exit';
  side: string;
  time: number;
  price: number;
  lots: number;
  reason: string | null;
  pnl: number | null;
}

export interface ChartLevelInput {
  kind: 'entry' | 'take_profit' | 'stop_loss' | 'next_grid';
  price: number;
  label: string;
}

export interface ChartModel {
  timeframe: string;
  digits: number;
  candles: CandleColumns;
  overlays: OverlayColumns;
  seriesMeta: readonly { key: string; label: string; pane: 'price' | 'oscillator' }[];
  thresholds: readonly { pane: 'price' | 'oscillator'; value: number; label: string }[];
  markers: readonly ChartMarkerInput[];
  levels: readonly ChartLevelInput[];
  minSpan: number;
  maxSpan: number;
  /** The newest loaded bar is the market's newest: draw the last-price line (not for a window in the past). */
  atLiveEdge: boolean;
}

export const CHART_COLORS = {
  up: '#2ebd85',
  down: '#f0544f',
  upVolume: 'rgba(46, 189, 133, 0.45)',
  downVolume: 'rgba(240, 84, 79, 0.45)',
  axis: '#313b47',
  split: '#1b222a',
  label: '#8793a1',
  text: '#d5dce5',
  takeProfit: '#2ebd85',
  stopLoss: '#f0544f',
  entry: '#8793a1',
  grid: '#f0b429',
};

/** Line colours by study key, so a line keeps its colour across reloads. */
const LINE_COLORS: Record<string, string> = {
  lookback_high: '#e6a23c',
  lookback_low: '#3fb6d9',
  fast_ma: '#3d8bfd',
  slow_ma: '#c678dd',
  zscore: '#c678dd',
};
const FALLBACK_LINE_COLORS = ['#3d8bfd', '#e6a23c', '#3fb6d9', '#c678dd'];

const FONT = "'Inter', 'Segoe UI', 'Liberation Sans', Arial, sans-serif";
const MONO = "'JetBrains Mono', 'SF Mono', Consolas, 'Liberation Mono', monospace";
const LEFT = 8;
const RIGHT = 74;

/** Overlay values re-indexed onto the candles (both come from the same bars; missing ones are null). */
function alignOverlays(candles: CandleColumns, overlays: OverlayColumns, key: string): (number | null)[] {
  const values = overlays.values[key];
  const out: (number | null)[] = new Array(candles.time.length).fill(null);
  if (!values) return out;
  const index = new Map<number, number>();
  overlays.time.forEach((t, i) => index.set(t, i));
  candles.time.forEach((t, i) => {
    const j = index.get(t);
    if (j !== undefined) out[i] = values[j] ?? null;
  });
  return out;
}

function levelStyle(kind: ChartLevelInput['kind']): { color: string; type: 'solid' | 'dashed' | 'dotted'; width: number } {
  switch (kind) {
    case 'take_profit':
      return { color: CHART_COLORS.takeProfit, type: 'dashed', width: 1.2 };
    case 'stop_loss':
      return { color: CHART_COLORS.stopLoss, type: 'dashed', width: 1.2 };
    case 'next_grid':
      return { color: CHART_COLORS.grid, type: 'dotted', width: 1.2 };
    default:
      return { color: CHART_COLORS.entry, type: 'solid', width: 1 };
  }
}

export function buildChartOption(m: ChartModel): ChartOption {
  const { candles, digits } = m;
  const n = candles.time.length;
  const price = (v: number) => formatPrice(v, digits);
  const hasOscillator = m.seriesMeta.some((s) => s.pane === 'oscillator');
  const layout = hasOscillator
    ? { price: { top: 30, height: '55%' }, volume: { top: '62%', height: '10%' }, osc: { top: '75%', height: '15%' } }
    : { price: { top: 30, height: '66%' }, volume: { top: '74%', height: '16%' }, osc: { top: '96%', height: '0%' } };

  const candleData = candles.time.map((_, i) => [candles.open[i], candles.close[i], candles.low[i], candles.high[i]] as number[]);
  const lastClose = candles.close[n - 1];
  const lastUp = n > 0 && (candles.close[n - 1] as number) >= (candles.open[n - 1] as number);

  // Entries (▲ buy / ▼ sell) and exits (◆), placed on the bar that contains their fill time.
  const entryIndex = new Map<string, { i: number; price: number }>();
  type ScatterItem = Exclude<NonNullable<ScatterSeriesOption['data']>, ArrayLike<number>>[number];
  const entries: ScatterItem[] = [];
  const exits: ScatterItem[] = [];
  const tradeLines: NonNullable<MarkLineComponentOption['data']> = [];
  for (const mk of m.markers) {
    const i = barIndexAt(candles.time, mk.time);
    if (i < 0 || i >= n) continue;
    const buy = mk.side === 'BUY';
    if (mk.kind === 'entry') {
      entryIndex.set(mk.position_id, { i, price: mk.price });
      entries.push({
        value: [i, mk.price],
        symbol: 'triangle',
        symbolRotate: buy ? 0 : 180,
        symbolOffset: [0, buy ? 7 : -7],
        itemStyle: { color: buy ? CHART_COLORS.up : CHART_COLORS.down, borderColor: '#0f1318', borderWidth: 1 },
      });
    } else {
      const win = (mk.pnl ?? 0) >= 0;
      exits.push({
        value: [i, mk.price],
        symbol: 'diamond',
        itemStyle: { color: '#0f1318', borderColor: win ? CHART_COLORS.up : CHART_COLORS.down, borderWidth: 1.6 },
      });
      const entry = entryIndex.get(mk.position_id);
      if (entry) {
        tradeLines.push([
          { coord: [entry.i, entry.price], lineStyle: { color: win ? CHART_COLORS.up : CHART_COLORS.down, type: 'dashed', width: 1, opacity: 0.7 } },
          { coord: [i, mk.price] },
        ]);
      }
    }
  }

  /** A horizontal mark line. Its markLine needs `precision`: ECharts rounds mark-line values to 2 decimals by default. */
  const hLine = (value: number, style: Record<string, unknown>): NonNullable<MarkLineComponentOption['data']>[number] => ({ yAxis: value, ...style });

  const levelLines: NonNullable<MarkLineComponentOption['data']> = m.levels.map((lv) => {
    const style = levelStyle(lv.kind);
    return hLine(lv.price, {
      lineStyle: { color: style.color, type: style.type, width: style.width },
      label: {
        show: true,
        // Entries read from the left (where they were opened), protection levels at the live edge.
        position: lv.kind === 'entry' ? 'insideStartTop' : 'insideEndTop',
        color: style.color,
        backgroundColor: 'rgba(15, 19, 24, 0.8)',
        padding: [1, 3],
        fontFamily: MONO,
        fontSize: 10,
        formatter: `${lv.label} ${price(lv.price)}`,
      },
    });
  });
  if (lastClose !== undefined && m.atLiveEdge) {
    const color = lastUp ? CHART_COLORS.up : CHART_COLORS.down;
    levelLines.push(
      hLine(lastClose, {
        lineStyle: { color, type: 'dotted', width: 1, opacity: 0.8 },
        label: {
          show: true,
          position: 'end',
          color: '#fff',
          backgroundColor: color,
          padding: [2, 4],
          borderRadius: 2,
          fontFamily: MONO,
          fontSize: 10,
          formatter: price(lastClose),
        },
      }),
    );
  }

  const lineSeries: LineSeriesOption[] = m.seriesMeta.map((meta, k) => {
    const oscillator = meta.pane === 'oscillator';
    const color = LINE_COLORS[meta.key] ?? FALLBACK_LINE_COLORS[k % FALLBACK_LINE_COLORS.length];
    const thresholds = m.thresholds.filter((t) => t.pane === meta.pane);
    return {
      id: `study-${meta.key}`,
      name: meta.label,
      type: 'line',
      xAxisIndex: oscillator ? 2 : 0,
      yAxisIndex: oscillator ? 2 : 0,
      data: alignOverlays(candles, m.overlays, meta.key),
      showSymbol: false,
      connectNulls: false,
      sampling: 'lttb',
      lineStyle: { width: 1.2, color, ...(meta.key.startsWith('lookback') ? { type: 'dashed' as const } : {}) },
      itemStyle: { color },
      z: 3,
      markLine: oscillator
        ? {
            silent: true,
            symbol: 'none',
            animation: false,
            precision: 10,
            data: [
              hLine(0, { lineStyle: { color: CHART_COLORS.axis, type: 'solid', width: 1 }, label: { show: false } }),
              ...thresholds.map((t) =>
                hLine(t.value, {
                  lineStyle: { color: t.value >= 0 ? CHART_COLORS.down : CHART_COLORS.up, type: 'dashed', width: 1, opacity: 0.8 },
                  label: { show: true, position: 'insideStartTop', color: CHART_COLORS.label, fontSize: 9, formatter: `${t.label} ${t.value}` },
                }),
              ),
            ],
          }
        : undefined,
    };
  });

  const tooltipHtml = (i: number): string => {
    if (i < 0 || i >= n) return '';
    const o = candles.open[i] as number;
    const c = candles.close[i] as number;
    const color = c >= o ? CHART_COLORS.up : CHART_COLORS.down;
    const row = (label: string, value: string, style = '') =>
      `<tr><td style="color:${CHART_COLORS.label};padding-right:10px">${label}</td><td style="text-align:right;font-family:${MONO};${style}">${value}</td></tr>`;
    let html = `<div style="font-family:${MONO};font-size:11px;color:${CHART_COLORS.label};margin-bottom:3px">${formatUtc(candles.time[i] as number)}</div><table style="border-collapse:collapse;font-size:11px">`;
    html += row('O', price(o)) + row('H', price(candles.high[i] as number)) + row('L', price(candles.low[i] as number)) + row('C', price(c), `color:${color}`);
    html += row('Vol', String(candles.volume[i]));
    for (const meta of m.seriesMeta) {
      const v = alignedAt(meta.key, i);
      if (v !== null) html += row(escapeHtml(meta.label), meta.pane === 'oscillator' ? v.toFixed(2) : price(v));
    }
    html += '</table>';
    const here = m.markers.filter((mk) => barIndexAt(candles.time, mk.time) === i);
    for (const mk of here) {
      const pnl = mk.kind === 'exit' && mk.pnl !== null ? ` <b style="color:${mk.pnl >= 0 ? CHART_COLORS.up : CHART_COLORS.down}">${formatPnl(mk.pnl)}</b>` : '';
      const what = mk.kind === 'entry' ? `${mk.side} ${formatLots(mk.lots)} @ ${price(mk.price)}` : `Exit ${price(mk.price)} (${escapeHtml(mk.reason ?? '')})`;
      html += `<div style="margin-top:3px;font-size:11px;color:${CHART_COLORS.text}">${what}${pnl}</div>`;
    }
    return html;
  };
  const alignedCache = new Map<string, (number | null)[]>();
  const alignedAt = (key: string, i: number): number | null => {
    let values = alignedCache.get(key);
    if (!values) {
      values = alignOverlays(candles, m.overlays, key);
      alignedCache.set(key, values);
    }
    return values[i] ?? null;
  };

  const xAxis = (gridIndex: number, showLabels: boolean) => ({
    type: 'category' as const,
    gridIndex,
    data: candles.time,
    boundaryGap: true,
    axisLine: { lineStyle: { color: CHART_COLORS.axis } },
    axisTick: { show: false },
    axisLabel: {
      show: showLabels,
      color: CHART_COLORS.label,
      fontSize: 10,
      fontFamily: MONO,
      hideOverlap: true,
      formatter: (value: string | number) => formatAxisTime(Number(value), m.timeframe),
    },
    splitLine: { show: gridIndex === 0, lineStyle: { color: CHART_COLORS.split } },
    axisPointer: {
      label: { show: showLabels, formatter: (p: { value: unknown }) => formatUtc(Number(p.value), false) },
    },
  });

  const yAxis = (gridIndex: number, kind: 'price' | 'volume' | 'osc') => ({
    type: 'value' as const,
    gridIndex,
    scale: kind !== 'volume',
    position: 'right' as const,
    splitNumber: kind === 'price' ? 6 : 2,
    axisLine: { show: false },
    axisTick: { show: false },
    axisLabel: {
      show: kind !== 'volume',
      color: CHART_COLORS.label,
      fontSize: 10,
      fontFamily: MONO,
      formatter: (v: number) => (kind === 'price' ? price(v) : v.toFixed(1)),
    },
    splitLine: { show: kind !== 'volume', lineStyle: { color: CHART_COLORS.split } },
    axisPointer: { label: { formatter: (p: { value: unknown }) => (kind === 'price' ? price(Number(p.value)) : Number(p.value).toFixed(kind === 'osc' ? 2 : 0)) } },
  });

  // The range itself (startValue/endValue) is set by the chart component, which owns the view.
  const zoomRange = { minValueSpan: m.minSpan, maxValueSpan: m.maxSpan };

  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: FONT },
    grid: [
      { left: LEFT, right: RIGHT, ...layout.price },
      { left: LEFT, right: RIGHT, ...layout.volume },
      { left: LEFT, right: RIGHT, ...layout.osc, show: false },
    ],
    xAxis: [xAxis(0, false), xAxis(1, !hasOscillator), xAxis(2, hasOscillator)] as ChartOption['xAxis'],
    yAxis: [yAxis(0, 'price'), yAxis(1, 'volume'), yAxis(2, 'osc')],
    axisPointer: {
      link: [{ xAxisIndex: 'all' }],
      label: { backgroundColor: '#313b47', color: CHART_COLORS.text, fontFamily: MONO, fontSize: 10 },
    },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'cross', lineStyle: { color: '#4a5563', type: 'dashed' }, crossStyle: { color: '#4a5563' } },
      // No position animation: a CSS transition on every mouse move keeps the browser in layout while panning.
      transitionDuration: 0,
      backgroundColor: 'rgba(20, 26, 33, 0.94)',
      borderColor: '#313b47',
      borderWidth: 1,
      padding: [6, 8],
      textStyle: { color: CHART_COLORS.text, fontSize: 11 },
      // Pinned to the top corner away from the cursor, like a data window: it never covers the bar being read.
      position: (point: number[], _params: unknown, _dom: unknown, _rect: unknown, size: { viewSize: number[]; contentSize: number[] }) => {
        const [x = 0] = point;
        const [width = 0] = size.viewSize;
        const [contentWidth = 0] = size.contentSize;
        return [x < width / 2 ? width - contentWidth - RIGHT - 8 : LEFT + 8, 30];
      },
      formatter: (params: unknown) => {
        // The bar under the cursor, by its category value (scatter markers have their own data indices).
        const list = Array.isArray(params) ? params : [params];
        const first = list[0] as { axisValue?: unknown } | undefined;
        const t = Number(first?.axisValue);
        return Number.isFinite(t) ? tooltipHtml(barIndexAt(candles.time, t)) : '';
      },
    },
    dataZoom: [
      { type: 'inside', xAxisIndex: [0, 1, 2], ...zoomRange, zoomOnMouseWheel: true, moveOnMouseMove: true, moveOnMouseWheel: false, throttle: 30 },
      {
        type: 'slider',
        xAxisIndex: [0, 1, 2],
        ...zoomRange,
        height: 14,
        bottom: 4,
        left: LEFT,
        right: RIGHT,
        showDetail: false,
        brushSelect: false,
        borderColor: '#232b35',
        backgroundColor: '#0b0f13',
        fillerColor: 'rgba(61, 139, 253, 0.15)',
        handleStyle: { color: '#313b47', borderColor: '#4a5563' },
        moveHandleSize: 0,
        dataBackground: { lineStyle: { color: '#3a4654', width: 0.6 }, areaStyle: { color: 'rgba(58, 70, 84, 0.35)' } },
        selectedDataBackground: { lineStyle: { color: '#3d8bfd', width: 0.6 }, areaStyle: { color: 'rgba(61, 139, 253, 0.12)' } },
        textStyle: { color: CHART_COLORS.label },
      },
    ],
    series: [
      {
        id: 'candles',
        name: 'Price',
        type: 'candlestick',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: candleData,
        barMaxWidth: 14,
        large: true,
        largeThreshold: 1_200,
        itemStyle: { color: CHART_COLORS.up, color0: CHART_COLORS.down, borderColor: CHART_COLORS.up, borderColor0: CHART_COLORS.down, borderWidth: 1 },
        markLine: { silent: true, symbol: 'none', animation: false, precision: 10, data: levelLines },
        z: 2,
      },
      // Volume as two overlaid series (up bars, down bars): per-bar colour callbacks are ignored in large mode.
      ...(['up', 'down'] as const).map(
        (dir): BarSeriesOption => ({
          id: `volume-${dir}`,
          name: 'Volume',
          type: 'bar',
          xAxisIndex: 1,
          yAxisIndex: 1,
          data: candles.volume.map((v, i) => (((candles.close[i] as number) >= (candles.open[i] as number)) === (dir === 'up') ? v : '-')),
          barMaxWidth: 14,
          barGap: '-100%',
          large: true,
          largeThreshold: 1_200,
          itemStyle: { color: dir === 'up' ? CHART_COLORS.upVolume : CHART_COLORS.downVolume },
        }),
      ),
      ...lineSeries,
      {
        id: 'entries',
        name: 'Entries',
        type: 'scatter',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: entries,
        symbolSize: 11,
        z: 5,
      },
      {
        id: 'exits',
        name: 'Exits',
        type: 'scatter',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: exits,
        symbolSize: 9,
        z: 6,
        markLine: { silent: true, symbol: 'none', animation: false, data: tradeLines },
      },
    ],
  };
}
