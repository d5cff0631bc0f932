import { useId, useState, type FormEvent } from 'react';
import { moneyHint, parseNumberInput } from '../../lib/number-input';
import { usePortfolioStore, type ActionOutcome } from '../../stores/portfolio-store';
import { Field } from '../common/Field';
import { FormFeedback } from '../common/FormFeedback';
import { Panel } from '../common/Panel';

const USER_ID_PATTERN = /^[A-Za-z0-9_.@-]+$/;

function userIdHint(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  return USER_ID_PATTERN.test(text.trim()) ? undefined : 'Only letters, digits and _ . @ -';
}

function currencyHint(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  return /^[A-Za-z]{3}$/.test(text.trim()) ? undefined : 'A 3-letter code such as USD';
}

export function CreatePortfolioForm() {
  const id = useId();
  const createPortfolio = usePortfolioStore((s) => s.createPortfolio);
  const [userId, setUserId] = useState('');
  const [capital, setCapital] = useState('');
  const [currency, setCurrency] = useState('USD');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const amount = parseNumberInput(capital, 'Capital');
    if (!amount.ok) {
      setOutcome({ ok: false, code: 'INPUT', message: amount.problem });
      return;
    }
    setBusy(true);
    const result = await createPortfolio({
      user_id: userId.trim(),
      total_capital: amount.value,
      currency: currency.trim().toUpperCase(),
    });
    setBusy(false);
    setOutcome(result);
    if (result.ok) {
      setUserId('');
      setCapital('');
    }
  }

  return (
    <Panel title="New portfolio" bodyClassName="padded">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="User id" htmlFor={`${id}-user`} hint={userIdHint(userId)}>
          <input
            id={`${id}-user`}
            className="input"
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            placeholder="trader_001"
            autoComplete="off"
            spellCheck={false}
            data-testid="create-user-id"
          />
        </Field>
        <div className="row">
          <Field label="Capital" htmlFor={`${id}-capital`} hint={moneyHint(capital, 'Capital')}>
            <input
              id={`${id}-capital`}
              className="input num"
              value={capital}
              onChange={(e) => setCapital(e.target.value)}
              placeholder="50,000.00"
              inputMode="decimal"
              autoComplete="off"
              data-testid="create-capital"
            />
          </Field>
          <div style={{ width: 64, flex: 'none' }}>
            <Field label="Ccy" htmlFor={`${id}-ccy`} hint={currencyHint(currency)}>
              <input
                id={`${id}-ccy`}
                className="input"
                value={currency}
                onChange={(e) => setCurrency(e.target.value.toUpperCase())}
                maxLength={3}
                autoComplete="off"
                spellCheck={false}
                data-testid="create-currency"
              />
            </Field>
          </div>
        </div>
        <button type="submit" className="btn primary block" disabled={busy} data-testid="create-submit">
          Create portfolio
        </button>
        <FormFeedback outcome={outcome} testId="create-feedback" />
      </form>
    </Panel>
  );
}
