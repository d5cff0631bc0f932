import type { BacktestListQuery, BacktestRepository, BacktestRow, BacktestSettings, BacktestStatus } from '../../../core/ports/backtest-repository';
import type { SqliteDatabase } from './database';

interface Row {
  id: number;
  status: BacktestStatus;
  settings_json: string;
  warnings_json: string;
  progress: number;
  error: string | null;
  summary_json: string | null;
  results_json?: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

const rowOf = (r: Row): BacktestRow => ({
  id: r.id,
  status: r.status,
  settings: JSON.parse(r.settings_json) as BacktestSettings,
  warnings: JSON.parse(r.warnings_json) as string[],
  progress: r.progress,
  error: r.error,
  createdAt: r.created_at,
  startedAt: r.started_at,
  completedAt: r.completed_at,
  summaryJson: r.summary_json,
  ...(r.results_json !== undefined ? { resultsJson: r.results_json } : {}),
});

/** ORDER BY for each ordering the API accepts (fixed SQL, never built from input text). */
const ORDER_SQL: Record<string, string> = {
  id: 'b.id',
  name: 'b.name COLLATE NOCASE',
  status: 'b.status',
  created_at: 'b.created_at',
  completed_at: 'b.completed_at',
  roi: "json_extract(b.summary_json, '$.roi')",
  win_rate: "json_extract(b.summary_json, '$.win_rate')",
  total_trades: "json_extract(b.summary_json, '$.total_trades')",
  total_pnl: "json_extract(b.summary_json, '$.total_pnl')",
  sharpe_ratio: "json_extract(b.summary_json, '$.sharpe_ratio')",
  max_drawdown: "json_extract(b.summary_json, '$.max_drawdown')",
  profit_factor: "json_extract(b.summary_json, '$.profit_factor')",
};

const LIST_COLUMNS = 'b.id, b.status, b.settings_json, b.warnings_json, b.progress, b.error, b.summary_json, b.created_at, b.started_at, b.completed_at';

export function createSqliteBacktestRepository(db: SqliteDatabase): BacktestRepository {
  const q = {
    insert: db.prepare(
      "INSERT INTO backtests (name, status, strategy, timeframe, settings_json, warnings_json, created_at) VALUES (?, 'PENDING', ?, ?, ?, ?, ?)",
    ),
    insertSymbol: db.prepare('INSERT INTO backtest_symbols (backtest_id, symbol, position) VALUES (?, ?, ?)'),
    find: db.prepare<[number], Row>(`SELECT ${LIST_COLUMNS} FROM backtests b WHERE b.id = ?`),
    findFull: db.prepare<[number], Row>(`SELECT ${LIST_COLUMNS}, b.results_json FROM backtests b WHERE b.id = ?`),
    markRunning: db.prepare("UPDATE backtests SET status = 'RUNNING', started_at = ? WHERE id = ? AND status = 'PENDING'"),
    finish: db.prepare(
      'UPDATE backtests SET status = ?, completed_at = ?, progress = ?, error = ?, summary_json = ?, results_json = ? WHERE id = ?',
    ),
    delete: db.prepare('DELETE FROM backtests WHERE id = ?'),
    idsWithStatus: db.prepare<[string], { id: number }>('SELECT id FROM backtests WHERE status = ? ORDER BY id'),
  };
  const insert = db.transaction((settings: BacktestSettings, warnings: string[], createdAt: string): number => {
    const info = q.insert.run(settings.name, settings.strategy, settings.timeframe, JSON.stringify(settings), JSON.stringify(warnings), createdAt);
    const id = Number(info.lastInsertRowid);
    settings.symbols.forEach((symbol, k) => q.insertSymbol.run(id, symbol, k));
    return id;
  });

  return {
    insert(settings, warnings, createdAt) {
      const id = insert(settings, warnings, createdAt);
      return rowOf(q.find.get(id) as Row);
    },
    find(id, withResults) {
      const row = (withResults ? q.findFull : q.find).get(id);
      return row ? rowOf(row) : undefined;
    },
    list(query: BacktestListQuery) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (query.status) {
        where.push('b.status = ?');
        params.push(query.status);
      }
      if (query.symbol) {
        where.push('EXISTS (SELECT 1 FROM backtest_symbols s WHERE s.backtest_id = b.id AND s.symbol = ?)');
        params.push(query.symbol);
      }
      const descending = query.ordering.startsWith('-');
      const field = descending ? query.ordering.slice(1) : query.ordering;
      const expression = ORDER_SQL[field];
      if (!expression) throw new RangeError(`unknown ordering ${query.ordering}`);
      const direction = descending ? 'DESC' : 'ASC';
      // Nulls (not completed, no statistic) last either way; ties by id in the same direction.
      const order = `(${expression}) IS NULL, ${expression} ${direction}, b.id ${direction}`;
      const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const count = (db.prepare(`SELECT COUNT(*) AS n FROM backtests b ${filter}`).get(...params) as { n: number }).n;
      const rows = db.prepare(`SELECT ${LIST_COLUMNS} FROM backtests b ${filter} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...params, query.limit, query.offset) as Row[];
      return { count, rows: rows.map(rowOf) };
    },
    markRunning(id, startedAt) {
      q.markRunning.run(startedAt, id);
    },
    finish(id, o) {
      q.finish.run(o.status, o.completedAt, o.progress, o.error, o.summaryJson, o.resultsJson, id);
    },
    delete(id) {
      return q.delete.run(id).changes > 0;
    },
    idsWithStatus(status) {
      return q.idsWithStatus.all(status).map((r) => r.id);
    },
  };
}
