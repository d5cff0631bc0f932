import { useMemo, useState, type FormEvent } from 'react';
import { monteCarloOption } from '../../lib/research-charts';
import { formatStat, type BacktestView } from '../../lib/research-stats';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { isFinal, useResearchStore, type MonteCarloView } from '../../stores/research-store';
import { FormFeedback } from '../common/FormFeedback';
import { EChart } from './EChart';
import { JobProgress } from './JobProgress';

/** Monte Carlo of the selected run's trades: settings, progress, the ROI histogram with its confidence bands, the risk figures. */
export function MonteCarloTab({ run }: { run: BacktestView }) {
  const job = useResearchStore((s) => s.monteCarlo);
  const start = useResearchStore((s) => s.runMonteCarlo);
  const [sims, setSims] = useState('2000');
  const [method, setMethod] = useState<'bootstrap' | 'shuffle'>('bootstrap');
  const [ruin, setRuin] = useState('0.5');
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const trades = run.results?.summary.total_trades ?? 0;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setOutcome(await start({ backtest_id: run.id, num_simulations: Number(sims), method, ruin_threshold: Number(ruin), confidence_levels: [0.9, 0.95, 0.99] }));
  }

  return (
    <div className="rs-tabpane" data-testid="mc-tab">
      <form className="rs-inline-form" onSubmit={(e) => void submit(e)}>
        <label>
          Simulations <input className="input num" value={sims} onChange={(e) => setSims(e.target.value)} data-testid="mc-sims" />
        </label>
        <label title="bootstrap: draw trades with replacement; shuffle: reorder the same trades (same final ROI, drawdown varies)">
          Method{' '}
          <select className="select" value={method} onChange={(e) => setMethod(e.target.value as 'bootstrap' | 'shuffle')} data-testid="mc-method">
            <option value="bootstrap">bootstrap</option>
            <option value="shuffle">shuffle</option>
          </select>
        </label>
        <label title="A path is ruined when its equity falls to this fraction of the initial capital">
          Ruin at <input className="input num" value={ruin} onChange={(e) => setRuin(e.target.value)} data-testid="mc-ruin" /> × capital
        </label>
        <button type="submit" className="btn primary small" disabled={trades === 0} data-testid="mc-run">
          Run Monte Carlo on {trades} trades
        </button>
        <FormFeedback outcome={outcome && !outcome.ok ? outcome : null} testId="mc-feedback" />
      </form>
      {job && job.backtest_id === run.id && <MonteCarloResult job={job} />}
    </div>
  );
}

function MonteCarloResult({ job }: { job: MonteCarloView }) {
  const r = job.results;
  const option = useMemo(
    () => (r ? monteCarloOption({ distribution: r.distribution, binWidth: r.bin_width, confidence: r.confidence_intervals, originalRoi: r.original_roi, medianRoi: r.median_roi }) : null),
    [r],
  );
  if (!isFinal(job.status) || !r || !option) return <JobProgress status={job.status} progress={job.progress} error={job.error} testId="mc-progress" />;
  const pct = (v: number) => formatStat(v, 'pct');
  const levels = Object.keys(r.confidence_intervals);
  return (
    <div className="rs-split">
      <section className="rs-split-chart">
        <div className="rs-subhead">
          Final ROI of {r.num_simulations.toLocaleString('en-US')} paths × {r.trades_per_path} trades ({r.method}) · shaded: {levels.join(' / ')} confidence
          intervals (darker = narrower) · <span style={{ color: '#f0b429' }}>backtest</span> and median lines
        </div>
        <EChart option={option} testId="mc-chart" />
      </section>
      <div>
      <table className="rs-stats" data-testid="mc-stats">
        <tbody>
          <Row label="Backtest ROI" value={pct(r.original_roi)} />
          <Row label="Expected ROI" value={pct(r.expected_roi)} help="mean final ROI of the paths" />
          <Row label="Median ROI" value={pct(r.median_roi)} />
          <Row label="Std dev" value={pct(r.std_dev_roi)} />
          <Row label="Best / worst" value={`${pct(r.best_case)} / ${pct(r.worst_case)}`} />
          <Row label="P(profit)" value={pct(r.probability_of_profit)} help="% of paths with final ROI > 0" />
          <Row label="P(ruin)" value={pct(r.probability_of_ruin)} help={`% of paths whose equity fell to ${r.ruin_threshold} × initial capital after some trade`} />
          {levels.map((l) => (
            <Row key={`ci-${l}`} label={`${l} CI`} value={`${pct(r.confidence_intervals[l]!.lower)} … ${pct(r.confidence_intervals[l]!.upper)}`} help="central percentile interval of the final ROI" />
          ))}
          {Object.entries(r.value_at_risk).map(([l, v]) => (
            <Row key={`var-${l}`} label={`VaR ${l}`} value={pct(v)} help={`${l} of the paths end above it; CVaR ${pct(r.conditional_value_at_risk[l] ?? NaN)}`} />
          ))}
          <Row label="Max DD median" value={pct(r.max_drawdown.median)} help="closed-trade equity drawdown per path, % of peak" />
          <Row label="Max DD worst" value={pct(r.max_drawdown.worst)} />
        </tbody>
      </table>
      </div>
    </div>
  );
}

function Row({ label, value, help }: { label: string; value: string; help?: string }) {
  return (
    <tr>
      <th title={help}>{label}</th>
      <td className="num">{value}</td>
    </tr>
  );
}
