import type { Dashboard, DashboardStrategy } from '../stores/portfolio-store';

/** The dashboard's records (keyed by name) as ordered lists, oldest allocation first, with a stable colour each. */

export type DashboardPair = DashboardStrategy['pairs'][string];

export interface StrategyView extends DashboardStrategy {
  name: string;
  color: string;
  pairList: (DashboardPair & { pair: string })[];
}

/** Distinct on a dark background, none of them red/green so they do not read as profit or loss. */
const STRATEGY_COLORS = ['#3d8bfd', '#a371f7', '#3ec7d6', '#e0a030', '#e86fb1', '#7f9cf5', '#5fc9a8', '#c9a26b'];

export const UNALLOCATED_COLOR = '#262e38';

export function strategyColor(index: number): string {
  return STRATEGY_COLORS[index % STRATEGY_COLORS.length] as string;
}

export function strategiesOf(dashboard: Dashboard): StrategyView[] {
  return Object.entries(dashboard.strategies)
    .sort(([, a], [, b]) => a.strategy_allocation_id - b.strategy_allocation_id)
    .map(([name, strategy], index) => ({
      ...strategy,
      name,
      color: strategyColor(index),
      pairList: Object.entries(strategy.pairs)
        .map(([pair, allocation]) => ({ ...allocation, pair }))
        .sort((a, b) => a.pair_allocation_id - b.pair_allocation_id),
    }));
}
