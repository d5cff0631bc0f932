import { useState } from 'react';
import { CHART_COLORS } from '../../lib/chart-option';
import { digitsFor, formatChangePct, formatPrice } from '../../lib/trading-format';
import { showSymbolOnChart } from '../../stores/chart-context';
import { useChartStore } from '../../stores/chart-store';
import { useTradingStore } from '../../stores/trading-store';
import { CandleChart } from './CandleChart';
import { FeedBadge } from './FeedBadge';
import { OrderTicket } from './OrderTicket';
import { StopTaskDialog } from './StopTaskDialog';
import { ACTIVE } from './TasksGrid';

const TIMEFRAMES = ['1M', '5M', '15M', '1H', '4H', '1D'];
const STUDY_COLORS: Record<string, string> = { lookback_high: '#e6a23c', lookback_low: '#3fb6d9', fast_ma: '#3d8bfd', slow_ma: '#c678dd', zscore: '#c678dd' };

/** The chart pane: instrument, timeframe, task, feed source (SIMULATED shown prominently), legend, follow. */
export function ChartPanel() {
  const ctx = useChartStore((s) => s.ctx);
  const source = useChartStore((s) => s.source);
  const simulated = useChartStore((s) => s.simulated);
  const follow = useChartStore((s) => s.follow);
  const loading = useChartStore((s) => s.loading);
  const error = useChartStore((s) => s.error);
  const meta = useChartStore((s) => s.seriesMeta);
  const levels = useChartStore((s) => s.levels);
  const candles = useChartStore((s) => s.candles);
  const followLatest = useChartStore((s) => s.followLatest);
  const digitsBySymbol = useTradingStore((s) => s.digits);
  const task = useTradingStore((s) => (ctx?.taskId != null ? s.tasks.find((t) => t.task_id === ctx.taskId) : undefined));

  const [stopping, setStopping] = useState(false);
  const digits = ctx ? digitsFor(ctx.symbol, digitsBySymbol) : 5;
  const n = candles.time.length;
  const last = n ? (candles.close[n - 1] as number) : null;
  const prev = n > 1 ? (candles.close[n - 2] as number) : null;
  const change = last !== null && prev !== null ? ((last - prev) / prev) * 100 : null;
  const hasTp = levels.some((l) => l.kind === 'take_profit');
  const hasGrid = levels.some((l) => l.kind === 'next_grid');
  const hasSl = levels.some((l) => l.kind === 'stop_loss');

  return (
    <section className="panel trade-chart" data-testid="chart-panel">
      <header className="chart-head">
        <span className="chart-symbol" data-testid="chart-symbol">
          {ctx?.symbol ?? '—'}
        </span>
        <div className="segmented tiny" role="group" aria-label="Timeframe">
          {TIMEFRAMES.map((tf) => (
            <button
              key={tf}
              type="button"
              aria-pressed={ctx?.timeframe === tf}
              data-testid={`chart-tf-${tf}`}
              disabled={!ctx}
              onClick={() => ctx && showSymbolOnChart(ctx.symbol, tf)}
            >
              {tf}
            </button>
          ))}
        </div>
        {source && <FeedBadge source={source} />}
        <span className="chart-last mono">
          {formatPrice(last, digits)}{' '}
          <span className={change === null ? 'dim' : change >= 0 ? 'up' : 'down'}>{formatChangePct(change)}</span>
        </span>
        <span className="chart-task" data-testid="chart-task">
          {task ? (
            <>
              <b>{task.strategy_name}</b> · task {task.task_id}
              {task.status.startsWith('running') ? '' : ` · ${task.status}`}
            </>
          ) : (
            <span className="dim" title="Select a task (in the Tasks grid) to draw its indicators, trades and levels">
              market only
            </span>
          )}
        </span>
        <GoToDate disabled={!ctx} />
        <button
          type="button"
          className={`btn small follow ${follow ? 'on' : ''}`}
          onClick={followLatest}
          disabled={!ctx || ctx.until !== null}
          title={follow ? 'Following the newest bar' : 'Jump to the newest bar and follow it'}
          data-testid="chart-follow"
        >
          {follow ? '● Live' : 'Go live ▸|'}
        </button>
        {task && ACTIVE.has(task.status) && (
          <button type="button" className="btn small danger" onClick={() => setStopping(true)} data-testid="chart-stop" title="Stop this task">
            Stop task
          </button>
        )}
      </header>
      <OrderTicket />
      <div className="chart-body">
        <CandleChart digits={digits} />
        {meta.length > 0 || ctx?.taskId != null ? (
          <span className="chart-legend" data-testid="chart-legend">
            {meta.map((m) => (
              <span key={m.key} className="legend-item">
                <i style={{ background: STUDY_COLORS[m.key] ?? '#8793a1' }} />
                {m.label}
              </span>
            ))}
            {ctx?.taskId != null && (
              <>
                <span className="legend-item">
                  <i className="tri" style={{ borderBottomColor: CHART_COLORS.up }} />
                  Entry
                </span>
                <span className="legend-item">
                  <i className="dia" />
                  Exit
                </span>
              </>
            )}
            {hasTp && (
              <span className="legend-item">
                <i className="dash" style={{ borderColor: CHART_COLORS.takeProfit }} />
                TP
              </span>
            )}
            {hasSl && (
              <span className="legend-item">
                <i className="dash" style={{ borderColor: CHART_COLORS.stopLoss }} />
                SL
              </span>
            )}
            {hasGrid && (
              <span className="legend-item">
                <i className="dash" style={{ borderColor: CHART_COLORS.grid }} />
                Grid
              </span>
            )}
          </span>
        ) : null}
        {simulated && (
          <div className="sim-watermark" aria-hidden="true">
            SIMULATED PRICES
          </div>
        )}
        {!ctx && (
          <div className="chart-empty">
            <strong>No chart yet</strong>Pick a symbol in the market watch or a task below.
          </div>
        )}
        {ctx && n === 0 && !loading && !error && <div className="chart-empty">No bars for {ctx.symbol} {ctx.timeframe}.</div>}
        {error && (
          <div className="chart-error" role="alert">
            {error}
          </div>
        )}
      </div>
      {stopping && task && <StopTaskDialog task={task} onClose={() => setStopping(false)} />}
    </section>
  );
}

/** Jump to a date (UTC): the way to reach a bar years back without panning there. Folded into one button. */
function GoToDate({ disabled }: { disabled: boolean }) {
  const jumpTo = useChartStore((s) => s.jumpTo);
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  if (!open) {
    return (
      <button type="button" className="btn small goto-open" disabled={disabled} onClick={() => setOpen(true)} title="Go to a date (UTC)" data-testid="chart-goto-open">
        Go to date
      </button>
    );
  }
  return (
    <form
      className="goto"
      onSubmit={(e) => {
        e.preventDefault();
        const t = Date.parse(`${value}T12:00:00Z`);
        if (Number.isFinite(t)) jumpTo(t);
        setOpen(false);
      }}
    >
      <input
        type="date"
        className="input goto-date"
        value={value}
        autoFocus
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        aria-label="Go to date (UTC)"
        data-testid="chart-goto-date"
      />
      <button type="submit" className="btn small" disabled={!value} data-testid="chart-goto">
        Go
      </button>
    </form>
  );
}
