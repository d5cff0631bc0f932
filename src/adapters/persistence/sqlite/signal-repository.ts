import type { Timeframe } from '../../../core/domain/candles';
import type { Side } from '../../../core/domain/trading';
import type { Clock } from '../../../core/ports/clock';
import type {
  NewSignal,
  SignalFilter,
  SignalOutcome,
  SignalRecord,
  SignalRepository,
  SignalSource,
} from '../../../core/ports/signal-repository';
import type { SqliteDatabase } from './database';

interface SignalRow {
  id: number; source: SignalSource; task_id: number | null; strategy_name: string | null; symbol: string; timeframe: string;
  side: Side; bar_time: number | null; time: number; entry_price: number; stop_loss: number | null; take_profit: number | null;
  confidence: number; description: string; conditions_json: string; indicators_json: string; outcome: SignalOutcome;
  outcome_reason: string | null; client_order_id: string | null; recorded_at: string; is_active: 0 | 1;
}

/**
 * Whether a signal is active, from the engine's own records (see SignalRecord.isActive): an acted signal while its
 * opening order is in flight or the position it opened is open; a manual one until a newer acted or manual signal
 * for the same symbol and timeframe is recorded; a filtered one never.
 */
const IS_ACTIVE = `CASE s.outcome
  WHEN 'acted' THEN (
    EXISTS (SELECT 1 FROM positions p WHERE p.client_order_id = s.client_order_id)
    OR EXISTS (SELECT 1 FROM order_journal j WHERE j.client_order_id = s.client_order_id AND j.status IN ('journaled', 'submitted', 'unknown')))
  WHEN 'manual' THEN NOT EXISTS (
    SELECT 1 FROM signals n WHERE n.symbol = s.symbol AND n.timeframe = s.timeframe AND n.outcome IN ('acted', 'manual') AND n.id > s.id)
  ELSE 0 END`;

const SELECT = `SELECT s.*, (${IS_ACTIVE}) AS is_active FROM signals s`;

const recordOf = (r: SignalRow): SignalRecord => ({
  id: r.id,
  source: r.source,
  taskId: r.task_id,
  strategyName: r.strategy_name,
  symbol: r.symbol,
  timeframe: r.timeframe as Timeframe,
  side: r.side,
  barTime: r.bar_time,
  time: r.time,
  entryPrice: r.entry_price,
  stopLoss: r.stop_loss,
  takeProfit: r.take_profit,
  confidence: r.confidence,
  description: r.description,
  conditionsMet: JSON.parse(r.conditions_json) as Record<string, boolean>,
  indicatorValues: JSON.parse(r.indicators_json) as Record<string, number | null>,
  outcome: r.outcome,
  outcomeReason: r.outcome_reason,
  clientOrderId: r.client_order_id,
  isActive: r.is_active === 1,
  recordedAt: r.recorded_at,
});

/** JSON has no NaN/Infinity: such indicator values (not ready, undefined) are stored as null. */
function finiteValues(values: Record<string, number | null>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(values)) out[key] = typeof value === 'number' && Number.isFinite(value) ? value : null;
  return out;
}

export function createSqliteSignalRepository(db: SqliteDatabase, clock: Clock): SignalRepository {
  const q = {
    insert: db.prepare(
      `INSERT OR IGNORE INTO signals (source, task_id, strategy_name, symbol, timeframe, side, bar_time, time, entry_price, stop_loss,
         take_profit, confidence, description, conditions_json, indicators_json, outcome, outcome_reason, client_order_id, recorded_at)
       VALUES (@source, @taskId, @strategyName, @symbol, @timeframe, @side, @barTime, @time, @entryPrice, @stopLoss,
         @takeProfit, @confidence, @description, @conditions, @indicators, @outcome, @outcomeReason, @clientOrderId, @recordedAt)`,
    ),
    find: db.prepare<[number], SignalRow>(`${SELECT} WHERE s.id = ?`),
  };

  const find = (id: number): SignalRecord | undefined => {
    const row = q.find.get(id);
    return row && recordOf(row);
  };

  return {
    insert(signal: NewSignal) {
      const result = q.insert.run({
        ...signal,
        confidence: Math.min(1, Math.max(0, signal.confidence)),
        conditions: JSON.stringify(signal.conditionsMet),
        indicators: JSON.stringify(finiteValues(signal.indicatorValues)),
        recordedAt: clock.now().toISOString(),
      });
      return result.changes === 0 ? undefined : find(Number(result.lastInsertRowid));
    },
    find,
    list(filter: SignalFilter) {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      const add = (clause: string, name: string, value: unknown) => {
        where.push(clause);
        params[name] = value;
      };
      if (filter.symbol !== undefined) add('s.symbol = @symbol', 'symbol', filter.symbol);
      if (filter.side !== undefined) add('s.side = @side', 'side', filter.side);
      if (filter.timeframe !== undefined) add('s.timeframe = @timeframe', 'timeframe', filter.timeframe);
      if (filter.source !== undefined) add('s.source = @source', 'source', filter.source);
      if (filter.outcome !== undefined) add('s.outcome = @outcome', 'outcome', filter.outcome);
      if (filter.taskId !== undefined) add('s.task_id = @taskId', 'taskId', filter.taskId);
      if (filter.from !== undefined) add('s.time >= @from', 'from', filter.from);
      if (filter.to !== undefined) add('s.time <= @to', 'to', filter.to);
      const inner = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
      const outer = filter.isActive === undefined ? '' : ` WHERE is_active = ${filter.isActive ? 1 : 0}`;
      const base = `SELECT * FROM (${inner})${outer}`;
      const count = (db.prepare(`SELECT count(*) AS n FROM (${base})`).get(params) as { n: number }).n;
      const rows = db
        .prepare(`${base} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: filter.limit ?? -1, offset: filter.offset ?? 0 }) as SignalRow[];
      return { count, signals: rows.map(recordOf) };
    },
    idsByOrder(clientOrderIds) {
      const out = new Map<string, number>();
      if (clientOrderIds.length === 0) return out;
      const unique = [...new Set(clientOrderIds)];
      // In chunks: SQLite limits the number of bound parameters.
      for (let i = 0; i < unique.length; i += 500) {
        const chunk = unique.slice(i, i + 500);
        const rows = db
          .prepare(`SELECT id, client_order_id FROM signals WHERE client_order_id IN (${chunk.map(() => '?').join(', ')})`)
          .all(...chunk) as { id: number; client_order_id: string }[];
        for (const r of rows) out.set(r.client_order_id, r.id);
      }
      return out;
    },
  };
}
