import { formatStat } from '../../lib/research-stats';
import { useResearchStore, type BacktestListItem } from '../../stores/research-store';

const tone = (v: number | undefined) => (v === undefined ? '' : v > 0 ? 'up' : v < 0 ? 'down' : '');

/** Past runs, newest first: click to open; tick two to compare them side by side. */
export function RunList() {
  const runs = useResearchStore((s) => s.runs);
  const count = useResearchStore((s) => s.runsCount);
  const selectedId = useResearchStore((s) => s.selectedId);
  const compareIds = useResearchStore((s) => s.compareIds);
  const select = useResearchStore((s) => s.select);
  const toggleCompare = useResearchStore((s) => s.toggleCompare);
  const setTab = useResearchStore((s) => s.setTab);
  const error = useResearchStore((s) => s.listError);

  return (
    <section className="panel rs-runs" data-testid="run-list">
      <header className="panel-head">
        <span className="panel-title">Runs</span>
        <span className="panel-aside">
          {compareIds.length === 2 ? (
            <button type="button" className="btn small primary" onClick={() => setTab('compare')} data-testid="compare-open">
              Compare #{compareIds[0]} vs #{compareIds[1]}
            </button>
          ) : (
            <span className="faint">{count} · tick two to compare</span>
          )}
        </span>
      </header>
      <div className="panel-body">
        {error && <div className="feedback error">{error}</div>}
        {runs.length === 0 ? (
          <div className="empty">No backtests yet.</div>
        ) : (
          <table className="rs-runtable">
            <thead>
              <tr>
                <th title="Compare">⇄</th>
                <th>#</th>
                <th>Name</th>
                <th>Strategy</th>
                <th>Market</th>
                <th>Status</th>
                <th className="num">ROI</th>
                <th className="num">Max DD</th>
                <th className="num">Trades</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r: BacktestListItem) => {
                const s = r.results?.summary;
                return (
                  <tr key={r.id} className={r.id === selectedId ? 'selected' : ''} onClick={() => void select(r.id)} data-testid={`run-row-${r.id}`}>
                    <td onClick={(e) => e.stopPropagation()}>
                      <input
                        type="checkbox"
                        checked={compareIds.includes(r.id)}
                        disabled={r.status !== 'COMPLETED'}
                        onChange={() => void toggleCompare(r.id)}
                        aria-label={`Compare run ${r.id}`}
                        data-testid={`run-compare-${r.id}`}
                      />
                    </td>
                    <td className="num dim">{r.id}</td>
                    <td className="rs-ellipsis" title={r.name}>
                      {r.name}
                    </td>
                    <td>{r.strategy}</td>
                    <td className="dim">
                      {r.symbols.join(',')} {r.timeframe}
                    </td>
                    <td className={`rs-st ${r.status.toLowerCase()}`}>{r.status === 'RUNNING' ? `${r.progress.toFixed(0)} %` : r.status}</td>
                    <td className={`num ${tone(s?.roi)}`}>{s ? formatStat(s.roi, 'pct') : ''}</td>
                    <td className="num">{s ? formatStat(s.max_drawdown, 'pct') : ''}</td>
                    <td className="num">{s?.total_trades ?? ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
