import { useMemo, useState, type FormEvent } from 'react';
import { OPTIMIZATION_METRICS } from '../../../../shared/contract/research';
import type { InputOf } from '../../../../shared/contract/index';
import { walkForwardOption } from '../../lib/research-charts';
import { formatStat, type BacktestView } from '../../lib/research-stats';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { isFinal, useResearchStore, type WalkForwardView } from '../../stores/research-store';
import { FormFeedback } from '../common/FormFeedback';
import { EChart } from './EChart';
import { JobProgress } from './JobProgress';

type Metric = (typeof OPTIMIZATION_METRICS)[number];
interface RangeDraft {
  on: boolean;
  min: string;
  max: string;
  step: string;
}

/** A starting range around the run's value: ±50 % in about 5 steps (whole steps for whole-number parameters). */
function initialRange(value: number, isInt: boolean, min?: number, max?: number): RangeDraft {
  let lo = value * 0.5;
  let hi = value * 1.5;
  if (min !== undefined) lo = Math.max(lo, min);
  if (max !== undefined) hi = Math.min(hi, max);
  let step = (hi - lo) / 4;
  if (isInt) {
    lo = Math.round(lo);
    hi = Math.round(hi);
    step = Math.max(1, Math.round(step));
  }
  const f = (v: number) => String(Number(v.toFixed(6)));
  return { on: false, min: f(lo), max: f(hi), step: f(step || 1) };
}

/**
 * Walk-forward of the selected run's setup: the chosen parameters are optimized on each in-sample window and the
 * winner is traded on the out-of-sample window after it. Windows as a table, IS vs OOS ROI as a chart.
 */
export function WalkForwardTab({ run }: { run: BacktestView }) {
  const strategies = useResearchStore((s) => s.strategies);
  const job = useResearchStore((s) => s.walkForward);
  const start = useResearchStore((s) => s.runWalkForward);
  const spec = strategies.find((s) => s.name === run.strategy);
  // Tags such as magic_number change nothing in a backtest: not worth optimizing.
  const numeric = (spec?.parameters ?? []).filter((p) => p.type !== 'bool' && !p.key.includes('magic'));
  const firstOn = numeric.find((p) => /period|length|lookback/.test(p.key))?.key ?? numeric[0]?.key;
  const [isDays, setIsDays] = useState('7');
  const [oosDays, setOosDays] = useState('3');
  const [anchored, setAnchored] = useState(false);
  const [metric, setMetric] = useState<Metric>('roi');
  const [ranges, setRanges] = useState<Record<string, RangeDraft>>(() =>
    Object.fromEntries(numeric.map((p) => [p.key, { ...initialRange(Number(run.strategy_params[p.key] ?? p.default), p.type === 'int', p.min, p.max), on: p.key === firstOn }])),
  );
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parameter_ranges = Object.fromEntries(
      Object.entries(ranges)
        .filter(([, r]) => r.on)
        .map(([k, r]) => [k, { min: Number(r.min), max: Number(r.max), step: Number(r.step) }]),
    );
    const input: InputOf<'walkforward.create'> = {
      name: `WF of #${run.id} ${run.name}`.slice(0, 200),
      strategy: run.strategy,
      strategy_params: run.strategy_params,
      symbols: run.symbols,
      timeframe: run.timeframe,
      start_date: run.start_date,
      end_date: run.end_date,
      initial_capital: run.initial_capital,
      ...(run.position_size !== null ? { position_size: run.position_size } : {}),
      sizing: run.sizing as NonNullable<InputOf<'walkforward.create'>['sizing']>,
      direction: run.direction as NonNullable<InputOf<'walkforward.create'>['direction']>,
      fill_at: run.fill_at as NonNullable<InputOf<'walkforward.create'>['fill_at']>,
      commission_percent: run.commission_percent,
      commission_per_lot: run.commission_per_lot,
      spread_points: run.spread_points,
      slippage_points: run.slippage_points,
      in_sample_days: Number(isDays),
      out_sample_days: Number(oosDays),
      anchored,
      optimization_metric: metric,
      parameter_ranges,
    };
    setOutcome(await start(input));
  }

  const chosen = Object.values(ranges).filter((r) => r.on).length;
  return (
    <div className="rs-tabpane" data-testid="wf-tab">
      <form className="rs-wf-form" onSubmit={(e) => void submit(e)}>
        <div className="rs-inline-form">
          <label>
            In-sample <input className="input num" value={isDays} onChange={(e) => setIsDays(e.target.value)} data-testid="wf-is" /> days
          </label>
          <label>
            Out-of-sample <input className="input num" value={oosDays} onChange={(e) => setOosDays(e.target.value)} data-testid="wf-oos" /> days
          </label>
          <label title="anchored: every in-sample window starts at the run's start and grows">
            <input type="checkbox" checked={anchored} onChange={(e) => setAnchored(e.target.checked)} /> anchored
          </label>
          <label>
            Rank by{' '}
            <select className="select" value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
              {OPTIMIZATION_METRICS.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="btn primary small" disabled={chosen === 0} data-testid="wf-run">
            Run walk-forward
          </button>
          <FormFeedback outcome={outcome && !outcome.ok ? outcome : null} testId="wf-feedback" />
        </div>
        <div className="rs-ranges">
          {numeric.map((p) => {
            const r = ranges[p.key];
            if (!r) return null;
            const upd = (patch: Partial<RangeDraft>) => setRanges((all) => ({ ...all, [p.key]: { ...r, ...patch } }));
            return (
              <div key={p.key} className={`rs-range${r.on ? ' on' : ''}`} title={p.description}>
                <label>
                  <input type="checkbox" checked={r.on} onChange={(e) => upd({ on: e.target.checked })} data-testid={`wf-on-${p.key}`} /> <code>{p.key}</code>
                </label>
                <input className="input num" value={r.min} disabled={!r.on} onChange={(e) => upd({ min: e.target.value })} aria-label={`${p.key} min`} />
                <input className="input num" value={r.max} disabled={!r.on} onChange={(e) => upd({ max: e.target.value })} aria-label={`${p.key} max`} />
                <input className="input num" value={r.step} disabled={!r.on} onChange={(e) => upd({ step: e.target.value })} aria-label={`${p.key} step`} />
              </div>
            );
          })}
        </div>
      </form>
      {job && <WalkForwardResult job={job} />}
    </div>
  );
}

function WalkForwardResult({ job }: { job: WalkForwardView }) {
  const r = job.results;
  const option = useMemo(
    () => (r ? walkForwardOption(r.windows.map((w) => ({ label: `W${w.window_id}`, isRoi: w.in_sample_metrics.roi, oosRoi: w.out_sample_metrics.roi }))) : null),
    [r],
  );
  if (!isFinal(job.status) || !r || !option) return <JobProgress status={job.status} progress={job.progress} error={job.error} testId="wf-progress" />;
  const o = r.overall_metrics;
  const pct = (v: number | null) => formatStat(v, 'pct');
  // Each window's out-of-sample backtest says why it traded nothing (refused entries, no signal), as a backtest does.
  const warnings = r.windows.flatMap((w) => (w.out_sample_warnings ?? []).map((text) => `W${w.window_id} out-of-sample: ${text}`));
  return (
    <div className="rs-wf-result">
      {warnings.length > 0 && (
        <div className="rs-warnings" role="status" data-testid="wf-warnings">
          <div className="rs-warnings-title">⚠ {warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`} from the out-of-sample runs</div>
          {warnings.slice(0, 5).map((w) => (
            <div key={w} className="rs-warning">
              {w}
            </div>
          ))}
          {warnings.length > 5 && <div className="rs-warning dim">… and {warnings.length - 5} more (in the API answer, windows[].out_sample_warnings)</div>}
        </div>
      )}
      <div className="rs-figures" data-testid="wf-overall">
        <Fig label="OOS compounded ROI" value={pct(o.total_roi)} />
        <Fig label="Consistency" value={`${(o.consistency_score * 100).toFixed(0)} %`} help="share of windows whose out-of-sample ROI is > 0" />
        <Fig label="WF efficiency" value={o.walk_forward_efficiency === null ? '—' : o.walk_forward_efficiency.toFixed(2)} help="OOS return per day as a fraction of the IS one" />
        <Fig label="Avg IS / OOS ROI" value={`${pct(o.avg_is_roi)} / ${pct(o.avg_oos_roi)}`} />
        <Fig label="Profitable windows" value={`${o.profitable_windows} / ${o.total_windows}`} />
        <Fig label="OOS trades" value={String(o.total_trades)} />
        <Fig label="Worst OOS DD" value={pct(o.worst_max_drawdown)} />
      </div>
      <div className="rs-split wide-table">
        <section className="rs-split-chart">
          <div className="rs-subhead">ROI per window: in-sample (optimized) vs out-of-sample (unseen)</div>
          <EChart option={option} testId="wf-chart" />
        </section>
        <div className="rs-wf-table">
          <table className="rs-stats wide" data-testid="wf-windows">
            <thead>
              <tr>
                <th>#</th>
                <th>In-sample</th>
                <th>Out-of-sample</th>
                <th>Best parameters</th>
                <th className="num">IS ROI</th>
                <th className="num">OOS ROI</th>
                <th className="num">OOS trades</th>
                <th className="num">OOS DD</th>
              </tr>
            </thead>
            <tbody>
              {r.windows.map((w) => (
                <tr key={w.window_id}>
                  <td className="num">{w.window_id}</td>
                  <td className="mono">
                    {w.in_sample_start.slice(5, 10)}→{w.in_sample_end.slice(5, 10)}
                  </td>
                  <td className="mono">
                    {w.out_sample_start.slice(5, 10)}→{w.out_sample_end.slice(5, 10)}
                  </td>
                  <td className="mono rs-ellipsis">{Object.entries(w.best_params).map(([k, v]) => `${k}=${String(v)}`).join(' ')}</td>
                  <td className="num">{pct(w.in_sample_metrics.roi)}</td>
                  <td className={`num ${w.out_sample_metrics.roi > 0 ? 'up' : w.out_sample_metrics.roi < 0 ? 'down' : ''}`}>{pct(w.out_sample_metrics.roi)}</td>
                  <td className="num">{w.out_sample_metrics.total_trades}</td>
                  <td className="num">{pct(w.out_sample_metrics.max_drawdown)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}

function Fig({ label, value, help }: { label: string; value: string; help?: string }) {
  return (
    <div className="figure" title={help}>
      <div className="figure-label">{label}</div>
      <div className="figure-value num">{value}</div>
    </div>
  );
}
