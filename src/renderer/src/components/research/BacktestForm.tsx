import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { SPEC_TIMEFRAMES } from '../../../../shared/contract/backtest';
import type { InputOf } from '../../../../shared/contract/index';
import { draftFromDefaults, retimeDraft } from '../../lib/param-form';
import { useStrategyDraft } from '../../lib/use-strategy-draft';
import { dateInputToIso } from '../../lib/research-stats';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { useResearchStore } from '../../stores/research-store';
import { FormFeedback } from '../common/FormFeedback';
import { ParamField } from '../trading/ParamField';

type CreateInput = InputOf<'backtest.create'>;
type Sizing = NonNullable<CreateInput['sizing']>;

/** The execution settings as typed (text), with the backtest API's defaults. */
interface Execution {
  initial_capital: string;
  sizing: Sizing;
  position_size: string;
  size_rounding: NonNullable<CreateInput['size_rounding']>;
  direction: NonNullable<CreateInput['direction']>;
  fill_at: NonNullable<CreateInput['fill_at']>;
  commission_percent: string;
  commission_per_lot: string;
  spread_points: string;
  slippage_points: string;
  warm_up_bars: string;
}

const DEFAULT_EXECUTION: Execution = {
  initial_capital: '10000',
  // All available equity: it buys the minimum lot of every shipped instrument with the default capital, where a
  // fixed $1,000 could not buy 0.01 lot of gold (1 oz) or of EURUSD (1,000 EUR).
  sizing: 'all_equity',
  position_size: '1000',
  size_rounding: 'lot_step',
  direction: 'both',
  fill_at: 'next_open',
  commission_percent: '0',
  commission_per_lot: '0',
  spread_points: '0',
  slippage_points: '0',
  warm_up_bars: '300',
};

const SIZE_UNIT: Record<Sizing, string> = { fixed_cash: 'USD / trade', fixed_lots: 'lots', percent_equity: '% equity', all_equity: '', strategy: '' };
const NUMERIC: readonly (keyof Execution)[] = ['initial_capital', 'commission_percent', 'commission_per_lot', 'spread_points', 'slippage_points', 'warm_up_bars'];

const num = (text: string) => Number(text.trim().replace(/[,\s_$]/g, ''));

/**
 * The backtest ticket: strategy and every parameter (defaults, ranges and meanings from trading.availableStrategies),
 * market and range, and the execution model the backtest API accepts. Obvious mistakes are caught before sending;
 * the server's refusal shows inline.
 */
export function BacktestForm() {
  const strategies = useResearchStore((s) => s.strategies);
  const { strategyName, setStrategyName, strategy, draft, setDraft, checked } = useStrategyDraft(strategies);
  const catalogError = useResearchStore((s) => s.catalogError);
  const submitRun = useResearchStore((s) => s.submit);

  const [symbols, setSymbols] = useState('XAUUSD');
  const [timeframe, setTimeframe] = useState<string>('1h');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [name, setName] = useState('');
  const [ex, setEx] = useState<Execution>(DEFAULT_EXECUTION);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const [busy, setBusy] = useState(false);

  // A strategy's defaults that depend on the timeframe (gold_buy_dip's % threshold) follow the chosen one, so the
  // form shows what the server would use; values the trader typed stay.
  useEffect(() => {
    if (strategy) setDraft((d) => retimeDraft(strategy, d, undefined, timeframe));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- on a new strategy only; timeframe changes go through changeTimeframe
  }, [strategy]);
  function changeTimeframe(next: string) {
    if (strategy) setDraft((d) => retimeDraft(strategy, d, timeframe, next));
    setTimeframe(next);
  }


  const symbolList = symbols.split(/[\s,;]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
  const needsSize = ex.sizing !== 'all_equity' && ex.sizing !== 'strategy';

  const problems: string[] = [];
  if (checked && Object.keys(checked.errors).length > 0) problems.push(`${Object.keys(checked.errors).length} parameter(s) to fix`);
  if (symbolList.length === 0) problems.push('name at least one symbol');
  if (!start || !end) problems.push('choose the date range');
  else if (end <= start) problems.push('the end must be after the start');
  for (const k of NUMERIC) if (!Number.isFinite(num(ex[k])) || ex[k].trim() === '') problems.push(`${k} must be a number`);
  if (needsSize && !(num(ex.position_size) > 0)) problems.push('position size must be greater than 0');

  const set = <K extends keyof Execution>(key: K, value: Execution[K]) => setEx((e) => ({ ...e, [key]: value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!checked || !strategy || problems.length > 0 || busy) return;
    setBusy(true);
    const input: CreateInput = {
      name: name.trim() || `${strategy.name} ${symbolList.join(',')} ${timeframe} ${start}→${end}`,
      strategy: strategy.name,
      strategy_params: checked.config,
      symbols: symbolList,
      timeframe,
      start_date: dateInputToIso(start),
      end_date: dateInputToIso(end),
      initial_capital: num(ex.initial_capital),
      ...(needsSize ? { position_size: num(ex.position_size) } : {}),
      sizing: ex.sizing,
      size_rounding: ex.size_rounding,
      direction: ex.direction,
      fill_at: ex.fill_at,
      commission_percent: num(ex.commission_percent),
      commission_per_lot: num(ex.commission_per_lot),
      spread_points: num(ex.spread_points),
      slippage_points: num(ex.slippage_points),
      warm_up_bars: num(ex.warm_up_bars),
    };
    setOutcome(await submitRun(input));
    setBusy(false);
  }

  return (
    <form className="ticket rs-form" onSubmit={(e) => void submit(e)} data-testid="backtest-form" noValidate>
      <header className="panel-head">
        <span className="panel-title">New backtest</span>
        <span className="panel-aside dim">stored candles</span>
      </header>
      <div className="ticket-body rs-form-body">
        {catalogError && <div className="feedback error">{catalogError}</div>}
        <Section title="Market">
          <div className="row">
            <TextField id="bt-symbols" label="Symbols" value={symbols} onChange={setSymbols} note="comma-separated; capital is split equally" />
            <div className="field rs-tf">
              <div className="field-label">
                <label htmlFor="bt-timeframe">Timeframe</label>
              </div>
              <select id="bt-timeframe" className="select" value={timeframe} onChange={(e) => changeTimeframe(e.target.value)} data-testid="bt-timeframe">
                {SPEC_TIMEFRAMES.map((tf) => (
                  <option key={tf} value={tf}>
                    {tf}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="row">
            <TextField id="bt-start" label="From (UTC)" type="date" value={start} onChange={setStart} />
            <TextField id="bt-end" label="To (UTC, exclusive)" type="date" value={end} onChange={setEnd} />
          </div>
        </Section>

        <Section title="Strategy">
          <div className="field">
            <select id="bt-strategy" className="select" value={strategyName} onChange={(e) => setStrategyName(e.target.value)} data-testid="bt-strategy" aria-label="Strategy">
              {strategies.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.title} ({s.name})
                </option>
              ))}
            </select>
            {strategy && <span className="field-note">{strategy.description}</span>}
          </div>
          {strategy && (
            <div className="params" data-testid="bt-params">
              <div className="params-head">
                <span>Parameters</span>
                <span className="faint">{checked?.changed.length ? `${checked.changed.length} changed` : 'all defaults'}</span>
                {checked && checked.changed.length > 0 && (
                  <button type="button" className="btn ghost small" onClick={() => setDraft(retimeDraft(strategy, draftFromDefaults(strategy), undefined, timeframe))}>
                    Reset
                  </button>
                )}
              </div>
              {strategy.parameters.map((p) => (
                <ParamField key={`${strategy.name}.${p.key}`} spec={p} value={draft[p.key]} error={checked?.errors[p.key]} onChange={(v) => setDraft((d) => ({ ...d, [p.key]: v }))} />
              ))}
            </div>
          )}
        </Section>

        <Section title="Execution">
          <div className="row">
            <Choice id="bt-fill" label="Fill market orders at" value={ex.fill_at} onChange={(v) => set('fill_at', v)} options={[['next_open', 'next bar open'], ['close', 'decision bar close']]} />
            <Choice id="bt-direction" label="Direction" value={ex.direction} onChange={(v) => set('direction', v)} options={[['both', 'long & short'], ['long_only', 'long only'], ['short_only', 'short only']]} />
          </div>
          <div className="row">
            <TextField id="bt-comm-pct" label="Commission %" value={ex.commission_percent} onChange={(v) => set('commission_percent', v)} note="of notional, per side" num />
            <TextField id="bt-comm-lot" label="Per lot $" value={ex.commission_per_lot} onChange={(v) => set('commission_per_lot', v)} note="per side" num />
          </div>
          <div className="row">
            <TextField id="bt-spread" label="Spread (points)" value={ex.spread_points} onChange={(v) => set('spread_points', v)} note="buys at bid + spread" num />
            <TextField id="bt-slippage" label="Slippage (points)" value={ex.slippage_points} onChange={(v) => set('slippage_points', v)} note="against you" num />
          </div>
        </Section>

        <Section title="Capital & sizing">
          <div className="row">
            <TextField id="bt-capital" label="Initial capital $" value={ex.initial_capital} onChange={(v) => set('initial_capital', v)} num />
            <TextField id="bt-warmup" label="Warm-up bars" value={ex.warm_up_bars} onChange={(v) => set('warm_up_bars', v)} note="before From, for indicators" num />
          </div>
          <div className="row">
            <Choice
              id="bt-sizing"
              label="Sizing"
              value={ex.sizing}
              onChange={(v) => set('sizing', v)}
              options={[['fixed_cash', 'fixed cash'], ['fixed_lots', 'fixed lots'], ['percent_equity', '% of equity'], ['all_equity', 'all equity'], ['strategy', "strategy's lots"]]}
            />
            {needsSize ? (
              <TextField id="bt-size" label={`Size (${SIZE_UNIT[ex.sizing]})`} value={ex.position_size} onChange={(v) => set('position_size', v)} num />
            ) : (
              <div className="field" />
            )}
          </div>
          <Choice id="bt-rounding" label="Size rounding" value={ex.size_rounding} onChange={(v) => set('size_rounding', v)} options={[['lot_step', 'instrument lot step'], ['whole_units', 'whole units'], ['fractional', 'fractional']]} />
        </Section>
        <TextField id="bt-name" label="Run name" value={name} onChange={setName} note="optional" />
      </div>
      <footer className="ticket-submit">
        <FormFeedback outcome={outcome} testId="bt-feedback" />
        <button type="submit" className="btn primary block" disabled={!strategy || problems.length > 0 || busy} data-testid="bt-submit">
          {busy ? 'Submitting…' : `Run ${strategyName || 'backtest'} on ${symbolList.join(', ') || '…'} ${timeframe}`}
        </button>
        {problems.length > 0 && <span className="field-hint">{problems[0]}</span>}
      </footer>
    </form>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="rs-section">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

function TextField(props: { id: string; label: string; value: string; onChange: (v: string) => void; note?: string; type?: string; num?: boolean }) {
  return (
    <div className="field">
      <div className="field-label">
        <label htmlFor={props.id}>{props.label}</label>
      </div>
      <input
        id={props.id}
        className={`input${props.num ? ' num' : ''}`}
        type={props.type ?? 'text'}
        inputMode={props.num ? 'decimal' : undefined}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.id}
      />
      {props.note && <span className="field-note">{props.note}</span>}
    </div>
  );
}

function Choice<V extends string>(props: { id: string; label: string; value: V; onChange: (v: V) => void; options: readonly (readonly [V, string])[] }) {
  return (
    <div className="field">
      <div className="field-label">
        <label htmlFor={props.id}>{props.label}</label>
      </div>
      <select id={props.id} className="select" value={props.value} onChange={(e) => props.onChange(e.target.value as V)} data-testid={props.id}>
        {props.options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}
