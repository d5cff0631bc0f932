import { formatStat, STAT_ROWS, statDefinition, statTone, type BacktestSummary } from '../../lib/research-stats';

/** Every statistic of a run; hovering a name shows the contract's definition of how it is computed. */
export function StatsTable({ summary, extra }: { summary: BacktestSummary; extra?: { label: string; value: string; help: string }[] }) {
  return (
    <table className="rs-stats" data-testid="stats-table">
      <tbody>
        {STAT_ROWS.map((r) => (
          <tr key={r.key} data-testid={`stat-${r.key}`}>
            <th title={statDefinition(r.key)}>{r.label}</th>
            <td className={`num ${statTone(r.key, summary[r.key])}`}>{formatStat(summary[r.key], r.unit)}</td>
          </tr>
        ))}
        {extra?.map((e) => (
          <tr key={e.label}>
            <th title={e.help}>{e.label}</th>
            <td className="num">{e.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
