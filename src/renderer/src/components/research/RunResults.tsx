import { useMemo, useState } from 'react';
import { equityDrawdownOption } from '../../lib/research-charts';
import { guessDigits, type BacktestView } from '../../lib/research-stats';
import { useResearchStore, type ResultTab } from '../../stores/research-store';
import { api } from '../../api/client';
import { saveCsv } from '../../lib/save-csv';
import { EChart } from './EChart';
import { MonteCarloTab } from './MonteCarloTab';
import { PriceChart } from './PriceChart';
import { StatsTable } from './StatsTable';
import { TradesGrid } from './TradesGrid';
import { WalkForwardTab } from './WalkForwardTab';

const TABS: readonly { id: Exclude<ResultTab, 'compare'>; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'trades', label: 'Trades' },
  { id: 'chart', label: 'Price chart' },
  { id: 'walkforward', label: 'Walk-forward' },
  { id: 'montecarlo', label: 'Monte Carlo' },
];

/** A completed run: overview (statistics + equity/drawdown), trades, price chart, walk-forward and Monte Carlo. */
export function RunResults({ run, tab }: { run: BacktestView; tab: ResultTab }) {
  const setTab = useResearchStore((s) => s.setTab);
  const results = run.results;
  if (!results) return null;
  return (
    <>
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" className="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)} data-testid={`result-tab-${t.id}`}>
            {t.label}
            {t.id === 'trades' ? ` (${results.trades.length})` : ''}
          </button>
        ))}
        {tab === 'trades' && results.trades.length > 0 && <ExportTradesButton id={run.id} />}
      </div>
      <div className="rs-tabbody">
        {tab === 'overview' && <Overview run={run} />}
        {tab === 'trades' && <TradesGrid trades={results.trades} multiSymbol={run.symbols.length > 1} />}
        {tab === 'chart' && <ChartTab run={run} />}
        {tab === 'walkforward' && <WalkForwardTab key={run.id} run={run} />}
        {tab === 'montecarlo' && <MonteCarloTab run={run} />}
      </div>
    </>
  );
}

function Overview({ run }: { run: BacktestView }) {
  const results = run.results!;
  const option = useMemo(() => equityDrawdownOption(results.equity_curve, run.initial_capital), [results.equity_curve, run.initial_capital]);
  const extra = [
    { label: 'Bars', value: results.bars.toLocaleString('en-US'), help: 'bars traded (warm-up bars not included), summed over the symbols' },
    { label: 'Signals', value: `${results.signals_generated} / ${results.signals_filtered} filtered`, help: 'entry orders the strategy sent / entries turned down' },
  ];
  return (
    <div className="rs-overview">
      <section className="rs-equity">
        <div className="rs-subhead">
          Equity (end of each UTC day) <span className="faint">· drawdown from the running peak underneath</span>
        </div>
        <EChart option={option} testId="equity-chart" />
      </section>
      <aside className="rs-stats-pane" data-testid="stats-pane">
        <StatsTable summary={results.summary} extra={extra} />
        {results.per_symbol.length > 1 && (
          <table className="rs-stats wide">
            <tbody>
              {results.per_symbol.map((p) => (
                <tr key={p.symbol}>
                  <th>{p.symbol}</th>
                  <td className="num">{p.total_trades} trades</td>
                  <td className={`num ${p.roi >= 0 ? 'up' : 'down'}`}>{p.roi.toFixed(2)} %</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </aside>
    </div>
  );
}

function ChartTab({ run }: { run: BacktestView }) {
  const [symbol, setSymbol] = useState(run.symbols[0] ?? '');
  const digits = guessDigits(run.results?.trades[0]?.entry_price);
  return (
    <div className="rs-chart-tab">
      {run.symbols.length > 1 && (
        <div className="rs-inline-form">
          {run.symbols.map((s) => (
            <button key={s} type="button" className={`btn small${s === symbol ? ' primary' : ''}`} onClick={() => setSymbol(s)}>
              {s}
            </button>
          ))}
        </div>
      )}
      <div className="rs-subhead">
        {symbol} {run.timeframe} · ▲▼ entries, ◆ exits (green win, red loss) · click a trade in the Trades tab to jump to it
      </div>
      <PriceChart run={run} symbol={symbol} digits={digits} />
    </div>
  );
}

/** The run's trades as a CSV file (the exporter permission; a viewer is told so). */
function ExportTradesButton({ id }: { id: number }) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <span className="tab-aside">
      {problem && <span className="down small">{problem}</span>}
      <button
        type="button"
        className="btn small"
        data-testid="export-trades-csv"
        onClick={() => {
          setProblem(null);
          api.export.backtestTrades({ id }).then(saveCsv, (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
        }}
      >
        Export CSV
      </button>
    </span>
  );
}
