import type { StrategyView } from '../../lib/dashboard-view';
import { formatMoney } from '../../lib/format';

interface Props {
  id: string;
  strategies: StrategyView[];
  value: string;
  currency: string;
  onChange(name: string): void;
  testId: string;
}

/** Picks a strategy of the selected portfolio, showing what it still has for pairs. */
export function StrategySelect({ id, strategies, value, currency, onChange, testId }: Props) {
  return (
    <select id={id} className="select" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      {strategies.map((s) => (
        <option key={s.strategy_allocation_id} value={s.name}>
          {s.name} · {formatMoney(s.unallocated_amount, currency)} free
        </option>
      ))}
    </select>
  );
}

/** The strategy the form should target: the chosen one if it still exists, else the first with free capital. */
export function resolveStrategy(strategies: StrategyView[], chosen: string): StrategyView | undefined {
  return (
    strategies.find((s) => s.name === chosen) ?? strategies.find((s) => s.unallocated_amount > 0) ?? strategies[0]
  );
}
