import { useEffect, useMemo, useRef } from 'react';
import * as echarts from 'echarts/core';
import { SunburstChart, type SunburstSeriesOption } from 'echarts/charts';
import { TooltipComponent, type TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { strategiesOf, UNALLOCATED_COLOR } from '../../lib/dashboard-view';
import { escapeHtml } from '../../lib/escape-html';
import { formatMoney, formatPercent, shareOf } from '../../lib/format';
import type { Dashboard } from '../../stores/portfolio-store';
import { Panel } from '../common/Panel';

// Only what this chart needs, to keep the bundle small.
echarts.use([SunburstChart, TooltipComponent, CanvasRenderer]);

type SunburstOption = echarts.ComposeOption<SunburstSeriesOption | TooltipComponentOption>;
type SunburstNode = NonNullable<SunburstSeriesOption['data']>[number];

const UNALLOCATED = 'Unallocated';
const FONT = "'Inter', 'Segoe UI', 'Liberation Sans', Arial, sans-serif";

/** Tooltip lines per node path ("Major Pairs/EURUSD"), prepared from the server's figures. */
type TooltipIndex = Map<string, string>;

function buildChart(dashboard: Dashboard): { data: SunburstNode[]; tooltips: TooltipIndex } {
  const { currency, total_capital: total } = dashboard;
  const tooltips: TooltipIndex = new Map();
  const money = (amount: number) => formatMoney(amount, currency);
  const data: SunburstNode[] = strategiesOf(dashboard).map((strategy) => {
    tooltips.set(
      strategy.name,
      `<b>${escapeHtml(strategy.name)}</b><br/>${money(strategy.allocated_amount)} · ${formatPercent(strategy.allocation_percentage)} of portfolio`,
    );
    const children: SunburstNode[] = strategy.pairList.map((pair, i) => {
      tooltips.set(
        `${strategy.name}/${pair.pair}`,
        `<b>${escapeHtml(strategy.name)} › ${escapeHtml(pair.pair)}</b><br/>${money(pair.capital)} · ` +
          `${formatPercent(pair.percentage_of_strategy)} of strategy · ${formatPercent(shareOf(pair.capital, total))} of portfolio`,
      );
      return {
        name: pair.pair,
        value: pair.capital,
        // Shades of the strategy colour, so a pair reads as part of its strategy.
        itemStyle: { color: strategy.color, opacity: 0.78 - (i % 3) * 0.14 },
      };
    });
    if (strategy.unallocated_amount > 0) {
      tooltips.set(
        `${strategy.name}/${UNALLOCATED}`,
        `<b>${escapeHtml(strategy.name)} › not given to pairs</b><br/>${money(strategy.unallocated_amount)}`,
      );
      children.push(unallocatedNode(strategy.unallocated_amount));
    }
    return { name: strategy.name, value: strategy.allocated_amount, itemStyle: { color: strategy.color }, children };
  });
  if (dashboard.available_capital > 0) {
    tooltips.set(
      UNALLOCATED,
      `<b>Unallocated</b><br/>${money(dashboard.available_capital)} · ${formatPercent(shareOf(dashboard.available_capital, total))} of portfolio`,
    );
    data.push({ ...unallocatedNode(dashboard.available_capital), children: [] });
  }
  return { data, tooltips };
}

function unallocatedNode(amount: number): SunburstNode {
  return {
    name: UNALLOCATED,
    value: amount,
    itemStyle: { color: UNALLOCATED_COLOR, borderType: 'dashed', borderColor: '#4a5563' },
    label: { color: '#7d8896' },
  };
}

function pathOf(params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null || !('treePathInfo' in params)) return undefined;
  const info = (params as { treePathInfo: unknown }).treePathInfo;
  if (!Array.isArray(info)) return undefined;
  // The first entry is the invisible root.
  return info
    .slice(1)
    .map((node: unknown) => (typeof node === 'object' && node !== null && 'name' in node ? String(node.name) : ''))
    .join('/');
}

function buildOption(data: SunburstNode[], tooltips: TooltipIndex): SunburstOption {
  return {
    backgroundColor: 'transparent',
    animationDuration: 300,
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: '#1a212a',
      borderColor: '#313b47',
      textStyle: { color: '#d5dce5', fontSize: 11, fontFamily: FONT },
      formatter: (params) => tooltips.get(pathOf(params) ?? '') ?? '',
    },
    series: {
      type: 'sunburst',
      data,
      radius: ['30%', '94%'],
      nodeClick: false,
      sort: (a, b) => a.dataIndex - b.dataIndex,
      itemStyle: { borderColor: '#0f1318', borderWidth: 1 },
      label: { color: '#e8edf3', fontSize: 11, fontFamily: FONT, minAngle: 12, overflow: 'truncate' },
      emphasis: { focus: 'ancestor' },
      levels: [
        {},
        { radius: ['30%', '60%'], label: { rotate: 'tangential', fontWeight: 600, width: 90 } },
        { radius: ['60%', '94%'], label: { rotate: 'radial', fontSize: 10, width: 60 } },
      ],
    },
  };
}

export function AllocationSunburst({ dashboard }: { dashboard: Dashboard }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const { data, tooltips } = useMemo(() => buildChart(dashboard), [dashboard]);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(buildOption(data, tooltips), { notMerge: true });
  }, [data, tooltips]);

  return (
    <Panel title="Capital map" aside={<span className="dim">portfolio → strategies → pairs</span>} className="area-chart">
      <div className="chart-wrap">
        <div ref={host} className="chart-canvas" data-testid="allocation-sunburst" />
        <div className="chart-center">
          <div className="big">{formatPercent(dashboard.utilization_percentage, 1)}</div>
          <div className="small">allocated</div>
          <div className="small num">{formatMoney(dashboard.total_capital, dashboard.currency)}</div>
        </div>
      </div>
    </Panel>
  );
}
