import { useResearchLive } from '../../stores/use-research-live';
import { useResearchStore } from '../../stores/research-store';
import '../trading/trading.css';
import { BacktestForm } from './BacktestForm';
import { CompareView } from './CompareView';
import { RunList } from './RunList';
import { RunProgress } from './RunProgress';
import { RunResults } from './RunResults';
import './research.css';

/**
 * The Research workspace: the backtest ticket on the left; the selected run (progress, then its results) in the
 * middle; past runs underneath, two of which can be compared side by side.
 */
export function ResearchWorkspace() {
  useResearchLive();
  const selected = useResearchStore((s) => s.selected);
  const selectedId = useResearchStore((s) => s.selectedId);
  const tab = useResearchStore((s) => s.tab);
  const setTab = useResearchStore((s) => s.setTab);
  return (
    <div className="rs">
      <BacktestForm />
      <section className="rs-main" data-testid="research-main">
        {tab === 'compare' ? (
          <>
            <div className="tabs">
              <button type="button" className="tab" onClick={() => setTab('overview')}>
                ← Back to run {selectedId !== null ? `#${selectedId}` : ''}
              </button>
              <button type="button" className="tab" aria-selected>
                Compare
              </button>
            </div>
            <div className="rs-tabbody">
              <CompareView />
            </div>
          </>
        ) : selected ? (
          <>
            <RunProgress run={selected} />
            {selected.status === 'COMPLETED' && <RunResults run={selected} tab={tab} />}
            {(selected.status === 'PENDING' || selected.status === 'RUNNING') && (
              <div className="rs-waiting">Statistics, equity, trades and the price chart appear here when the run completes.</div>
            )}
          </>
        ) : (
          <div className="empty">
            <strong>{selectedId !== null ? 'Loading…' : 'No run selected'}</strong>
            Set up a backtest on the left and run it, or open a past run from the list below.
          </div>
        )}
      </section>
      <RunList />
    </div>
  );
}
