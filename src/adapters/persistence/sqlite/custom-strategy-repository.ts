import type { Clock } from '../../../core/ports/clock';
import {
  customStrategyNameKey,
  type CustomStrategyFields,
  type CustomStrategyRecord,
  type CustomStrategyRepository,
} from '../../../core/ports/custom-strategy-repository';
import type { SqliteDatabase } from './database';

interface CustomStrategyRow {
  id: number;
  name: string;
  name_key: string;
  type: string;
  timeframe: string;
  preferred_pairs: string;
  pairs_json: string;
  entry_conditions: string;
  exit_conditions: string;
  indicators_used: string;
  risk_reward_ratio_target: number;
  max_drawdown_tolerance: number;
  created_at: string;
  updated_at: string;
}

function parsePairs(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [];
}

const recordOf = (r: CustomStrategyRow): CustomStrategyRecord => ({
  id: r.id,
  name: r.name,
  type: r.type,
  timeframe: r.timeframe,
  preferredPairsText: r.preferred_pairs,
  pairs: parsePairs(r.pairs_json),
  entryConditions: r.entry_conditions,
  exitConditions: r.exit_conditions,
  indicatorsUsed: r.indicators_used,
  riskRewardRatioTarget: r.risk_reward_ratio_target,
  maxDrawdownTolerance: r.max_drawdown_tolerance,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The row's columns for a set of fields (only those present). */
function columnsOf(fields: Partial<CustomStrategyFields>): Record<string, string | number> {
  const c: Record<string, string | number> = {};
  if (fields.name !== undefined) {
    c.name = fields.name;
    c.name_key = customStrategyNameKey(fields.name);
  }
  if (fields.type !== undefined) c.type = fields.type;
  if (fields.timeframe !== undefined) c.timeframe = fields.timeframe;
  if (fields.preferredPairsText !== undefined) c.preferred_pairs = fields.preferredPairsText;
  if (fields.pairs !== undefined) c.pairs_json = JSON.stringify(fields.pairs);
  if (fields.entryConditions !== undefined) c.entry_conditions = fields.entryConditions;
  if (fields.exitConditions !== undefined) c.exit_conditions = fields.exitConditions;
  if (fields.indicatorsUsed !== undefined) c.indicators_used = fields.indicatorsUsed;
  if (fields.riskRewardRatioTarget !== undefined) c.risk_reward_ratio_target = fields.riskRewardRatioTarget;
  if (fields.maxDrawdownTolerance !== undefined) c.max_drawdown_tolerance = fields.maxDrawdownTolerance;
  return c;
}

/** Columns an update may set: a fixed list, so no caller-controlled text ever becomes SQL. */
const UPDATABLE_COLUMNS = new Set([
  'name', 'name_key', 'type', 'timeframe', 'preferred_pairs', 'pairs_json', 'entry_conditions', 'exit_conditions',
  'indicators_used', 'risk_reward_ratio_target', 'max_drawdown_tolerance',
]);

export function createSqliteCustomStrategyRepository(db: SqliteDatabase, clock: Clock): CustomStrategyRepository {
  const q = {
    list: db.prepare<[], CustomStrategyRow>('SELECT * FROM custom_strategies ORDER BY created_at DESC, id DESC'),
    byId: db.prepare<[number], CustomStrategyRow>('SELECT * FROM custom_strategies WHERE id = ?'),
    byNameKey: db.prepare<[string], CustomStrategyRow>('SELECT * FROM custom_strategies WHERE name_key = ?'),
    insert: db.prepare<Record<string, string | number>, CustomStrategyRow>(
      `INSERT INTO custom_strategies (name, name_key, type, timeframe, preferred_pairs, pairs_json, entry_conditions,
         exit_conditions, indicators_used, risk_reward_ratio_target, max_drawdown_tolerance, created_at, updated_at)
       VALUES (@name, @name_key, @type, @timeframe, @preferred_pairs, @pairs_json, @entry_conditions,
         @exit_conditions, @indicators_used, @risk_reward_ratio_target, @max_drawdown_tolerance, @created_at, @updated_at)
       RETURNING *`,
    ),
    delete: db.prepare<[number], CustomStrategyRow>('DELETE FROM custom_strategies WHERE id = ? RETURNING *'),
  };
  /** One prepared UPDATE per set of columns, built from the fixed column list. */
  const updates = new Map<string, ReturnType<typeof db.prepare<Record<string, string | number>, CustomStrategyRow>>>();
  const updateStatement = (columns: string[]) => {
    const key = columns.join(',');
    let statement = updates.get(key);
    if (!statement) {
      for (const column of columns) {
        if (!UPDATABLE_COLUMNS.has(column)) throw new Error(`custom_strategies.${column} cannot be updated`);
      }
      const sets = [...columns, 'updated_at'].map((c) => `${c} = @${c}`).join(', ');
      statement = db.prepare<Record<string, string | number>, CustomStrategyRow>(
        `UPDATE custom_strategies SET ${sets} WHERE id = @id RETURNING *`,
      );
      updates.set(key, statement);
    }
    return statement;
  };
  const now = () => clock.now().toISOString();

  return {
    transaction: (work) => db.transaction(work)(),
    list: () => q.list.all().map(recordOf),
    findById: (id) => {
      const row = q.byId.get(id);
      return row && recordOf(row);
    },
    findByName: (name) => {
      const row = q.byNameKey.get(customStrategyNameKey(name));
      return row && recordOf(row);
    },
    insert: (fields) => {
      const stamp = now();
      return recordOf(q.insert.get({ ...columnsOf(fields), created_at: stamp, updated_at: stamp }) as CustomStrategyRow);
    },
    update: (id, changes) => {
      const columns = columnsOf(changes);
      const names = Object.keys(columns).sort();
      if (names.length === 0) {
        const row = q.byId.get(id);
        return row && recordOf(row);
      }
      const row = updateStatement(names).get({ ...columns, updated_at: now(), id });
      return row && recordOf(row);
    },
    delete: (id) => {
      const row = q.delete.get(id);
      return row && recordOf(row);
    },
  };
}
