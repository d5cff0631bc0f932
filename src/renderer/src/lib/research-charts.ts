import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
  DataZoomComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { CHART_COLORS } from './chart-option';
import { drawdownSeries, type EquityPoint } from './research-stats';

/**
 * ECharts options of the Research workspace, pure (tested without a DOM): equity with drawdown under it, two
 * runs' equity overlaid, the Monte Carlo ROI histogram with its confidence bands, walk-forward IS vs OOS ROI.
 */

export type ResearchChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | MarkAreaComponentOption
  | DataZoomComponentOption
>;

const MONO = "'JetBrains Mono', 'SF Mono', Consolas, 'Liberation Mono', monospace";
export const RUN_COLORS = ['#3d8bfd', '#f0b429'] as const;

const axisLabel = { color: CHART_COLORS.label, fontSize: 10, fontFamily: MONO, hideOverlap: true };
const splitLine = { lineStyle: { color: CHART_COLORS.split } };
const tooltipBase = {
  backgroundColor: '#1a212a',
  borderColor: CHART_COLORS.axis,
  textStyle: { color: CHART_COLORS.text, fontSize: 11, fontFamily: MONO },
};
const money = (v: number) => `$${Math.round(v).toLocaleString('en-US')}`;

/** Equity curve (area) on top, drawdown % (red area, ≤ 0) underneath, sharing the date axis and zoom. */
export function equityDrawdownOption(points: readonly EquityPoint[], initialCapital: number): ResearchChartOption {
  const dates = points.map((p) => p.date.slice(0, 10));
  const dd = drawdownSeries(points, initialCapital);
  return {
    animation: false,
    backgroundColor: 'transparent',
    tooltip: { ...tooltipBase, trigger: 'axis', axisPointer: { type: 'cross', link: [{ xAxisIndex: 'all' }] } },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    grid: [
      { left: 8, right: 70, top: 12, height: '58%' },
      { left: 8, right: 70, top: '74%', bottom: 22 },
    ],
    xAxis: [
      { type: 'category', gridIndex: 0, data: dates, boundaryGap: false, axisLabel: { show: false }, axisLine: { lineStyle: { color: CHART_COLORS.axis } } },
      { type: 'category', gridIndex: 1, data: dates, boundaryGap: false, axisLabel, axisLine: { lineStyle: { color: CHART_COLORS.axis } } },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, scale: true, position: 'right', axisLabel: { ...axisLabel, formatter: money }, splitLine },
      { type: 'value', gridIndex: 1, max: 0, position: 'right', splitNumber: 2, axisLabel: { ...axisLabel, formatter: (v: number) => `${v.toFixed(1)}%` }, splitLine },
    ],
    series: [
      {
        id: 'equity',
        name: 'Equity',
        type: 'line',
        data: points.map((p) => Number(p.equity.toFixed(2))),
        showSymbol: points.length < 60,
        symbolSize: 3,
        lineStyle: { width: 1.5, color: RUN_COLORS[0] },
        itemStyle: { color: RUN_COLORS[0] },
        areaStyle: { color: 'rgba(61, 139, 253, 0.10)' },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: CHART_COLORS.label, type: 'dashed', width: 1 },
          label: { show: true, position: 'insideStartTop', color: CHART_COLORS.label, fontSize: 9, formatter: 'initial' },
          data: [{ yAxis: initialCapital }],
        },
      },
      {
        id: 'drawdown',
        name: 'Drawdown %',
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: dd.map((v) => Number(v.toFixed(3))),
        showSymbol: false,
        lineStyle: { width: 1, color: CHART_COLORS.down },
        itemStyle: { color: CHART_COLORS.down },
        areaStyle: { color: 'rgba(240, 84, 79, 0.25)' },
      },
    ],
  };
}

/** Two (or more) runs' equity, as % return from their own initial capital so different sizes compare. */
export function compareEquityOption(runs: readonly { label: string; initialCapital: number; points: readonly EquityPoint[] }[]): ResearchChartOption {
  const dates = [...new Set(runs.flatMap((r) => r.points.map((p) => p.date.slice(0, 10))))].sort();
  return {
    animation: false,
    backgroundColor: 'transparent',
    legend: { top: 2, textStyle: { color: CHART_COLORS.text, fontSize: 11 }, itemHeight: 8 },
    tooltip: { ...tooltipBase, trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? `${v.toFixed(2)} %` : String(v)) },
    grid: { left: 8, right: 60, top: 28, bottom: 22 },
    xAxis: { type: 'category', data: dates, boundaryGap: false, axisLabel, axisLine: { lineStyle: { color: CHART_COLORS.axis } } },
    yAxis: { type: 'value', scale: true, position: 'right', axisLabel: { ...axisLabel, formatter: (v: number) => `${v.toFixed(1)}%` }, splitLine },
    series: runs.map((r, k) => {
      const byDate = new Map(r.points.map((p) => [p.date.slice(0, 10), ((p.equity - r.initialCapital) / r.initialCapital) * 100]));
      const color = RUN_COLORS[k % RUN_COLORS.length];
      return {
        id: `run-${k}`,
        name: r.label,
        type: 'line' as const,
        data: dates.map((d) => {
          const v = byDate.get(d);
          return v === undefined ? null : Number(v.toFixed(3));
        }),
        connectNulls: true,
        showSymbol: false,
        lineStyle: { width: 1.5, color },
        itemStyle: { color },
      };
    }),
  };
}

export interface HistogramInput {
  distribution: readonly { roi: number; frequency: number }[];
  binWidth: number;
  confidence: Record<string, { lower: number; upper: number }>;
  originalRoi: number;
  medianRoi: number;
}

const BAND_COLORS = ['rgba(61, 139, 253, 0.10)', 'rgba(61, 139, 253, 0.16)', 'rgba(61, 139, 253, 0.22)'];

/**
 * Monte Carlo final-ROI histogram on a value x axis (bins at their centres), the confidence intervals as nested
 * shaded bands (widest palest), and the backtest's own ROI and the median as vertical lines.
 */
export function monteCarloOption(h: HistogramInput): ResearchChartOption {
  const levels = Object.entries(h.confidence).sort((a, b) => b[1].upper - b[1].lower - (a[1].upper - a[1].lower));
  return {
    animation: false,
    backgroundColor: 'transparent',
    tooltip: {
      ...tooltipBase,
      trigger: 'axis',
      formatter: (raw: unknown) => {
        const p = (Array.isArray(raw) ? raw[0] : raw) as { value: [number, number] };
        const lo = p.value[0] - h.binWidth / 2;
        return `ROI ${lo.toFixed(2)} % … ${(lo + h.binWidth).toFixed(2)} %<br/>${p.value[1]} paths`;
      },
    },
    grid: { left: 8, right: 50, top: 22, bottom: 34 },
    xAxis: { type: 'value', scale: true, axisLabel: { ...axisLabel, formatter: (v: number) => `${v}%` }, splitLine: { show: false }, axisLine: { lineStyle: { color: CHART_COLORS.axis } } },
    yAxis: { type: 'value', position: 'right', axisLabel, splitLine },
    series: [
      {
        id: 'histogram',
        name: 'Paths',
        type: 'bar',
        barWidth: '96%',
        barCategoryGap: '0%',
        data: h.distribution.map((b) => [Number((b.roi + h.binWidth / 2).toFixed(6)), b.frequency]),
        itemStyle: { color: (p: { value: unknown }) => ((p.value as number[])[0]! >= 0 ? 'rgba(46, 189, 133, 0.75)' : 'rgba(240, 84, 79, 0.75)') },
        // Bands unlabelled on the chart (nested labels collide): the subtitle and the table name the levels.
        markArea: {
          silent: true,
          data: levels.map(([, ci], k) => [{ xAxis: ci.lower, itemStyle: { color: BAND_COLORS[k % BAND_COLORS.length] } }, { xAxis: ci.upper }]),
        },
        markLine: {
          silent: true,
          symbol: 'none',
          label: { color: CHART_COLORS.text, fontSize: 9, position: 'end' },
          data: [
            { xAxis: h.originalRoi, lineStyle: { color: '#f0b429', width: 1.5 }, label: { formatter: 'backtest', color: '#f0b429', position: 'end' } },
            { xAxis: h.medianRoi, lineStyle: { color: CHART_COLORS.text, type: 'dashed', width: 1 }, label: { formatter: 'median', position: 'start' } },
          ],
        },
      },
    ],
  };
}

/** Walk-forward: in-sample vs out-of-sample ROI per window, side by side. */
export function walkForwardOption(windows: readonly { label: string; isRoi: number; oosRoi: number }[]): ResearchChartOption {
  return {
    animation: false,
    backgroundColor: 'transparent',
    legend: { top: 2, textStyle: { color: CHART_COLORS.text, fontSize: 11 }, itemHeight: 8 },
    tooltip: { ...tooltipBase, trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? `${v.toFixed(2)} %` : String(v)) },
    grid: { left: 8, right: 50, top: 28, bottom: 24 },
    xAxis: { type: 'category', data: windows.map((w) => w.label), axisLabel, axisLine: { lineStyle: { color: CHART_COLORS.axis } } },
    yAxis: { type: 'value', position: 'right', axisLabel: { ...axisLabel, formatter: (v: number) => `${v}%` }, splitLine },
    series: [
      { id: 'is', name: 'In-sample ROI', type: 'bar', data: windows.map((w) => Number(w.isRoi.toFixed(3))), itemStyle: { color: 'rgba(135, 147, 161, 0.7)' } },
      {
        id: 'oos',
        name: 'Out-of-sample ROI',
        type: 'bar',
        color: CHART_COLORS.up, // the legend's swatch; bars are green or red by sign
        data: windows.map((w) => Number(w.oosRoi.toFixed(3))),
        itemStyle: { color: (p: { value: unknown }) => (Number(p.value) >= 0 ? CHART_COLORS.up : CHART_COLORS.down) },
      },
    ],
  };
}
