import { useEffect, useState, type FormEvent } from 'react';
import { draftFromDefaults } from '../../lib/param-form';
import { useStrategyDraft } from '../../lib/use-strategy-draft';
import { useChartStore } from '../../stores/chart-store';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { useTradingStore } from '../../stores/trading-store';
import { FormFeedback } from '../common/FormFeedback';
import { ParamField } from './ParamField';
import { showTaskOnChart } from '../../stores/chart-context';
import { BrokerSelect } from '../brokers/BrokerSelect';

/**
 * The start-task ticket: pair, timeframe, strategy, and every parameter of that strategy with its default, range
 * and meaning, from `trading.availableStrategies`. Values are checked before submitting; the server's refusal and
 * its warnings show inline.
 */
export function StartTaskForm() {
  const sessionId = useTradingStore((s) => s.sessionId);
  const groups = useTradingStore((s) => s.groups);
  const timeframes = useTradingStore((s) => s.timeframes);
  const strategies = useTradingStore((s) => s.strategies);
  const { strategyName, setStrategyName, strategy, draft, setDraft, checked } = useStrategyDraft(strategies);
  const startTask = useTradingStore((s) => s.startTask);
  const chartSymbol = useChartStore((s) => s.ctx?.symbol);

  const [pair, setPair] = useState('');
  const [timeframe, setTimeframe] = useState('15M');
  const [allocation, setAllocation] = useState('');
  const [broker, setBroker] = useState('paper');
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!pair && chartSymbol) setPair(chartSymbol);
  }, [chartSymbol, pair]);

  const errorCount = checked ? Object.keys(checked.errors).length : 0;
  const canSubmit = !!sessionId && !!strategy && !!pair && errorCount === 0 && !busy;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!checked || !canSubmit || !sessionId) return;
    setBusy(true);
    const result = await startTask({
      session_id: sessionId,
      pair,
      timeframe,
      strategy_name: strategyName,
      config: checked.config,
      ...(allocation.trim() ? { allocation_strategy: allocation.trim() } : {}),
      ...(broker !== 'paper' ? { broker } : {}),
    });
    setBusy(false);
    setOutcome(result);
    if (result.ok && result.task) showTaskOnChart(result.task);
  }

  return (
    <form className="ticket trade-ticket" onSubmit={(e) => void submit(e)} data-testid="start-task-form" noValidate>
      <header className="panel-head">
        <span className="panel-title">New task</span>
        <span className="panel-aside dim">{broker === 'paper' ? 'paper broker' : broker === 'mt5' ? 'MetaTrader 5' : 'exchange account'}</span>
      </header>
      <div className="ticket-body">
        <div className="row">
          <div className="field">
            <div className="field-label">
              <label htmlFor="start-pair">Pair</label>
            </div>
            <select id="start-pair" className="select" value={pair} onChange={(e) => setPair(e.target.value)} data-testid="start-pair">
              <option value="" disabled>
                Choose…
              </option>
              {Object.entries(groups).map(([group, symbols]) => (
                <optgroup key={group} label={group}>
                  {symbols.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          <div className="field">
            <div className="field-label">
              <label htmlFor="start-timeframe">Timeframe</label>
            </div>
            <select id="start-timeframe" className="select" value={timeframe} onChange={(e) => setTimeframe(e.target.value)} data-testid="start-timeframe">
              {timeframes.map((tf) => (
                <option key={tf.code} value={tf.code}>
                  {tf.code} · {tf.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <BrokerSelect value={broker} onChange={setBroker} />
        <div className="field">
          <div className="field-label">
            <label htmlFor="start-strategy">Strategy</label>
          </div>
          <select id="start-strategy" className="select" value={strategyName} onChange={(e) => setStrategyName(e.target.value)} data-testid="start-strategy">
            {strategies.map((s) => (
              <option key={s.name} value={s.name}>
                {s.title} ({s.name})
              </option>
            ))}
          </select>
          {strategy && <span className="field-note">{strategy.description}</span>}
        </div>
        <div className="field">
          <div className="field-label">
            <label htmlFor="start-allocation">Allocation strategy</label>
            <span className="faint">optional</span>
          </div>
          <input
            id="start-allocation"
            className="input"
            value={allocation}
            placeholder="e.g. Gold Scalping"
            onChange={(e) => setAllocation(e.target.value)}
            data-testid="start-allocation"
          />
          <span className="field-note">Which strategy allocation of the session user’s portfolio funds this pair; empty: the first that has it.</span>
        </div>

        {strategy && (
          <div className="params" data-testid="start-params">
            <div className="params-head">
              <span>Parameters</span>
              <span className="faint">{checked?.changed.length ? `${checked.changed.length} changed` : 'all defaults'}</span>
              {checked && checked.changed.length > 0 && (
                <button type="button" className="btn ghost small" onClick={() => setDraft(draftFromDefaults(strategy))} data-testid="start-reset">
                  Reset
                </button>
              )}
            </div>
            {strategy.parameters.map((p) => (
              <ParamField
                key={`${strategy.name}.${p.key}`}
                spec={p}
                value={draft[p.key]}
                error={checked?.errors[p.key]}
                onChange={(v) => setDraft((d) => ({ ...d, [p.key]: v }))}
              />
            ))}
          </div>
        )}
      </div>
      <footer className="ticket-submit">
        <FormFeedback outcome={outcome} testId="start-feedback" />
        <button type="submit" className="btn primary block" disabled={!canSubmit} data-testid="start-submit">
          {busy ? 'Starting…' : `Start ${strategyName || 'task'} on ${pair || '…'} ${timeframe}`}
        </button>
        {!sessionId && <span className="field-hint">Create or pick a session first.</span>}
        {errorCount > 0 && <span className="field-hint">{errorCount} parameter(s) to fix</span>}
      </footer>
    </form>
  );
}
