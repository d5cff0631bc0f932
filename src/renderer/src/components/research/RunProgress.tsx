import { useState } from 'react';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { isFinal, useResearchStore } from '../../stores/research-store';
import { FormFeedback } from '../common/FormFeedback';
import type { BacktestView } from '../../lib/research-stats';

const STATUS_CLASS: Record<string, string> = { PENDING: 'neutral', RUNNING: 'medium', COMPLETED: 'low', FAILED: 'high' };

/** The selected run's header: what it is, its status, a progress bar while it runs, and cancel/delete. */
export function RunProgress({ run }: { run: BacktestView }) {
  const cancel = useResearchStore((s) => s.cancel);
  const remove = useResearchStore((s) => s.remove);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const running = !isFinal(run.status);
  const pct = Math.max(0, Math.min(100, run.progress));
  return (
    <div className="rs-runhead" data-testid="run-head" data-status={run.status}>
      <div className="rs-runhead-line">
        <span className="rs-run-title">
          #{run.id} {run.name}
        </span>
        <span className="dim">
          {run.strategy} · {run.symbols.join(', ')} · {run.timeframe} · {run.start_date.slice(0, 10)} → {run.end_date.slice(0, 10)}
        </span>
        <span className={`badge ${STATUS_CLASS[run.status] ?? 'neutral'}`} data-testid="run-status">
          {run.status}
        </span>
        <span className="rs-spacer" />
        {running ? (
          <button type="button" className="btn danger small" onClick={() => void cancel(run.id).then(setOutcome)} data-testid="run-cancel">
            Cancel
          </button>
        ) : (
          <button type="button" className="btn ghost small" onClick={() => void remove(run.id).then(setOutcome)} data-testid="run-delete" title="Delete this run">
            Delete
          </button>
        )}
      </div>
      <div className="rs-settings" title={settingsText(run)} data-testid="run-settings">
        {settingsText(run)}
      </div>
      {running && (
        <div className="rs-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="run-progress">
          <div className="rs-progress-bar">
            <span style={{ width: `${pct}%` }} />
          </div>
          <span className="num mono">{pct.toFixed(0)} %</span>
          <span className="dim">{run.status === 'PENDING' ? 'queued' : 'bars processed'}</span>
        </div>
      )}
      {run.error && (
        <div className="feedback error" role="alert" data-testid="run-error">
          {run.error}
        </div>
      )}
      {run.warnings.length > 0 && (
        <div className="rs-warnings" role="status" data-testid="run-warnings">
          <div className="rs-warnings-title" data-testid="run-warnings-title">
            ⚠ {warningsTitle(run)}
          </div>
          {run.warnings.map((w) => (
            <div key={w} className="rs-warning">
              {w}
            </div>
          ))}
        </div>
      )}
      <FormFeedback outcome={outcome} testId="run-action-feedback" />
    </div>
  );
}

/** The banner's headline: a finished run without trades says so first (the lines below say why). */
export function warningsTitle(run: BacktestView): string {
  const trades = run.results?.summary.total_trades;
  if (run.status === 'COMPLETED' && trades === 0) return 'This backtest made no trades';
  return run.warnings.length === 1 ? '1 warning' : `${run.warnings.length} warnings`;
}

/** What the run used, in one line: execution model, sizing, then every resolved parameter. */
export function settingsText(run: BacktestView): string {
  const params = Object.entries(run.strategy_params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return (
    `fill ${run.fill_at} · ${run.direction} · ${run.sizing}${run.position_size !== null ? ` ${run.position_size}` : ''} · $${run.initial_capital.toLocaleString('en-US')} · ` +
    `comm ${run.commission_percent}% + $${run.commission_per_lot}/lot · spread ${run.spread_points} · slip ${run.slippage_points} pts · ${params}`
  );
}
