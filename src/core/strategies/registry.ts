import { confluence } from './confluence';
import { goldBuyDip } from './gold-buy-dip';
import type { ResolvedConfig } from './params';
import { simpleMa } from './simple-ma';
import type { StrategyDefinition } from './strategy';

/** The strategies that ship with the app, in the order the UI lists them. */
export const builtinStrategies: readonly StrategyDefinition[] = [goldBuyDip, simpleMa, confluence];

/** A built-in strategy by name ("gold_buy_dip", "simple_ma", "confluence"); case and surrounding spaces are ignored. */
export function findStrategy(name: string): StrategyDefinition | undefined {
  const key = name.trim().toLowerCase();
  return builtinStrategies.find((s) => s.name === key);
}

/**
 * The magic number a task's orders carry. The runner takes it from the task options (RunnerOptions.magic); a task
 * sets those from its resolved config's `magic_number` (every built-in strategy has one), else from `fallback`.
 */
export function taskMagic(config: ResolvedConfig, fallback = 0): number {
  const magic = config.magic_number;
  return typeof magic === 'number' ? magic : fallback;
}
