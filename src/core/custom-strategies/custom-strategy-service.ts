import { DomainError } from '../../shared/contract/errors';
import type {
  CustomStrategyFields,
  CustomStrategyRecord,
  CustomStrategyRepository,
} from '../ports/custom-strategy-repository';
import { deriveTradingConfig, type TradingConfigDerivation, type UseRequest } from './derive-trading-config';

/**
 * Custom strategies: the trader's own strategy descriptions (names unique whatever their case) and `use`, which turns one
 * into a start request for a built-in engine strategy. Each write runs in one repository transaction.
 */
export interface CustomStrategyService {
  create(fields: CustomStrategyFields): CustomStrategyRecord;
  list(): CustomStrategyRecord[];
  get(id: number): CustomStrategyRecord;
  update(id: number, changes: Partial<CustomStrategyFields>): CustomStrategyRecord;
  delete(id: number): CustomStrategyRecord;
  use(id: number, request: UseRequest): TradingConfigDerivation;
}

export function createCustomStrategyService(repo: CustomStrategyRepository): CustomStrategyService {
  const existing = (id: number): CustomStrategyRecord => {
    const record = repo.findById(id);
    if (!record) {
      throw new DomainError('NOT_FOUND', `Custom strategy ${id} does not exist; GET /api/strategies/list shows the strategies and their ids`);
    }
    return record;
  };

  const assertNameFree = (name: string, exceptId?: number) => {
    const clash = repo.findByName(name);
    if (clash && clash.id !== exceptId) {
      throw new DomainError(
        'DUPLICATE_STRATEGY',
        `A custom strategy named "${clash.name}" already exists (id ${clash.id}); names are unique whatever their case: ` +
          `choose another name, or change that one with PUT /api/strategies/${clash.id}/update`,
      );
    }
  };

  return {
    create: (fields) =>
      repo.transaction(() => {
        assertNameFree(fields.name);
        return repo.insert(fields);
      }),
    list: () => repo.list(),
    get: existing,
    update: (id, changes) =>
      repo.transaction(() => {
        const record = existing(id);
        if (changes.name !== undefined) assertNameFree(changes.name, record.id);
        return repo.update(record.id, changes) ?? record;
      }),
    delete: (id) =>
      repo.transaction(() => {
        const record = existing(id);
        return repo.delete(record.id) ?? record;
      }),
    use: (id, request) => deriveTradingConfig(existing(id), request),
  };
}
