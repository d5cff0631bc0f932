import { looksLikeTimeOfDay, parseTime } from './csv-time';

/**
 * Which column holds what, detected from a file's first line:
 *  - `mt5-header`:  MetaTrader 5 history export, `<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>`
 *                   (daily exports have no <TIME>). Volume is <TICKVOL>, as on the chart; <VOL> only when there is no <TICKVOL>.
 *  - `headerless`:  the first line is already data: `2024.08.01,20:18,o,h,l,c,v` (MT4/MT5), `2024-08-01 20:18,o,h,l,c,v`, ...
 *  - `named-header`: a header naming the columns, e.g. `time,open,high,low,close,volume` (the common layout of
 *                   ../shared/data) or MT5 Python's `time,open,high,low,close,tick_volume,spread,real_volume`.
 * The delimiter (tab, semicolon or comma) is whichever of them the first line uses most.
 */

export type LayoutKind = 'mt5-header' | 'headerless' | 'named-header';

export interface CsvLayout {
  kind: LayoutKind;
  delimiter: string;
  /** True when line 1 is a header, not data. */
  hasHeader: boolean;
  /** Column of the date, or of the whole date-time when `timeColumn` is undefined. */
  dateColumn: number;
  timeColumn: number | undefined;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Undefined when the file has no volume: bars get volume 0. */
  volume: number | undefined;
  /** Fields a data row needs. */
  minFields: number;
  /** For people: what was detected. */
  description: string;
}

export class CsvLayoutError extends Error {
  override name = 'CsvLayoutError';
}

const DELIMITERS = ['\t', ';', ','] as const;
const DELIMITER_NAMES: Record<string, string> = { '\t': 'tab', ';': 'semicolon', ',': 'comma' };

function detectDelimiter(line: string): string {
  let best: string = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = line.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** Splits one line; surrounding double quotes of a field are dropped (no delimiter appears inside OHLCV values). */
export function splitFields(line: string, delimiter: string): string[] {
  const fields = line.split(delimiter);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length >= 2 && f.charCodeAt(0) === 34 && f.charCodeAt(f.length - 1) === 34) fields[i] = f.slice(1, -1);
  }
  return fields;
}

const headerName = (field: string) => field.trim().replace(/^<|>$/g, '').toLowerCase();

const NAMES = {
  dateTime: ['time', 'datetime', 'date_time', 'timestamp', 'open_time', 'opentime', 'gmt time', 'local time', 'date'],
  date: ['date', 'day'],
  time: ['time'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c'],
  volume: ['tickvol', 'tick_volume', 'volume', 'vol', 'real_volume', 'v'],
} as const;

function fromHeader(line: string, delimiter: string, kind: LayoutKind): CsvLayout {
  const names = splitFields(line, delimiter).map(headerName);
  const find = (candidates: readonly string[]) => {
    for (const c of candidates) {
      const i = names.indexOf(c);
      if (i >= 0) return i;
    }
    return undefined;
  };
  // Separate date and time columns (MT5's <DATE> <TIME>), else one date-time column.
  const date = find(NAMES.date);
  const time = find(NAMES.time);
  const split = date !== undefined && time !== undefined && date !== time;
  const dateColumn = split ? date : find(NAMES.dateTime);
  const columns = { open: find(NAMES.open), high: find(NAMES.high), low: find(NAMES.low), close: find(NAMES.close) };
  const missing = [
    ...(dateColumn === undefined ? ['time'] : []),
    ...Object.entries(columns).filter(([, i]) => i === undefined).map(([name]) => name),
  ];
  if (missing.length > 0 || dateColumn === undefined) {
    throw new CsvLayoutError(
      `Unrecognised layout: the first line "${line.slice(0, 120)}" is neither data nor a header with ${missing.join(', ')} ` +
        'columns. Expected time,open,high,low,close,volume or a MetaTrader export.',
    );
  }
  const volume = find(NAMES.volume);
  const timeColumn = split ? time : undefined;
  const used = [dateColumn, timeColumn, ...Object.values(columns), volume].filter((i): i is number => i !== undefined);
  const described = names.filter((_, i) => used.includes(i)).join(delimiter === '\t' ? ' ' : delimiter);
  return {
    kind,
    delimiter,
    hasHeader: true,
    dateColumn,
    timeColumn,
    open: columns.open!,
    high: columns.high!,
    low: columns.low!,
    close: columns.close!,
    volume,
    minFields: Math.max(...used) + 1,
    description:
      `${kind === 'mt5-header' ? 'MetaTrader 5 export' : 'CSV with header'}, ${DELIMITER_NAMES[delimiter]}-separated: ${described}` +
      (volume === undefined ? ', no volume column (volume stored as 0)' : ''),
  };
}

function headerless(fields: string[], delimiter: string): CsvLayout {
  const timeColumn = fields.length > 1 && looksLikeTimeOfDay(fields[1]!) ? 1 : undefined;
  const open = timeColumn === undefined ? 1 : 2;
  const volume = fields.length > open + 4 ? open + 4 : undefined;
  return {
    kind: 'headerless',
    delimiter,
    hasHeader: false,
    dateColumn: 0,
    timeColumn,
    open,
    high: open + 1,
    low: open + 2,
    close: open + 3,
    volume,
    minFields: (volume ?? open + 3) + 1,
    description:
      `MetaTrader-style CSV without header, ${DELIMITER_NAMES[delimiter]}-separated: ` +
      `${timeColumn === undefined ? 'date-time' : 'date,time'},open,high,low,close${volume === undefined ? '' : ',volume'}` +
      (volume === undefined ? ', no volume column (volume stored as 0)' : ''),
  };
}

/** Detects the layout from the first line of a file (a UTF-8 byte-order mark is ignored). */
export function detectLayout(firstLine: string): CsvLayout {
  const line = firstLine.replace(/^\uFEFF/, '').trim();
  if (line === '') throw new CsvLayoutError('The file is empty (its first line is blank)');
  const delimiter = detectDelimiter(line);
  if (line.startsWith('<')) return fromHeader(line, delimiter, 'mt5-header');
  const fields = splitFields(line, delimiter);
  if (parseTime(fields[0]!) !== undefined) {
    if (fields.length < 5) throw new CsvLayoutError(`Unrecognised layout: the first line "${line.slice(0, 120)}" has too few columns`);
    return headerless(fields, delimiter);
  }
  return fromHeader(line, delimiter, 'named-header');
}
