import { useId, useState, type FormEvent } from 'react';
import { centsOf, previewFill, shareCents, type Share } from '../../lib/allocation-preview';
import { formatMoney } from '../../lib/format';
import { moneyHint, parseNumberInput, percentHint } from '../../lib/number-input';
import { usePortfolioStore, type ActionOutcome, type Dashboard } from '../../stores/portfolio-store';
import { Field } from '../common/Field';
import { FormFeedback } from '../common/FormFeedback';
import { RulePreview } from '../common/RulePreview';
import { SegmentedToggle } from '../common/SegmentedToggle';

type Mode = Share['kind'];

const MODES = [
  { value: 'amount', label: 'Amount', testId: 'strategy-mode-amount' },
  { value: 'percentage', label: '% of portfolio', testId: 'strategy-mode-percentage' },
] as const;

export function AllocateStrategyForm({ dashboard }: { dashboard: Dashboard }) {
  const id = useId();
  const allocateStrategy = usePortfolioStore((s) => s.allocateStrategy);
  const [name, setName] = useState('');
  const [mode, setMode] = useState<Mode>('amount');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);

  const { currency } = dashboard;
  const totalCents = centsOf(dashboard.total_capital);
  const parsed = parseNumberInput(value, mode === 'amount' ? 'Amount' : 'Percentage');
  const share: Share | null =
    parsed.ok && parsed.value > 0 ? (mode === 'amount' ? { kind: 'amount', amount: parsed.value } : { kind: 'percentage', percentage: parsed.value }) : null;
  const requestCents = share ? shareCents(share, totalCents) : null;
  const preview = requestCents !== null ? previewFill(totalCents, centsOf(dashboard.allocated_capital), requestCents) : null;
  const hint = mode === 'amount' ? moneyHint(value, 'Amount') : percentHint(value, 'Percentage');

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!parsed.ok) {
      setOutcome({ ok: false, code: 'INPUT', message: parsed.problem });
      return;
    }
    setBusy(true);
    const result = await allocateStrategy({
      portfolio_id: dashboard.portfolio_id,
      strategy_name: name,
      ...(mode === 'amount' ? { allocation_amount: parsed.value } : { allocation_percentage: parsed.value }),
    });
    setBusy(false);
    setOutcome(result);
    if (result.ok) {
      setName('');
      setValue('');
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="strategy-form">
      <h2 className="ticket-title">Allocate a strategy</h2>
      <p className="ticket-sub">
        Give part of the portfolio to a strategy. {formatMoney(dashboard.available_capital, currency)} of{' '}
        {formatMoney(dashboard.total_capital, currency)} is available.
      </p>
      <Field label="Strategy name" htmlFor={`${id}-name`} hint={name.length > 64 ? 'At most 64 characters' : undefined}>
        <input
          id={`${id}-name`}
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Gold Scalping"
          autoComplete="off"
          data-testid="strategy-name"
        />
      </Field>
      <Field
        label={mode === 'amount' ? `Amount (${currency})` : 'Percentage of portfolio'}
        htmlFor={`${id}-value`}
        extra={<SegmentedToggle value={mode} options={MODES} onChange={setMode} label="Allocate by" tiny />}
        hint={hint}
        note={
          share?.kind === 'percentage' && requestCents !== null
            ? `= ${formatMoney(requestCents / 100, currency)} (rounded to the cent as the server does)`
            : undefined
        }
      >
        <input
          id={`${id}-value`}
          className={`input num${hint ? ' invalid' : ''}`}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder={mode === 'amount' ? '10,000.00' : '25'}
          inputMode="decimal"
          autoComplete="off"
          data-testid="strategy-value"
        />
      </Field>
      <RulePreview preview={preview} usedWord="of the portfolio allocated" currency={currency} testId="strategy-preview" />
      <button type="submit" className="btn primary block" disabled={busy} data-testid="strategy-submit">
        Allocate strategy
      </button>
      <FormFeedback outcome={outcome} testId="strategy-feedback" />
    </form>
  );
}
