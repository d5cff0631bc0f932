import { useId, useState, type FormEvent } from 'react';
import type { InputOf } from '../../../../shared/contract/index';
import { centsOf, previewFill, shareCents, type Share } from '../../lib/allocation-preview';
import { strategiesOf } from '../../lib/dashboard-view';
import { formatMoney } from '../../lib/format';
import { moneyHint, parseNumberInput, percentHint } from '../../lib/number-input';
import { usePortfolioStore, type ActionOutcome, type Dashboard } from '../../stores/portfolio-store';
import { Field } from '../common/Field';
import { FormFeedback } from '../common/FormFeedback';
import { RulePreview } from '../common/RulePreview';
import { SegmentedToggle } from '../common/SegmentedToggle';
import { resolveStrategy, StrategySelect } from './StrategySelect';

type PairRequest = InputOf<'capital.allocatePairs'>['pair_allocations'][number];

interface PairRow {
  key: number;
  pair: string;
  mode: Share['kind'];
  value: string;
  /** Empty means the server's default (10 %). */
  threshold: string;
}

const ROW_MODES = [
  { value: 'amount', label: '$' },
  { value: 'percentage', label: '%' },
] as const;

let nextRowKey = 1;
const emptyRow = (): PairRow => ({ key: nextRowKey++, pair: '', mode: 'amount', value: '', threshold: '' });

function valueHint(row: PairRow): string | undefined {
  return row.mode === 'amount' ? moneyHint(row.value, 'Amount') : percentHint(row.value, 'Percentage');
}

function rowShare(row: PairRow): Share | null {
  const parsed = parseNumberInput(row.value, 'value');
  if (!parsed.ok || parsed.value <= 0) return null;
  return row.mode === 'amount' ? { kind: 'amount', amount: parsed.value } : { kind: 'percentage', percentage: parsed.value };
}

/** Builds the request, or says which row cannot be sent as a number at all. */
function toRequests(rows: PairRow[]): { ok: true; requests: PairRequest[] } | { ok: false; problem: string } {
  const requests: PairRequest[] = [];
  for (const [index, row] of rows.entries()) {
    const label = row.pair.trim() || `row ${index + 1}`;
    const value = parseNumberInput(row.value, `${label}: ${row.mode === 'amount' ? 'amount' : 'percentage'}`);
    if (!value.ok) return { ok: false, problem: value.problem };
    let threshold: number | undefined;
    if (row.threshold.trim() !== '') {
      const parsed = parseNumberInput(row.threshold, `${label}: loss threshold`);
      if (!parsed.ok) return { ok: false, problem: parsed.problem };
      threshold = parsed.value;
    }
    requests.push({
      pair: row.pair.trim(),
      ...(row.mode === 'amount' ? { amount: value.value } : { percentage: value.value }),
      ...(threshold !== undefined ? { floating_loss_threshold_pct: threshold } : {}),
    });
  }
  return { ok: true, requests };
}

export function AllocatePairsForm({ dashboard }: { dashboard: Dashboard }) {
  const id = useId();
  const allocatePairs = usePortfolioStore((s) => s.allocatePairs);
  const strategies = strategiesOf(dashboard);
  const [chosen, setChosen] = useState('');
  const [rows, setRows] = useState<PairRow[]>(() => [emptyRow()]);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);

  const strategy = resolveStrategy(strategies, chosen);
  const { currency } = dashboard;
  if (!strategy) {
    return <div className="empty">Allocate a strategy first; pairs take their capital from a strategy.</div>;
  }

  const strategyCents = centsOf(strategy.allocated_amount);
  const shares = rows.map(rowShare);
  const anyValue = shares.some((s) => s !== null);
  const requestCents = shares.reduce((sum, s) => sum + (s ? shareCents(s, strategyCents) : 0), 0);
  const preview = anyValue ? previewFill(strategyCents, centsOf(strategy.pairs_allocated_amount), requestCents) : null;

  const updateRow = (key: number, patch: Partial<PairRow>) =>
    setRows((prev) => prev.map((row) => (row.key === key ? { ...row, ...patch } : row)));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!strategy) return;
    const built = toRequests(rows);
    if (!built.ok) {
      setOutcome({ ok: false, code: 'INPUT', message: built.problem });
      return;
    }
    setBusy(true);
    const result = await allocatePairs({ strategy_allocation_id: strategy.strategy_allocation_id, pair_allocations: built.requests });
    setBusy(false);
    setOutcome(result);
    if (result.ok) setRows([emptyRow()]);
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="pairs-form">
      <h2 className="ticket-title">Allocate pairs to a strategy</h2>
      <p className="ticket-sub">Each pair gets an amount or a % of the strategy, and a floating-loss threshold (default 10 %).</p>
      <Field label="Strategy" htmlFor={`${id}-strategy`}>
        <StrategySelect
          id={`${id}-strategy`}
          strategies={strategies}
          value={strategy.name}
          currency={currency}
          onChange={setChosen}
          testId="pairs-strategy"
        />
      </Field>
      <div className="pair-rows">
        <div className="pair-row-head" aria-hidden="true">
          <span>Pair</span>
          <span>By</span>
          <span style={{ textAlign: 'right' }}>{currency} / %</span>
          <span style={{ textAlign: 'right' }}>Thr %</span>
          <span />
        </div>
        {rows.map((row, index) => {
          const problemWithValue = valueHint(row);
          const problemWithThreshold = percentHint(row.threshold, 'Loss threshold');
          const hint = problemWithValue ?? problemWithThreshold;
          return (
            <div key={row.key} className="pair-row" data-testid={`pairs-row-${index}`}>
              <input
                className="input mono"
                value={row.pair}
                onChange={(e) => updateRow(row.key, { pair: e.target.value.toUpperCase() })}
                placeholder="XAUUSD"
                aria-label={`Pair ${index + 1}`}
                autoComplete="off"
                spellCheck={false}
                data-testid={`pairs-row-${index}-pair`}
              />
              <SegmentedToggle
                value={row.mode}
                options={ROW_MODES.map((m) => ({ ...m, testId: `pairs-row-${index}-mode-${m.value}` }))}
                onChange={(mode) => updateRow(row.key, { mode })}
                label={`Pair ${index + 1} allocated by`}
                tiny
              />
              <input
                className={`input num${problemWithValue ? ' invalid' : ''}`}
                value={row.value}
                onChange={(e) => updateRow(row.key, { value: e.target.value })}
                placeholder={row.mode === 'amount' ? '5,000.00' : '50'}
                aria-label={`Pair ${index + 1} ${row.mode === 'amount' ? 'amount' : 'percentage of strategy'}`}
                inputMode="decimal"
                autoComplete="off"
                data-testid={`pairs-row-${index}-value`}
              />
              <input
                className={`input num${problemWithThreshold ? ' invalid' : ''}`}
                value={row.threshold}
                onChange={(e) => updateRow(row.key, { threshold: e.target.value })}
                placeholder="10"
                aria-label={`Pair ${index + 1} floating-loss threshold %`}
                inputMode="decimal"
                autoComplete="off"
                data-testid={`pairs-row-${index}-threshold`}
              />
              <button
                type="button"
                className="btn ghost small"
                onClick={() => setRows((prev) => (prev.length > 1 ? prev.filter((r) => r.key !== row.key) : [emptyRow()]))}
                aria-label={`Remove pair ${index + 1}`}
                title="Remove this row"
                data-testid={`pairs-row-${index}-remove`}
              >
                ×
              </button>
              {hint && <span className="pair-row-hint">{hint}</span>}
            </div>
          );
        })}
      </div>
      <button
        type="button"
        className="btn small"
        onClick={() => setRows((prev) => [...prev, emptyRow()])}
        data-testid="pairs-add-row"
        style={{ marginBottom: 8 }}
      >
        + Add pair
      </button>
      <RulePreview preview={preview} usedWord={`of "${strategy.name}" given to pairs`} currency={currency} testId="pairs-preview" />
      <button type="submit" className="btn primary block" disabled={busy} data-testid="pairs-submit">
        Allocate pairs
      </button>
      <FormFeedback outcome={outcome} testId="pairs-feedback" />
    </form>
  );
}
