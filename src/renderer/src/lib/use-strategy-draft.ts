import { useEffect, useMemo, useState } from 'react';
import { checkDraft, draftFromDefaults, type CheckedDraft, type ParamDraft, type StrategySpec } from './param-form';

/**
 * The strategy picker and parameter draft both parameter forms share (start a task, run a backtest): the first
 * strategy is chosen once the list arrives, its defaults fill the draft whenever the strategy changes, and the
 * draft is checked against the parameter table on every edit.
 */
export function useStrategyDraft(strategies: readonly StrategySpec[]) {
  const [strategyName, setStrategyName] = useState('');
  const [draft, setDraft] = useState<ParamDraft>({});
  const strategy = strategies.find((s) => s.name === strategyName);
  useEffect(() => {
    if (!strategyName && strategies[0]) setStrategyName(strategies[0].name);
  }, [strategies, strategyName]);
  useEffect(() => {
    if (strategy) setDraft(draftFromDefaults(strategy));
  }, [strategy]);
  const checked: CheckedDraft | null = useMemo(() => (strategy ? checkDraft(strategy, draft) : null), [strategy, draft]);
  return { strategyName, setStrategyName, strategy, draft, setDraft, checked };
}
