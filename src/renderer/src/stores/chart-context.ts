import { useChartStore } from './chart-store';
import { useTradingStore, type TaskView } from './trading-store';

/** What the chart shows, chosen from a task row, the market watch or the timeframe buttons. */

export const LIVE = (t: TaskView) => t.status === 'running' || t.status === 'paused' || t.status === 'running (not resumed yet)';

export function showTaskOnChart(task: TaskView, auto = false): void {
  useChartStore.getState().show({
    auto,
    symbol: task.pair,
    timeframe: task.timeframe,
    taskId: task.task_id,
    // A stopped task's chart ends where it stopped; a live one follows the feed.
    until: LIVE(task) || !task.last_bar_time ? null : Date.parse(task.last_bar_time),
  });
}

/** A symbol on a timeframe: with the session's live task there if it has one, so its overlays show. */
export function showSymbolOnChart(symbol: string, timeframe: string): void {
  const task = useTradingStore.getState().tasks.find((t) => t.pair === symbol && t.timeframe === timeframe && LIVE(t));
  if (task) showTaskOnChart(task);
  else useChartStore.getState().show({ symbol, timeframe, taskId: null, until: null });
}
