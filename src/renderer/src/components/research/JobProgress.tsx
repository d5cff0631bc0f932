/** Progress of a research job (walk-forward, Monte Carlo): bar while it runs, the error if it failed. */
export function JobProgress({ status, progress, error, testId }: { status: string; progress: number; error: string | null; testId: string }) {
  if (status === 'FAILED') {
    return (
      <div className="feedback error" role="alert" data-testid={`${testId}-error`}>
        {error ?? 'Failed'}
      </div>
    );
  }
  const pct = Math.max(0, Math.min(100, progress));
  return (
    <div className="rs-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid={testId}>
      <div className="rs-progress-bar">
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="num mono">{pct.toFixed(0)} %</span>
      <span className="dim">{status === 'PENDING' ? 'queued' : 'running'}</span>
    </div>
  );
}
