import type { PaperRun, PaperTradingRepository, PaperTradingSettings } from '../../../core/ports/paper-trading-repository';
import type { SqliteDatabase } from './database';

interface RunRow {
  id: number; session_id: string; settings_json: string; enabled: 0 | 1; started_at: string; stopped_at: string | null;
  final_capital: number | null; total_pnl: number | null;
}

const runOf = (r: RunRow): PaperRun => ({
  id: r.id,
  sessionId: r.session_id,
  settings: JSON.parse(r.settings_json) as PaperTradingSettings,
  enabled: r.enabled === 1,
  startedAt: r.started_at,
  stoppedAt: r.stopped_at,
  finalCapital: r.final_capital,
  totalPnl: r.total_pnl,
});

export function createSqlitePaperTradingRepository(db: SqliteDatabase): PaperTradingRepository {
  const q = {
    insert: db.prepare('INSERT INTO paper_runs (session_id, settings_json, enabled, started_at) VALUES (?, ?, 1, ?)'),
    stop: db.prepare('UPDATE paper_runs SET enabled = 0, stopped_at = ?, final_capital = ?, total_pnl = ? WHERE id = ?'),
    discard: db.prepare('DELETE FROM paper_runs WHERE id = ?'),
    byId: db.prepare<[number], RunRow>('SELECT * FROM paper_runs WHERE id = ?'),
    active: db.prepare<[], RunRow>('SELECT * FROM paper_runs WHERE enabled = 1'),
    latest: db.prepare<[], RunRow>('SELECT * FROM paper_runs ORDER BY enabled DESC, id DESC LIMIT 1'),
    bySession: db.prepare<[string], RunRow>('SELECT * FROM paper_runs WHERE session_id = ?'),
    all: db.prepare<[], RunRow>('SELECT * FROM paper_runs ORDER BY id'),
    number: db.prepare<[string], { id: number }>('SELECT id FROM paper_position_numbers WHERE position_id = ?'),
    assign: db.prepare('INSERT OR IGNORE INTO paper_position_numbers (position_id) VALUES (?)'),
    // Plain INSERT of the missing ones only: an ignored duplicate would still use up an AUTOINCREMENT number.
    numberAll: db.prepare(
      `INSERT INTO paper_position_numbers (position_id)
       SELECT id FROM (
         SELECT p.id AS id, p.entry_time AS t FROM positions p JOIN trading_tasks k ON k.id = p.task_id JOIN paper_runs r ON r.session_id = k.session_id
         UNION ALL
         SELECT x.position_id, x.entry_time FROM trades x JOIN trading_tasks k ON k.id = x.task_id JOIN paper_runs r ON r.session_id = k.session_id
       ) WHERE id NOT IN (SELECT position_id FROM paper_position_numbers) GROUP BY id ORDER BY min(t), id`,
    ),
    positionOf: db.prepare<[number], { position_id: string }>('SELECT position_id FROM paper_position_numbers WHERE id = ?'),
  };
  const row = (r: RunRow | undefined) => (r ? runOf(r) : undefined);
  return {
    start(sessionId, settings, startedAt) {
      const id = Number(q.insert.run(sessionId, JSON.stringify(settings), startedAt).lastInsertRowid);
      return runOf(q.byId.get(id) as RunRow);
    },
    stop(id, result) {
      q.stop.run(result.stoppedAt, result.finalCapital, result.totalPnl, id);
    },
    discard(id) {
      q.discard.run(id);
    },
    active: () => row(q.active.get()),
    latest: () => row(q.latest.get()),
    bySession: (sessionId) => row(q.bySession.get(sessionId)),
    all: () => q.all.all().map(runOf),
    numberAll() {
      q.numberAll.run();
    },
    numberOf(positionId) {
      const known = q.number.get(positionId);
      if (known) return known.id;
      return Number(q.assign.run(positionId).lastInsertRowid);
    },
    positionIdOf: (number) => q.positionOf.get(number)?.position_id,
  };
}
