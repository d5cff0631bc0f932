import type { NewResearchRecord, ResearchKind, ResearchRecord, ResearchRepository, ResearchStatus } from '../../../core/ports/research-repository';
import type { SqliteDatabase } from './database';

interface ResearchRow {
  id: number;
  kind: ResearchKind;
  name: string;
  status: ResearchStatus;
  progress: number;
  backtest_id: number | null;
  request_json: string;
  results_json: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

const recordOf = (r: ResearchRow): ResearchRecord => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  status: r.status,
  progress: r.progress,
  request: JSON.parse(r.request_json) as Record<string, unknown>,
  results: r.results_json === null ? null : (JSON.parse(r.results_json) as unknown),
  error: r.error,
  backtestId: r.backtest_id,
  createdAt: r.created_at,
  startedAt: r.started_at,
  completedAt: r.completed_at,
});

/** Research jobs in the research_jobs table (migration 8). */
export function createSqliteResearchRepository(db: SqliteDatabase): ResearchRepository {
  const q = {
    insert: db.prepare<[string, string, number | null, string, string], ResearchRow>(
      `INSERT INTO research_jobs (kind, name, status, progress, backtest_id, request_json, created_at)
       VALUES (?, ?, 'PENDING', 0, ?, ?, ?) RETURNING *`,
    ),
    get: db.prepare<[string, number], ResearchRow>('SELECT * FROM research_jobs WHERE kind = ? AND id = ?'),
    list: db.prepare<[string, number, number], ResearchRow>('SELECT * FROM research_jobs WHERE kind = ? ORDER BY id DESC LIMIT ? OFFSET ?'),
    listByStatus: db.prepare<[string, string, number, number], ResearchRow>(
      'SELECT * FROM research_jobs WHERE kind = ? AND status = ? ORDER BY id DESC LIMIT ? OFFSET ?',
    ),
    count: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM research_jobs WHERE kind = ?'),
    countByStatus: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM research_jobs WHERE kind = ? AND status = ?'),
    running: db.prepare<[string, number]>(`UPDATE research_jobs SET status = 'RUNNING', started_at = ? WHERE id = ?`),
    finish: db.prepare<[string, number, string | null, string | null, string, number]>(
      'UPDATE research_jobs SET status = ?, progress = ?, results_json = ?, error = ?, completed_at = ? WHERE id = ?',
    ),
    delete: db.prepare<[string, number]>('DELETE FROM research_jobs WHERE kind = ? AND id = ?'),
    failUnfinished: db.prepare<[string, string]>(
      `UPDATE research_jobs SET status = 'FAILED', error = ?, completed_at = ? WHERE status IN ('PENDING', 'RUNNING')`,
    ),
  };
  return {
    create(record: NewResearchRecord) {
      return recordOf(q.insert.get(record.kind, record.name, record.backtestId, JSON.stringify(record.request), record.createdAt) as ResearchRow);
    },
    get(kind, id) {
      const row = q.get.get(kind, id);
      return row ? recordOf(row) : undefined;
    },
    list(kind, { status, limit, offset }) {
      const rows = status ? q.listByStatus.all(kind, status, limit, offset) : q.list.all(kind, limit, offset);
      const count = (status ? q.countByStatus.get(kind, status) : q.count.get(kind))?.n ?? 0;
      return { count, rows: rows.map(recordOf) };
    },
    markRunning(id, startedAt) {
      q.running.run(startedAt, id);
    },
    finish(id, outcome) {
      q.finish.run(
        outcome.status,
        outcome.progress,
        outcome.results === null || outcome.results === undefined ? null : JSON.stringify(outcome.results),
        outcome.error,
        outcome.completedAt,
        id,
      );
    },
    delete(kind, id) {
      return q.delete.run(kind, id).changes > 0;
    },
    failUnfinished(error, completedAt) {
      return q.failUnfinished.run(error, completedAt).changes;
    },
  };
}
