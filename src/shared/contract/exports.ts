import { z } from 'zod';
import { defineProcedure } from './procedure';

/**
 * CSV exports of trades, backtests and the journal: what the exporter role is for. Over HTTP each answers a file
 * (text/csv, Content-Disposition: attachment); over IPC the same fields as JSON, which the UI saves as a file.
 */

const csvFile = z.object({
  filename: z.string(),
  content_type: z.literal('text/csv'),
  rows: z.number().int(),
  csv: z.string(),
});
export type CsvFile = z.infer<typeof csvFile>;

const queryInt = (field: string) =>
  z.coerce.number({ error: `${field} must be a whole number` }).int(`${field} must be a whole number`).positive(`${field} must be 1 or greater`);

export const exportTrades = defineProcedure({
  name: 'export.trades',
  tag: 'Exports',
  summary: 'Closed live and paper trades as CSV (all of them, or one task’s)',
  input: z.strictObject({ task_id: queryInt('task_id').optional() }),
  output: csvFile,
  http: [{ method: 'GET', path: '/api/export/trades.csv', envelope: 'forex-echo', download: 'csv' }],
  message: (f) => `${f.rows} trade(s) exported`,
});

export const exportBacktestTrades = defineProcedure({
  name: 'export.backtestTrades',
  tag: 'Exports',
  summary: 'The trades of one finished backtest as CSV',
  input: z.strictObject({ id: queryInt('id') }),
  output: csvFile,
  http: [{ method: 'GET', path: '/api/export/backtests/{id}/trades.csv', envelope: 'forex-echo', download: 'csv' }],
  message: (f) => `${f.rows} backtest trade(s) exported`,
});

export const exportJournal = defineProcedure({
  name: 'export.journal',
  tag: 'Exports',
  summary: 'The engine journal (fills, closes, risk breaches, task changes) as CSV, oldest first',
  input: z.strictObject({ task_id: queryInt('task_id').optional() }),
  output: csvFile,
  http: [{ method: 'GET', path: '/api/export/journal.csv', envelope: 'forex-echo', download: 'csv' }],
  message: (f) => `${f.rows} journal event(s) exported`,
});
