import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createApiHandlers } from '../core/api/create-api-handlers';
import { systemClock, type Clock } from '../core/ports/clock';
import type { Handlers } from '../shared/contract/index';
import { DATABASE_FILE, openDatabase, type SqliteDatabase } from '../adapters/persistence/sqlite/database';
import { createSqliteCapitalRepository } from '../adapters/persistence/sqlite/capital-repository';

export interface AppContext {
  dataDir: string;
  db: SqliteDatabase;
  handlers: Handlers;
  logger: Logger;
  version: string;
  close(): void;
}

export interface AppContextOptions {
  dataDir: string;
  version: string;
  clock?: Clock;
  /** Defaults to a JSON log file at <data-dir>/logs/echo.log. */
  logger?: Logger;
}

/**
 * The composition root shared by headless mode and the Electron main process:
 * one database, the engine and the one implementation of the contract.
 */
export function createAppContext(options: AppContextOptions): AppContext {
  const { dataDir, version } = options;
  const clock = options.clock ?? systemClock;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logger =
    options.logger ??
    pino({ level: process.env.ECHO_LOG_LEVEL ?? 'info' }, pino.destination({ dest: join(dataDir, 'logs', 'echo.log'), mkdir: true, sync: false }));
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  const handlers = createApiHandlers({ capital: createSqliteCapitalRepository(db, clock), clock, version });
  logger.info({ dataDir, version }, 'app context ready');
  return {
    dataDir,
    db,
    handlers,
    logger,
    version,
    close() {
      db.close();
      logger.flush?.();
    },
  };
}
