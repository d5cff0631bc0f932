import type { Timeframe } from '../../../core/domain/candles';
import type { ClosedTrade, OrderStatus, Position, SubmitOrder } from '../../../core/domain/trading';
import type { Clock } from '../../../core/ports/clock';
import type {
  EngineEventRecord,
  JournalEntry,
  SessionRecord,
  TaskRecord,
  TaskStatus,
  TradingRepository,
} from '../../../core/ports/trading-repository';
import type { SqliteDatabase } from './database';

interface TaskRow {
  id: number; session_id: string; pair: string; timeframe: string; strategy_name: string; config_json: string;
  status: TaskStatus; status_reason: string | null; capital: number; capital_source: TaskRecord['capitalSource'];
  pair_allocation_id: number | null; floating_loss_threshold_pct: number | null; magic: number; broker: string; last_bar_time: number | null;
  created_at: string; started_at: string; stopped_at: string | null;
}
interface JournalRow {
  client_order_id: string; task_id: number; symbol: string; side: 'BUY' | 'SELL'; lots: number; closes_position_id: string | null;
  take_profit: number | null; stop_loss: number | null; magic: number; reason: string; exit_reason: string | null; decided_at: number;
  status: OrderStatus; broker_order_id: string | null; fill_price: number | null; filled_at: number | null; error: string | null;
  created_at: string; decision_key: string | null;
}
interface PositionRow {
  id: string; task_id: number; symbol: string; side: 'BUY' | 'SELL'; lots: number; entry_price: number; entry_time: number;
  take_profit: number | null; stop_loss: number | null; magic: number; client_order_id: string; commission: number;
}
interface TradeRow extends Omit<PositionRow, 'id' | 'take_profit' | 'stop_loss'> {
  position_id: string; exit_price: number; exit_time: number; exit_reason: ClosedTrade['exitReason']; pnl: number;
}

/** Order ids must fit an MT5 comment (31 chars) and a ccxt clientOrderId: "E" + task id in base 36. */
export const orderIdPrefixOf = (taskId: number): string => `E${taskId.toString(36)}`;

const taskOf = (r: TaskRow): TaskRecord => ({
  id: r.id,
  sessionId: r.session_id,
  pair: r.pair,
  timeframe: r.timeframe as Timeframe,
  strategyName: r.strategy_name,
  config: JSON.parse(r.config_json) as Record<string, number | boolean>,
  status: r.status,
  statusReason: r.status_reason,
  capital: r.capital,
  capitalSource: r.capital_source,
  pairAllocationId: r.pair_allocation_id,
  floatingLossThresholdPct: r.floating_loss_threshold_pct,
  magic: r.magic,
  broker: r.broker,
  orderIdPrefix: orderIdPrefixOf(r.id),
  lastBarTime: r.last_bar_time,
  createdAt: r.created_at,
  startedAt: r.started_at,
  stoppedAt: r.stopped_at,
});

const journalOf = (r: JournalRow): JournalEntry => ({
  clientOrderId: r.client_order_id,
  taskId: String(r.task_id),
  symbol: r.symbol,
  side: r.side,
  lots: r.lots,
  ...(r.closes_position_id !== null ? { closesPositionId: r.closes_position_id } : {}),
  takeProfit: r.take_profit,
  stopLoss: r.stop_loss,
  magic: r.magic,
  reason: r.reason,
  ...(r.exit_reason !== null ? { exitReason: r.exit_reason as NonNullable<SubmitOrder['exitReason']> } : {}),
  decidedAt: r.decided_at,
  ...(r.decision_key !== null ? { decisionKey: r.decision_key } : {}),
  status: r.status,
  brokerOrderId: r.broker_order_id,
  fillPrice: r.fill_price,
  filledAt: r.filled_at,
  error: r.error,
  createdAt: r.created_at,
});

const positionOf = (r: PositionRow): Position => ({
  id: r.id, taskId: String(r.task_id), symbol: r.symbol, side: r.side, lots: r.lots, entryPrice: r.entry_price,
  entryTime: r.entry_time, takeProfit: r.take_profit, stopLoss: r.stop_loss, magic: r.magic,
  clientOrderId: r.client_order_id, commission: r.commission,
});

const tradeOf = (r: TradeRow): ClosedTrade => ({
  positionId: r.position_id, taskId: String(r.task_id), symbol: r.symbol, side: r.side, lots: r.lots,
  entryPrice: r.entry_price, entryTime: r.entry_time, exitPrice: r.exit_price, exitTime: r.exit_time,
  exitReason: r.exit_reason, pnl: r.pnl, commission: r.commission, magic: r.magic, clientOrderId: r.client_order_id,
});

export function createSqliteTradingRepository(db: SqliteDatabase, clock: Clock): TradingRepository {
  const now = () => clock.now().toISOString();
  const q = {
    insertSession: db.prepare('INSERT INTO trading_sessions (id, user_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
    session: db.prepare<[string], { id: string; user_id: string; status: SessionRecord['status']; created_at: string; updated_at: string }>(
      'SELECT * FROM trading_sessions WHERE id = ?',
    ),
    sessionPairs: db.prepare<[string], { pair: string }>('SELECT pair FROM session_pairs WHERE session_id = ? ORDER BY added_at, pair'),
    sessionTimeframes: db.prepare<[string], { timeframe: string }>('SELECT timeframe FROM session_timeframes WHERE session_id = ? ORDER BY added_at, timeframe'),
    sessionConfigs: db.prepare<[string], { strategy_name: string; config_json: string }>(
      'SELECT strategy_name, config_json FROM session_strategy_configs WHERE session_id = ? ORDER BY strategy_name',
    ),
    touchSession: db.prepare('UPDATE trading_sessions SET updated_at = ? WHERE id = ?'),
    addPair: db.prepare('INSERT OR IGNORE INTO session_pairs (session_id, pair, added_at) VALUES (?, ?, ?)'),
    removePair: db.prepare('DELETE FROM session_pairs WHERE session_id = ? AND pair = ?'),
    addTimeframe: db.prepare('INSERT OR IGNORE INTO session_timeframes (session_id, timeframe, added_at) VALUES (?, ?, ?)'),
    setConfig: db.prepare(
      `INSERT INTO session_strategy_configs (session_id, strategy_name, config_json, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, strategy_name) DO UPDATE SET config_json = excluded.config_json, updated_at = excluded.updated_at`,
    ),
    insertTask: db.prepare<unknown[], TaskRow>(
      `INSERT INTO trading_tasks (session_id, pair, timeframe, strategy_name, config_json, status, status_reason, capital, capital_source,
         pair_allocation_id, floating_loss_threshold_pct, magic, broker, created_at, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ),
    task: db.prepare<[number], TaskRow>('SELECT * FROM trading_tasks WHERE id = ?'),
    setTaskStatus: db.prepare('UPDATE trading_tasks SET status = ?, status_reason = ?, stopped_at = ? WHERE id = ?'),
    setTaskLastBar: db.prepare('UPDATE trading_tasks SET last_bar_time = ? WHERE id = ?'),
    journalEntry: db.prepare<[string], JournalRow>('SELECT * FROM order_journal WHERE client_order_id = ?'),
    journalByDecision: db.prepare<[string], JournalRow>('SELECT * FROM order_journal WHERE decision_key = ?'),
    journalIntent: db.prepare(
      `INSERT INTO order_journal (client_order_id, task_id, symbol, side, lots, closes_position_id, take_profit, stop_loss, magic, reason,
         exit_reason, decided_at, decision_key, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'journaled', ?, ?)`,
    ),
    setJournalStatus: db.prepare(
      `UPDATE order_journal SET status = ?, broker_order_id = coalesce(?, broker_order_id), fill_price = coalesce(?, fill_price),
         filled_at = coalesce(?, filled_at), error = coalesce(?, error), updated_at = ? WHERE client_order_id = ?`,
    ),
    upsertPosition: db.prepare(
      `INSERT INTO positions (id, task_id, symbol, side, lots, entry_price, entry_time, take_profit, stop_loss, magic, client_order_id, commission)
       VALUES (@id, @taskId, @symbol, @side, @lots, @entryPrice, @entryTime, @takeProfit, @stopLoss, @magic, @clientOrderId, @commission)
       ON CONFLICT (id) DO UPDATE SET take_profit = excluded.take_profit, stop_loss = excluded.stop_loss, lots = excluded.lots`,
    ),
    deletePosition: db.prepare('DELETE FROM positions WHERE id = ?'),
    insertTrade: db.prepare(
      `INSERT OR IGNORE INTO trades (position_id, task_id, symbol, side, lots, entry_price, entry_time, exit_price, exit_time, exit_reason,
         pnl, commission, magic, client_order_id)
       VALUES (@positionId, @taskId, @symbol, @side, @lots, @entryPrice, @entryTime, @exitPrice, @exitTime, @exitReason,
         @pnl, @commission, @magic, @clientOrderId)`,
    ),
    tradeTotals: db.prepare<[number], { count: number; pnl: number }>('SELECT count(*) AS count, coalesce(sum(pnl), 0) AS pnl FROM trades WHERE task_id = ?'),
    allTradeTotals: db.prepare<[], { count: number; pnl: number }>('SELECT count(*) AS count, coalesce(sum(pnl), 0) AS pnl FROM trades'),
    insertEvent: db.prepare<unknown[], { id: number }>(
      'INSERT INTO engine_events (time, type, severity, task_id, code, message, data_json) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
    ),
  };

  const sessionOf = (id: string): SessionRecord | undefined => {
    const row = q.session.get(id);
    if (!row) return undefined;
    return {
      id: row.id,
      userId: row.user_id,
      status: row.status,
      pairs: q.sessionPairs.all(id).map((r) => r.pair),
      timeframes: q.sessionTimeframes.all(id).map((r) => r.timeframe as Timeframe),
      strategyConfigs: Object.fromEntries(q.sessionConfigs.all(id).map((r) => [r.strategy_name, JSON.parse(r.config_json)])),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  };

  return {
    transaction: (work) => db.transaction(work)(),

    createSession(userId, id) {
      const t = now();
      q.insertSession.run(id, userId, 'active', t, t);
      return sessionOf(id) as SessionRecord;
    },
    findSession: sessionOf,
    listSessions(filter = {}) {
      const where: string[] = [];
      const args: string[] = [];
      if (filter.userId !== undefined) {
        where.push('user_id = ?');
        args.push(filter.userId);
      }
      if (filter.status !== undefined) {
        where.push('status = ?');
        args.push(filter.status);
      }
      const rows = db
        .prepare<string[], { id: string }>(`SELECT id FROM trading_sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`)
        .all(...args);
      return rows.map((r) => sessionOf(r.id) as SessionRecord);
    },
    addSessionPair(id, pair) {
      q.addPair.run(id, pair, now());
      q.touchSession.run(now(), id);
    },
    removeSessionPair(id, pair) {
      const removed = q.removePair.run(id, pair).changes > 0;
      q.touchSession.run(now(), id);
      return removed;
    },
    addSessionTimeframe(id, timeframe) {
      q.addTimeframe.run(id, timeframe, now());
      q.touchSession.run(now(), id);
    },
    setSessionStrategyConfig(id, strategyName, config) {
      q.setConfig.run(id, strategyName, JSON.stringify(config), now());
      q.touchSession.run(now(), id);
    },

    insertTask(task) {
      const t = now();
      const row = q.insertTask.get(
        task.sessionId, task.pair, task.timeframe, task.strategyName, JSON.stringify(task.config), task.status, task.statusReason,
        task.capital, task.capitalSource, task.pairAllocationId, task.floatingLossThresholdPct, task.magic, task.broker, t, t,
      ) as TaskRow;
      return taskOf(row);
    },
    findTask(id) {
      const row = q.task.get(id);
      return row && taskOf(row);
    },
    listTasks(filter = {}) {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (filter.sessionId !== undefined) {
        where.push('session_id = ?');
        args.push(filter.sessionId);
      }
      if (filter.statuses?.length) {
        where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
        args.push(...filter.statuses);
      }
      return db
        .prepare<(string | number)[], TaskRow>(`SELECT * FROM trading_tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`)
        .all(...args)
        .map(taskOf);
    },
    setTaskStatus(id, status, reason) {
      q.setTaskStatus.run(status, reason, status === 'stopped' || status === 'failed' ? now() : null, id);
    },
    setTaskLastBar(id, time) {
      q.setTaskLastBar.run(time, id);
    },

    findJournalEntry(clientOrderId) {
      const row = q.journalEntry.get(clientOrderId);
      return row && journalOf(row);
    },
    findJournalByDecision(decisionKey) {
      const row = q.journalByDecision.get(decisionKey);
      return row && journalOf(row);
    },
    journalIntent(o) {
      const t = now();
      q.journalIntent.run(
        o.clientOrderId, Number(o.taskId), o.symbol, o.side, o.lots, o.closesPositionId ?? null, o.takeProfit ?? null, o.stopLoss ?? null,
        o.magic, o.reason, o.exitReason ?? null, o.decidedAt, o.decisionKey ?? null, t, t,
      );
    },
    setJournalStatus(clientOrderId, status, details = {}) {
      q.setJournalStatus.run(
        status, details.brokerOrderId ?? null, details.fillPrice ?? null, details.filledAt ?? null, details.error ?? null, now(), clientOrderId,
      );
    },
    listJournal(filter = {}) {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (filter.taskId !== undefined) {
        where.push('task_id = ?');
        args.push(filter.taskId);
      }
      if (filter.statuses?.length) {
        where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
        args.push(...filter.statuses);
      }
      return db
        .prepare<(string | number)[], JournalRow>(
          `SELECT * FROM order_journal ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY decided_at DESC, client_order_id DESC LIMIT ${Math.max(1, Math.min(filter.limit ?? 1000, 100_000))}`,
        )
        .all(...args)
        .map(journalOf);
    },

    upsertPosition(p) {
      q.upsertPosition.run({ ...p, taskId: Number(p.taskId) });
    },
    deletePosition(id) {
      q.deletePosition.run(id);
    },
    listPositions(filter = {}) {
      const rows =
        filter.taskId !== undefined
          ? db.prepare<[number], PositionRow>('SELECT * FROM positions WHERE task_id = ? ORDER BY entry_time, id').all(filter.taskId)
          : db.prepare<[], PositionRow>('SELECT * FROM positions ORDER BY entry_time, id').all();
      return rows.map(positionOf);
    },
    insertTrade(t) {
      q.insertTrade.run({ ...t, taskId: Number(t.taskId) });
    },
    tradeTotals(taskId) {
      return (taskId === undefined ? q.allTradeTotals.get() : q.tradeTotals.get(taskId)) as { count: number; pnl: number };
    },
    listTrades(filter = {}) {
      const limit = Math.max(1, Math.min(filter.limit ?? 1000, 100_000));
      const rows =
        filter.taskId !== undefined
          ? db.prepare<[number], TradeRow>(`SELECT * FROM trades WHERE task_id = ? ORDER BY exit_time DESC LIMIT ${limit}`).all(filter.taskId)
          : db.prepare<[], TradeRow>(`SELECT * FROM trades ORDER BY exit_time DESC LIMIT ${limit}`).all();
      return rows.map(tradeOf);
    },

    recordEvent(e) {
      const time = e.time !== undefined ? new Date(e.time).toISOString() : now();
      const { id } = q.insertEvent.get(time, e.type, e.severity, e.taskId, e.code, e.message, e.data === undefined ? null : JSON.stringify(e.data)) as {
        id: number;
      };
      return { id, time, type: e.type, severity: e.severity, taskId: e.taskId, code: e.code, message: e.message };
    },
    listEvents(filter = {}) {
      const where: string[] = [];
      const args: number[] = [];
      if (filter.taskId !== undefined) {
        where.push('task_id = ?');
        args.push(filter.taskId);
      }
      if (filter.afterId !== undefined) {
        where.push('id > ?');
        args.push(filter.afterId);
      }
      const limit = Math.max(1, Math.min(filter.limit ?? 200, 10_000));
      return db
        .prepare<number[], { id: number; time: string; type: string; severity: EngineEventRecord['severity']; task_id: number | null; code: string | null; message: string }>(
          `SELECT id, time, type, severity, task_id, code, message FROM engine_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`,
        )
        .all(...args)
        .map((r) => ({ id: r.id, time: r.time, type: r.type, severity: r.severity, taskId: r.task_id, code: r.code, message: r.message }));
    },
  };
}
