/**
 * Research jobs: parameter optimizations, walk-forward tests and Monte Carlo simulations (src/core/research). One
 * table for the three kinds (ids are shared between them; a GET of another kind's id is a 404). The request and the
 * results are JSON documents as the API shows them. AUTOINCREMENT: a deleted job's id is never reused.
 * backtest_id has no foreign key on purpose: a Monte Carlo result stays readable after its backtest is deleted.
 */
export const researchMigration = {
  version: 8,
  name: 'research jobs',
  sql: `
    CREATE TABLE research_jobs (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      kind         TEXT    NOT NULL CHECK (kind IN ('optimization', 'walkforward', 'montecarlo')),
      name         TEXT    NOT NULL,
      status       TEXT    NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')),
      progress     REAL    NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
      backtest_id  INTEGER,
      request_json TEXT    NOT NULL CHECK (json_valid(request_json)),
      results_json TEXT             CHECK (results_json IS NULL OR json_valid(results_json)),
      error        TEXT,
      created_at   TEXT    NOT NULL,
      started_at   TEXT,
      completed_at TEXT
    );
    CREATE INDEX research_jobs_by_kind ON research_jobs(kind, id DESC);
    CREATE INDEX research_jobs_by_status ON research_jobs(status);
  `,
};
