import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Loads the real sample candles in the shared data folder (see its README) for tests and benchmarks.
 * The folder is `<repo>/../shared/data` unless the environment variable ECHO_SHARED_DATA names another one.
 * Data is read in place, never copied into the repository.
 */

/** Columnar candles: one Float64Array per field, `time` in epoch milliseconds (UTC) of the bar's open. */
export interface CandleColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EXPECTED_HEADER = 'time,open,high,low,close,volume';

export function sharedDataDirectory(): string {
  return process.env.ECHO_SHARED_DATA ?? resolve(repoRoot, '../shared/data');
}

/** Absolute path of a file in the shared data folder; throws, saying where it looked, when it is missing. */
export function sharedDataPath(name: string): string {
  const path = resolve(sharedDataDirectory(), name);
  if (!existsSync(path)) {
    throw new Error(`Shared data file ${name} not found at ${path} (set ECHO_SHARED_DATA to the data folder)`);
  }
  return path;
}

/**
 * Parses one of the shared CSV files (`time,open,high,low,close,volume`, ISO-8601 UTC times such as
 * `2024-08-01T20:18:00Z`, or date-only `2004-08-19`). Throws on a malformed row, naming the file and line.
 */
export function loadCandles(fileName: string): CandleColumns {
  const text = readFileSync(sharedDataPath(fileName), 'utf8');
  const lines = text.split('\n');
  const header = lines[0]?.trim();
  if (header !== EXPECTED_HEADER) {
    throw new Error(`${fileName}: expected header "${EXPECTED_HEADER}", found "${header}"`);
  }
  let rows = lines.length - 1;
  while (rows > 0 && lines[rows]?.trim() === '') rows--;

  const candles: CandleColumns = {
    time: new Float64Array(rows),
    open: new Float64Array(rows),
    high: new Float64Array(rows),
    low: new Float64Array(rows),
    close: new Float64Array(rows),
    volume: new Float64Array(rows),
    length: rows,
  };
  const numericColumns = [candles.open, candles.high, candles.low, candles.close, candles.volume];

  for (let row = 0; row < rows; row++) {
    const line = lines[row + 1] as string;
    const fail = (why: string): never => {
      throw new Error(`${fileName} line ${row + 2}: ${why}: "${line}"`);
    };
    let start = 0;
    let comma = line.indexOf(',');
    if (comma < 0) fail('expected 6 comma-separated fields');
    const time = parseUtcTime(line.slice(0, comma));
    if (Number.isNaN(time)) fail('unreadable time');
    candles.time[row] = time;
    for (const column of numericColumns) {
      start = comma + 1;
      comma = line.indexOf(',', start);
      const isLast = column === candles.volume;
      if ((comma < 0) !== isLast) fail('expected 6 comma-separated fields');
      const field = line.slice(start, isLast ? undefined : comma);
      const value = Number(field);
      if (field.trim() === '' || !Number.isFinite(value)) fail(`unreadable number "${field}"`);
      column[row] = value;
    }
  }
  return candles;
}

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?Z)?$/;

/** Epoch ms of `2024-08-01T20:18:00Z` or `2004-08-19` (UTC midnight); NaN when the text is neither. */
function parseUtcTime(text: string): number {
  const match = ISO_UTC.exec(text);
  if (!match) return Number.NaN;
  const [, year, month, day, hour = '0', minute = '0', second = '0'] = match;
  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
}
