import { useEffect } from 'react';
import { LIVE, showTaskOnChart } from './chart-context';
import { useChartStore } from './chart-store';
import { useMarketWatchStore } from './market-watch-store';
import { useTradingStore } from './trading-store';

export const LIVE_POLL_MS = 1_000;
const WATCH_EVERY = 2; // market watch every 2nd tick: last prices need less than the grids

/**
 * Keeps the Trading workspace live while it is on screen: grids and chart every ~1 s, the market watch every ~2 s,
 * nothing while the window is hidden. Also picks what the chart shows when nothing (or another session's task) is.
 */
export function useTradingPolling(): void {
  useEffect(() => {
    const trading = useTradingStore.getState();
    if (!trading.catalogLoaded) void trading.loadCatalog();
    void trading.refreshSessions();

    let tick = 0;
    const run = () => {
      if (document.visibilityState === 'hidden') return;
      const t = useTradingStore.getState();
      void t.poll();
      void useChartStore.getState().pollTail();
      const watch = useMarketWatchStore.getState();
      // Every 2nd tick, and at once while the watch is still empty (the catalogue just arrived).
      if ((tick++ % WATCH_EVERY === 0 || Object.keys(watch.quotes).length === 0) && t.pairs.length > 0) {
        const timeframe = useChartStore.getState().ctx?.timeframe ?? '1M';
        void watch.poll(t.pairs.map((p) => p.symbol), timeframe);
      }
    };
    run();
    const timer = setInterval(run, LIVE_POLL_MS);
    const onVisible = () => document.visibilityState === 'visible' && run();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  // Default chart: the session's newest live task, else its newest task, else the first pair. A chart the trader
  // picked stays unless its task left the session.
  const sessionsLoaded = useTradingStore((s) => s.sessionsLoaded);
  const sessionId = useTradingStore((s) => s.sessionId);
  const loaded = useTradingStore((s) => s.lastPollAt !== null);
  const tasks = useTradingStore((s) => s.tasks);
  const firstPair = useTradingStore((s) => s.pairs[0]?.symbol);
  useEffect(() => {
    if (!sessionsLoaded || (sessionId && !loaded)) return;
    const chart = useChartStore.getState();
    const ctx = chart.ctx;
    const stillValid = ctx && (ctx.taskId === null || tasks.some((t) => t.task_id === ctx.taskId));
    if (ctx && !ctx.auto && stillValid) return;
    const task = tasks.find(LIVE) ?? tasks[0];
    if (task) showTaskOnChart(task, true);
    else if (ctx && ctx.taskId !== null) chart.show({ symbol: ctx.symbol, timeframe: ctx.timeframe, taskId: null, until: null, auto: true });
    else if (!ctx && firstPair) chart.show({ symbol: firstPair, timeframe: '1M', taskId: null, until: null, auto: true });
  }, [sessionsLoaded, sessionId, loaded, tasks, firstPair]);
}
