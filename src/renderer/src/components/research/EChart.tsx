import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, AxisPointerComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ResearchChartOption } from '../../lib/research-charts';

// Tree-shaken: the research charts are lines and bars with bands and reference lines.
echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, AxisPointerComponent, MarkLineComponent, MarkAreaComponent, CanvasRenderer]);

/** An ECharts canvas for a pure option (built in lib/research-charts); resizes with its box. */
export function EChart({ option, testId, className }: { option: ResearchChartOption; testId: string; className?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

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

  useEffect(() => {
    // notMerge: a different run must not keep series of the previous one.
    chart.current?.setOption(option, { notMerge: true, lazyUpdate: true });
  }, [option]);

  return <div className={['rs-chart', className].filter(Boolean).join(' ')} ref={host} data-testid={testId} />;
}
