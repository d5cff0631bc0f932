import { useEffect } from 'react';
import { onDomainEvent, onResync } from '../api/event-stream';
import { isFinal, useResearchStore } from './research-store';

/** How often the progress bar of a run the trader is watching moves while it runs. */
export const PROGRESS_REFRESH_MS = 400;

type ResearchSnapshot = ReturnType<typeof useResearchStore.getState>;

function somethingRuns(s: ResearchSnapshot): boolean {
  return (
    (s.selected !== null && !isFinal(s.selected.status)) ||
    (s.monteCarlo !== null && !isFinal(s.monteCarlo.status)) ||
    (s.walkForward !== null && !isFinal(s.walkForward.status)) ||
    s.runs.some((r) => !isFinal(r.status))
  );
}

/**
 * While the Research workspace is on screen: the catalogue once, the run list now and whenever the event stream says
 * a backtest or research job ended (or after a resync). Only while a run is unfinished does its progress bar refresh
 * (every 400 ms, the unfinished jobs only); with nothing running the workspace sends nothing.
 */
export function useResearchLive(): void {
  useEffect(() => {
    const store = useResearchStore.getState();
    if (store.strategies.length === 0) void store.loadCatalog();
    void store.refreshRuns();

    let busy = false;
    const progress = () => {
      if (busy) return;
      busy = true;
      void useResearchStore
        .getState()
        .poll()
        .finally(() => {
          busy = false;
        });
    };
    let timer: ReturnType<typeof setInterval> | undefined;
    const follow = (s: ResearchSnapshot) => {
      const runs = somethingRuns(s);
      if (runs && !timer) timer = setInterval(progress, PROGRESS_REFRESH_MS);
      if (!runs && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    };
    const offStore = useResearchStore.subscribe((s) => follow(s));
    const refetch = () => {
      void useResearchStore.getState().refreshRuns();
      progress();
    };
    const offEvents = onDomainEvent(refetch, ['BacktestCompleted', 'ResearchJobFinished']);
    const offResync = onResync(refetch);
    follow(useResearchStore.getState());
    return () => {
      offStore();
      offEvents();
      offResync();
      clearInterval(timer);
    };
  }, []);
}
