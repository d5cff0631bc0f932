import { useEffect } from 'react';
import { useResearchStore } from './research-store';

/** While the Research workspace is on screen: the catalogue once, unfinished jobs every 400 ms, the run list every 5 s. */
export function useResearchPolling(): void {
  useEffect(() => {
    const store = useResearchStore.getState();
    if (store.strategies.length === 0) void store.loadCatalog();
    void store.refreshRuns();
    let busy = false;
    const fast = setInterval(() => {
      if (busy) return;
      busy = true;
      void useResearchStore
        .getState()
        .poll()
        .finally(() => {
          busy = false;
        });
    }, 400);
    const slow = setInterval(() => void useResearchStore.getState().refreshRuns(), 5000);
    return () => {
      clearInterval(fast);
      clearInterval(slow);
    };
  }, []);
}
