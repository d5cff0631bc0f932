import type { z } from 'zod';
import type { Procedure } from '../../shared/contract/procedure';
import {
  createCustomStrategy,
  DEFAULT_TIMEFRAME,
  deleteCustomStrategy,
  getCustomStrategy,
  listCustomStrategies,
  parseTimeframeCode,
  updateCustomStrategy,
  useCustomStrategy,
  type CustomStrategy,
} from '../../shared/contract/custom-strategies';
import { createCustomStrategyService } from '../custom-strategies/custom-strategy-service';
import type {
  CustomStrategyFields,
  CustomStrategyRecord,
  CustomStrategyRepository,
} from '../ports/custom-strategy-repository';

/**
 * Custom strategies over the contract: input → core/custom-strategies (the rules, the derivation) → view.
 */

type HandlerOf<P extends Procedure> = (input: z.output<P['input']>) => z.output<P['output']> | Promise<z.output<P['output']>>;

/** Typed from the procedures themselves, so these handlers compile before and after they join the procedure table. */
export interface CustomStrategyHandlers {
  'customStrategies.create': HandlerOf<typeof createCustomStrategy>;
  'customStrategies.list': HandlerOf<typeof listCustomStrategies>;
  'customStrategies.get': HandlerOf<typeof getCustomStrategy>;
  'customStrategies.update': HandlerOf<typeof updateCustomStrategy>;
  'customStrategies.delete': HandlerOf<typeof deleteCustomStrategy>;
  'customStrategies.use': HandlerOf<typeof useCustomStrategy>;
}

export function customStrategyView(r: CustomStrategyRecord): CustomStrategy {
  return {
    strategy_id: r.id,
    name: r.name,
    type: r.type,
    timeframe: parseTimeframeCode(r.timeframe) ?? DEFAULT_TIMEFRAME,
    preferred_pairs: r.preferredPairsText,
    pairs: [...r.pairs],
    entry_conditions: r.entryConditions,
    exit_conditions: r.exitConditions,
    indicators_used: r.indicatorsUsed,
    risk_reward_ratio_target: r.riskRewardRatioTarget,
    max_drawdown_tolerance: r.maxDrawdownTolerance,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export function createCustomStrategyHandlers(repo: CustomStrategyRepository): CustomStrategyHandlers {
  const service = createCustomStrategyService(repo);
  return {
    'customStrategies.create': (input) =>
      customStrategyView(
        service.create({
          name: input.name,
          type: input.type,
          timeframe: input.timeframe,
          preferredPairsText: input.preferred_pairs?.text ?? '',
          pairs: input.preferred_pairs?.pairs ?? [],
          entryConditions: input.entry_conditions,
          exitConditions: input.exit_conditions,
          indicatorsUsed: input.indicators_used,
          riskRewardRatioTarget: input.risk_reward_ratio_target,
          maxDrawdownTolerance: input.max_drawdown_tolerance,
        }),
      ),

    'customStrategies.list': () => {
      const strategies = service.list().map(customStrategyView);
      return { strategies, count: strategies.length };
    },

    'customStrategies.get': (input) => customStrategyView(service.get(input.strategy_id)),

    'customStrategies.update': (input) => {
      const changes: Partial<CustomStrategyFields> = {};
      if (input.name !== undefined) changes.name = input.name;
      if (input.type !== undefined) changes.type = input.type;
      if (input.timeframe !== undefined) changes.timeframe = input.timeframe;
      if (input.preferred_pairs !== undefined) {
        changes.preferredPairsText = input.preferred_pairs.text;
        changes.pairs = input.preferred_pairs.pairs;
      }
      if (input.entry_conditions !== undefined) changes.entryConditions = input.entry_conditions;
      if (input.exit_conditions !== undefined) changes.exitConditions = input.exit_conditions;
      if (input.indicators_used !== undefined) changes.indicatorsUsed = input.indicators_used;
      if (input.risk_reward_ratio_target !== undefined) changes.riskRewardRatioTarget = input.risk_reward_ratio_target;
      if (input.max_drawdown_tolerance !== undefined) changes.maxDrawdownTolerance = input.max_drawdown_tolerance;
      return customStrategyView(service.update(input.strategy_id, changes));
    },

    'customStrategies.delete': (input) => customStrategyView(service.delete(input.strategy_id)),

    'customStrategies.use': (input) => service.use(input.strategy_id, input),
  };
}
