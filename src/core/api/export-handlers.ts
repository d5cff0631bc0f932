import { DomainError } from '../../shared/contract/errors';
import type { Handlers } from '../../shared/contract/index';
import { toCsv } from '../../shared/lib/csv';

type ExportHandlers = Pick<Handlers, 'export.trades' | 'export.backtestTrades' | 'export.journal'>;
type Sources = Pick<Handlers, 'trading.trades' | 'trading.events' | 'backtest.get'>;

/** Enough for any desk's history; more than this in one file is a sign to filter by task. */
const MAX_ROWS = 10_000;

const file = (filename: string, columns: readonly string[], rows: unknown[][]) => ({
  filename,
  content_type: 'text/csv' as const,
  rows: rows.length,
  csv: toCsv(columns, rows),
});

/**
 * CSV files of what the read procedures show: the rows are exactly those views (same rounding, same times), so an
 * export never disagrees with the screen it was taken from.
 */
export function createExportHandlers(sources: Sources): ExportHandlers {
  return {
    'export.trades': async (input) => {
      const view = await sources['trading.trades']({ ...(input.task_id !== undefined ? { task_id: input.task_id } : {}), limit: MAX_ROWS });
      const columns = ['position_id', 'task_id', 'symbol', 'side', 'lots', 'entry_time', 'entry_price', 'exit_time', 'exit_price', 'exit_reason', 'pnl', 'commission'] as const;
      const rows = [...view.trades].reverse().map((t) => columns.map((c) => t[c]));
      return file(input.task_id !== undefined ? `trades-task-${input.task_id}.csv` : 'trades.csv', columns, rows);
    },
    'export.backtestTrades': async (input) => {
      const backtest = await sources['backtest.get']({ id: input.id });
      if (!backtest.results) {
        throw new DomainError('VALIDATION_FAILED', `Backtest ${input.id} is ${backtest.status.toLowerCase()}: it has no trades to export yet`);
      }
      const columns = ['trade_id', 'symbol', 'direction', 'entry_time', 'entry_price', 'exit_time', 'exit_price', 'lots', 'quantity', 'position_size', 'stop_loss', 'take_profit', 'pnl', 'pnl_percent', 'fees', 'exit_reason', 'duration_hours'] as const;
      const rows = backtest.results.trades.map((t) => columns.map((c) => t[c]));
      return file(`backtest-${input.id}-trades.csv`, columns, rows);
    },
    'export.journal': async (input) => {
      // The newest MAX_ROWS events (the view lists newest first), written oldest first.
      const view = await sources['trading.events']({ limit: MAX_ROWS, ...(input.task_id !== undefined ? { task_id: input.task_id } : {}) });
      const events = [...view.events].reverse();
      const columns = ['id', 'time', 'type', 'severity', 'task_id', 'code', 'message'] as const;
      const rows = events.map((e) => columns.map((c) => e[c]));
      return file(input.task_id !== undefined ? `journal-task-${input.task_id}.csv` : 'journal.csv', columns, rows);
    },
  };
}
