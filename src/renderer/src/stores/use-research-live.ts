import { useEffect } from 'react';
import { onDomainEvent, onPulse, onResync } from '../api/event-stream';
import { isFinal, useResearchStore } from './research-store';

/**
 * While the Research workspace is on screen: the catalogue once, the run list now and whenever the event stream says
 * a backtest or research job ended (or after a resync); progress bars move with the server's job pulses. With nothing
 * running the workspace sends nothing.
 */
export function useResearchLive(): void {
  useEffect(() => {
    const store = useResearchStore.getState();
    if (store.strategies.length === 0) void store.loadCatalog();
    void store.refreshRuns();

    // One refetch in flight and at most one more queued: the last word (a job's end) is never dropped.
    let busy = false;
    let again = false;
    const progress = () => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      void useResearchStore
        .getState()
        .poll()
        .finally(() => {
          busy = false;
          if (again) {
            again = false;
            progress();
          }
        });
    };
    // A running job's progress arrives as pulses from the server (a few a second); each one refetches the
    // unfinished runs shown. With nothing running nothing arrives and nothing is asked.
    const offPulses = onPulse((pulse) => {
      if (pulse.kind === 'job') progress();
    });
    // A run shown as unfinished may have ended before this window knew of it (a fast backtest's end can beat the answer
    // that created it): each time a new unfinished run appears, ask once.
    const unfinished = (s: ReturnType<typeof useResearchStore.getState>) =>
      [s.selected, s.monteCarlo, s.walkForward, ...s.runs].filter((r) => r !== null && !isFinal(r.status)).map((r) => r!.id).join(',');
    let shown = unfinished(useResearchStore.getState());
    const offStore = useResearchStore.subscribe((s) => {
      const now = unfinished(s);
      if (now !== shown && now !== '') progress();
      shown = now;
    });
    const refetch = () => {
      void useResearchStore.getState().refreshRuns();
      progress();
    };
    const offEvents = onDomainEvent(refetch, ['BacktestCompleted', 'ResearchJobFinished']);
    const offResync = onResync(refetch);
    return () => {
      offStore();
      offPulses();
      offEvents();
      offResync();
    };
  }, []);
}
