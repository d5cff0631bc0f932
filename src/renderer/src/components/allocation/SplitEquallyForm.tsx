import { useId, useState, type FormEvent } from 'react';
import { centsOf, parsePairList, previewSplit, type SplitPreview } from '../../lib/allocation-preview';
import { strategiesOf } from '../../lib/dashboard-view';
import { formatMoney } from '../../lib/format';
import { parseNumberInput, percentHint } from '../../lib/number-input';
import { usePortfolioStore, type ActionOutcome, type Dashboard } from '../../stores/portfolio-store';
import { Field } from '../common/Field';
import { FormFeedback } from '../common/FormFeedback';
import { resolveStrategy, StrategySelect } from './StrategySelect';

export function SplitEquallyForm({ dashboard }: { dashboard: Dashboard }) {
  const id = useId();
  const addPairs = usePortfolioStore((s) => s.addPairs);
  const strategies = strategiesOf(dashboard);
  const [chosen, setChosen] = useState('');
  const [pairsText, setPairsText] = useState('');
  const [threshold, setThreshold] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);

  const strategy = resolveStrategy(strategies, chosen);
  const { currency } = dashboard;
  if (!strategy) {
    return <div className="empty">Allocate a strategy first; pairs take their capital from a strategy.</div>;
  }
  const pairs = parsePairList(pairsText);
  const preview = pairs.length > 0 ? previewSplit(centsOf(strategy.unallocated_amount), pairs.length) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!strategy) return;
    let thresholdPct: number | undefined;
    if (threshold.trim() !== '') {
      const parsed = parseNumberInput(threshold, 'Loss threshold');
      if (!parsed.ok) {
        setOutcome({ ok: false, code: 'INPUT', message: parsed.problem });
        return;
      }
      thresholdPct = parsed.value;
    }
    setBusy(true);
    const result = await addPairs({
      portfolio_id: dashboard.portfolio_id,
      strategy_name: strategy.name,
      pairs,
      ...(thresholdPct !== undefined ? { floating_loss_threshold_pct: thresholdPct } : {}),
    });
    setBusy(false);
    setOutcome(result);
    if (result.ok) setPairsText('');
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="split-form">
      <h2 className="ticket-title">Split equally between pairs</h2>
      <p className="ticket-sub">
        The strategy’s capital not yet given to pairs is split equally, to the cent. Leftover cents go to the first pairs.
      </p>
      <Field label="Strategy" htmlFor={`${id}-strategy`}>
        <StrategySelect
          id={`${id}-strategy`}
          strategies={strategies}
          value={strategy.name}
          currency={currency}
          onChange={setChosen}
          testId="split-strategy"
        />
      </Field>
      <Field label="Pairs" htmlFor={`${id}-pairs`} note="Separate with commas or spaces">
        <textarea
          id={`${id}-pairs`}
          className="input"
          value={pairsText}
          onChange={(e) => setPairsText(e.target.value)}
          placeholder="EURUSD, GBPUSD, USDJPY"
          rows={2}
          spellCheck={false}
          data-testid="split-pairs"
        />
      </Field>
      <Field label="Floating-loss threshold %" htmlFor={`${id}-thr`} hint={percentHint(threshold, 'Loss threshold')} note="Empty = 10 %">
        <input
          id={`${id}-thr`}
          className="input num"
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
          placeholder="10"
          inputMode="decimal"
          autoComplete="off"
          data-testid="split-threshold"
        />
      </Field>
      <SplitPreviewLine preview={preview} pairs={pairs} currency={currency} />
      <button type="submit" className="btn primary block" disabled={busy} data-testid="split-submit">
        Split equally
      </button>
      <FormFeedback outcome={outcome} testId="split-feedback" />
    </form>
  );
}

const LISTED_PAIRS = 6;

function SplitPreviewLine({ preview, pairs, currency }: { preview: SplitPreview | null; pairs: string[]; currency: string }) {
  if (!preview) return null;
  const money = (cents: number) => formatMoney(cents / 100, currency);
  if (!preview.possible) {
    return (
      <div className="preview over" data-testid="split-preview" data-state="over">
        <strong>Nothing to split:</strong> {money(preview.freeCents)} not yet given to pairs cannot be split between {preview.pairs}{' '}
        pair(s) — allocations can never exceed 100 %
      </div>
    );
  }
  const shareOfPair = (index: number) => preview.baseCents + (index < preview.leftoverCents ? 1 : 0);
  return (
    <div className="preview" data-testid="split-preview" data-state="fits">
      {money(preview.freeCents)} split {preview.pairs} ways:{' '}
      {pairs.slice(0, LISTED_PAIRS).map((pair, i) => (
        <span key={`${pair}-${i}`}>
          {i > 0 && ' · '}
          <strong>{pair}</strong> {money(shareOfPair(i))}
        </span>
      ))}
      {pairs.length > LISTED_PAIRS && ` · … ${pairs.length - LISTED_PAIRS} more`}
      {preview.leftoverCents > 0 && (
        <div>
          {preview.leftoverCents} leftover cent(s) go to the first pair(s). After this: <strong>100.00 %</strong> given to pairs.
        </div>
      )}
    </div>
  );
}
