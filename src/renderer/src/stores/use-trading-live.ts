import { useEffect } from 'react';
import type { DomainEventType } from '../../../shared/contract/events';
import { onDomainEvent, onPulse, onResync } from '../api/event-stream';
import { LIVE, showTaskOnChart } from './chart-context';
import { useChartStore } from './chart-store';
import { useMarketWatchStore } from './market-watch-store';
import { useTradingStore } from './trading-store';

/** Refetches of one kind start at most this often, however many events arrive. */
export const GRID_REFETCH_GAP_MS = 250;

/** What the Trading workspace shows changes on these events: grids, chart markers and the market watch refetch. */
export const TRADING_EVENTS: readonly DomainEventType[] = [
  'OrderSubmitted', 'OrderFilled', 'OrderRejected', 'OrderDenied', 'OrderHeld', 'OrderUnknown', 'OrderResolved', 'DuplicateDecisionRefused',
  'PositionOpened', 'PositionClosed', 'ProtectionFailed', 'RiskBreached',
  'TaskStarted', 'TaskStopped', 'TaskPaused', 'TaskReconciled', 'TaskFailed', 'BrokerConnectionChanged',
];

/**
 * Keeps the Trading workspace live while it is on screen: it refetches when the event stream says something changed
 * (a fill, a closed position, a task starting or pausing, …), at once and at most one refetch in flight. The market
 * itself (chart tail, quotes, floating P&L) follows the server's market pulses, only while the window is visible; an
 * idle workspace sends nothing. Also picks what the chart shows when nothing
 * (or another session's task) is.
 */
export function useTradingLive(): void {
  useEffect(() => {
    const trading = useTradingStore.getState();
    if (!trading.catalogLoaded) void trading.loadCatalog();
    void trading.refreshSessions();

    // Grids (tasks, positions, the open tab's list) and the market (chart tail, quotes) refetch separately, each with
    // at most one request in flight and one more queued, at most every GRID_REFETCH_GAP_MS (a fast feed sends events
    // every bar; what they say is already shown by applyEvent): a fill's grid refresh never waits behind a chart load.
    const coalesced = (work: () => Promise<unknown>) => {
      let inFlight = false;
      let again = false;
      let lastStart = 0;
      let waiting: ReturnType<typeof setTimeout> | undefined;
      const run = async (): Promise<void> => {
        if (inFlight || waiting) {
          again ||= inFlight;
          return;
        }
        const wait = lastStart + GRID_REFETCH_GAP_MS - Date.now();
        if (wait > 0) {
          waiting = setTimeout(() => {
            waiting = undefined;
            void run();
          }, wait);
          return;
        }
        lastStart = Date.now();
        inFlight = true;
        try {
          await work();
        } catch {
          /* the status bar shows a lost connection; the next event or tick tries again */
        } finally {
          inFlight = false;
          if (again) {
            again = false;
            void run();
          }
        }
      };
      return run;
    };
    const refreshGrids = coalesced(() => useTradingStore.getState().poll());
    const refreshMarket = coalesced(async () => {
      const t = useTradingStore.getState();
      const timeframe = useChartStore.getState().ctx?.timeframe ?? '1M';
      await Promise.all([
        useChartStore.getState().pollTail(),
        t.pairs.length > 0 ? useMarketWatchStore.getState().poll(t.pairs.map((p) => p.symbol), timeframe) : undefined,
      ]);
    });
    const refresh = () => {
      void refreshGrids();
      void refreshMarket();
    };
    refresh();

    // The market moves when its clock steps: the server pulses each symbol's step (coalesced to a few a second), and
    // a visible window refetches its chart tail, quotes and floating P&L then. No timer: a stopped market sends nothing.
    const offPulses = onPulse((pulse) => {
      if (pulse.kind === 'market' && document.visibilityState === 'visible') refresh();
    });
    const offStore = useTradingStore.subscribe((s, before) => {
      if (s.pairs !== before.pairs) void refreshMarket(); // the catalogue arrived: the market watch's first quotes
    });
    const offEvents = onDomainEvent((event) => {
      // What the event says is shown at once; the refetch confirms it (and brings what it does not say).
      useTradingStore.getState().applyEvent(event);
      void refreshGrids();
      // Trade markers on the chart: with the next market refresh while the task runs, at once when it just stopped.
      if (event.type === 'TaskStopped' || event.type === 'TaskFailed') void refreshMarket();
    }, TRADING_EVENTS);
    const offResync = onResync(refresh);
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      offStore();
      offEvents();
      offPulses();
      offResync();
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
