import { DomainError } from '../../../shared/contract/errors';
import { formatMoney, percentage } from '../../../shared/lib/money';

/** The rules of hierarchical allocation, free of storage: portfolio → strategies → pairs, never over 100 %. */

/** Strategy names are unique per portfolio regardless of case and spacing: "Gold  scalping" is "Gold Scalping". */
export function strategyNameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

export interface Capacity {
  /** What is being filled, in words: `portfolio 3 of trader_001` or `strategy "Gold Scalping"`. */
  owner: string;
  capacityCents: number;
  usedCents: number;
  currency: string;
}

/** Refuses a request that would take `capacity` over 100 %, saying what is left. */
export function assertFits(capacity: Capacity, requestCents: number, what: string): void {
  const { owner, capacityCents, usedCents, currency } = capacity;
  if (usedCents + requestCents <= capacityCents) return;
  const available = capacityCents - usedCents;
  const money = (c: number) => formatMoney(c, currency);
  throw new DomainError(
    'ALLOCATION_EXCEEDED',
    `Cannot allocate ${money(requestCents)} (${percentage(requestCents, capacityCents)}%) to ${what}: ` +
      `${owner} has ${money(capacityCents)}, of which ${money(usedCents)} (${percentage(usedCents, capacityCents)}%) is already allocated, ` +
      `so only ${money(available)} (${percentage(available, capacityCents)}%) is available. ` +
      `Allocations can never exceed 100 %.`,
  );
}

export const RISK_BANDS = { lowUpToPct: 10, mediumUpToPct: 20 } as const;
export const THRESHOLD_USAGE_BANDS = { mediumFromPct: 50, highFromPct: 80 } as const;

export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH';

const ORDER: Record<RiskLevel, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

export function maxLevel(a: RiskLevel, b: RiskLevel): RiskLevel {
  return ORDER[a] >= ORDER[b] ? a : b;
}

export function levelOfLossPct(lossPct: number): RiskLevel {
  if (lossPct <= RISK_BANDS.lowUpToPct) return 'LOW';
  if (lossPct <= RISK_BANDS.mediumUpToPct) return 'MEDIUM';
  return 'HIGH';
}

export function levelOfThresholdUsage(usagePct: number): RiskLevel {
  if (usagePct >= THRESHOLD_USAGE_BANDS.highFromPct) return 'HIGH';
  if (usagePct >= THRESHOLD_USAGE_BANDS.mediumFromPct) return 'MEDIUM';
  return 'LOW';
}

export interface PairExposure {
  allocatedCents: number;
  floatingLossThresholdPct: number;
  floatingPnlCents: number;
}

export interface StrategyRisk {
  risk: RiskLevel;
  maxLossCents: number;
  maxLossPctOfStrategy: number;
  floatingPnlCents: number;
  worstThresholdUsagePct: number;
}

/**
 * A strategy's worst-case loss is what its pairs may lose before each is auto-closed at its
 * floating-loss threshold. Its level comes from that loss as a share of the strategy, raised by any pair
 * whose live floating loss is already eating into its threshold.
 */
export function assessStrategyRisk(allocatedCents: number, pairs: readonly PairExposure[]): StrategyRisk {
  let maxLossCents = 0;
  let floatingPnlCents = 0;
  let worstUsage = 0;
  for (const pair of pairs) {
    const allowedLoss = (pair.allocatedCents * pair.floatingLossThresholdPct) / 100;
    maxLossCents += allowedLoss;
    floatingPnlCents += pair.floatingPnlCents;
    const loss = Math.max(0, -pair.floatingPnlCents);
    if (allowedLoss > 0) worstUsage = Math.max(worstUsage, (loss / allowedLoss) * 100);
  }
  maxLossCents = Math.round(maxLossCents);
  const maxLossPct = percentage(maxLossCents, allocatedCents);
  return {
    risk: maxLevel(levelOfLossPct(maxLossPct), levelOfThresholdUsage(worstUsage)),
    maxLossCents,
    maxLossPctOfStrategy: maxLossPct,
    floatingPnlCents,
    worstThresholdUsagePct: Math.round(worstUsage * 100) / 100,
  };
}
