/** Persistence port for custom strategies (the trader's own strategy descriptions). Implementations must be transactional. */

export interface CustomStrategyRecord {
  id: number;
  name: string;
  type: string;
  /** Canonical timeframe code: 1M 5M 15M 1H 4H 1D. */
  timeframe: string;
  /** The preferred pairs as the caller wrote them ("XAUUSD, EURUSD"). */
  preferredPairsText: string;
  /** The same pairs as symbols, upper case, in the order given. */
  pairs: string[];
  entryConditions: string;
  exitConditions: string;
  indicatorsUsed: string;
  riskRewardRatioTarget: number;
  maxDrawdownTolerance: number;
  createdAt: string;
  updatedAt: string;
}

export type CustomStrategyFields = Omit<CustomStrategyRecord, 'id' | 'createdAt' | 'updatedAt'>;

/**
 * Names are unique by this key: trimmed, inner whitespace collapsed, lower case ("Gold  Dip" = "gold dip").
 * Implementations store it with a unique constraint as the last line of defence; callers check first to explain.
 */
export function customStrategyNameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

export interface CustomStrategyRepository {
  /** Runs `work` atomically: everything it wrote is kept, or nothing is. */
  transaction<T>(work: () => T): T;
  /** All strategies, newest first. */
  list(): CustomStrategyRecord[];
  findById(id: number): CustomStrategyRecord | undefined;
  /** The strategy whose name has this `customStrategyNameKey`. */
  findByName(name: string): CustomStrategyRecord | undefined;
  insert(fields: CustomStrategyFields): CustomStrategyRecord;
  /** Changes the given fields and stamps updatedAt; undefined when there is no such strategy. */
  update(id: number, changes: Partial<CustomStrategyFields>): CustomStrategyRecord | undefined;
  /** Deletes and returns the strategy as it was; undefined when there is no such strategy. Ids are never reused. */
  delete(id: number): CustomStrategyRecord | undefined;
}
