import { useMemo } from 'react';
import { compareEquityOption, RUN_COLORS } from '../../lib/research-charts';
import { better, formatStat, STAT_ROWS, statDefinition, type BacktestView } from '../../lib/research-stats';
import { useResearchStore } from '../../stores/research-store';
import { EChart } from './EChart';

/** "k=v k=v" of a run's parameters picked by key: the differing ones are what a comparison is about. */
function paramText(run: BacktestView, pick: (key: string) => boolean): string {
  return Object.entries(run.strategy_params)
    .filter(([k]) => pick(k))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

/** Two completed runs: statistics side by side (the better one marked) and their equity overlaid as % return. */
export function CompareView() {
  const compared = useResearchStore((s) => s.compared);
  const [a, b] = compared;
  const option = useMemo(
    () =>
      compareEquityOption(
        compared.map((r) => ({ label: `#${r.id} ${r.name}`, initialCapital: r.initial_capital, points: r.results?.equity_curve ?? [] })),
      ),
    [compared],
  );
  if (!a || !b || !a.results || !b.results) return <div className="empty">Tick two completed runs in the list to compare them.</div>;
  const sa = a.results.summary;
  const sb = b.results.summary;
  const settings: { label: string; of: (r: BacktestView) => string }[] = [
    { label: 'Strategy', of: (r) => r.strategy },
    { label: 'Market', of: (r) => `${r.symbols.join(', ')} ${r.timeframe}` },
    { label: 'Range', of: (r) => `${r.start_date.slice(0, 10)} → ${r.end_date.slice(0, 10)}` },
    { label: 'Parameters that differ', of: (r) => paramText(r, (k) => String(a.strategy_params[k]) !== String(b.strategy_params[k])) || '—' },
    { label: 'Same parameters', of: (r) => paramText(r, (k) => String(a.strategy_params[k]) === String(b.strategy_params[k])) || '—' },
    { label: 'Execution', of: (r) => `${r.fill_at} · ${r.direction} · ${r.sizing} ${r.position_size ?? ''} · comm ${r.commission_percent}% + $${r.commission_per_lot}/lot · spread ${r.spread_points} · slip ${r.slippage_points}` },
  ];
  return (
    <div className="rs-compare" data-testid="compare-view">
      <div className="rs-compare-table">
        <table className="rs-stats wide" data-testid="compare-table">
          <thead>
            <tr>
              <th />
              <th className="num" style={{ color: RUN_COLORS[0] }}>
                #{a.id} {a.name}
              </th>
              <th className="num" style={{ color: RUN_COLORS[1] }}>
                #{b.id} {b.name}
              </th>
            </tr>
          </thead>
          <tbody>
            {settings.map((s) => (
              <tr key={s.label} className={`rs-setting${s.label === 'Parameters that differ' ? ' rs-diff' : ''}`}>
                <th>{s.label}</th>
                {s.of(a) === s.of(b) ? (
                  // Identical for both runs: said once across both columns.
                  <td className="rs-wrap rs-same" colSpan={2}>
                    {s.of(a)}
                  </td>
                ) : (
                  <>
                    <td className="rs-wrap">{s.of(a)}</td>
                    <td className="rs-wrap">{s.of(b)}</td>
                  </>
                )}
              </tr>
            ))}
            {STAT_ROWS.map((r) => {
              const win = better(r.key, sa[r.key], sb[r.key]);
              return (
                <tr key={r.key}>
                  <th title={statDefinition(r.key)}>{r.label}</th>
                  <td className={`num${win === 'a' ? ' rs-better' : ''}`}>{formatStat(sa[r.key], r.unit)}</td>
                  <td className={`num${win === 'b' ? ' rs-better' : ''}`}>{formatStat(sb[r.key], r.unit)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <section className="rs-compare-chart">
        <div className="rs-subhead">Equity, % return from each run's initial capital</div>
        <EChart option={option} testId="compare-chart" />
      </section>
    </div>
  );
}
