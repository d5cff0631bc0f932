import { candleProblem, SeriesBuilder, sortAndDedupe, type CandleSeries } from '../../../core/domain/candles';
import { detectLayout, splitFields, type CsvLayout } from './csv-layout';
import { parseTime } from './csv-time';
import { UTC_CLOCK, type SourceClock } from './source-clock';

/**
 * Line-by-line candle CSV parser: feed it lines (from a stream or a string), then `finish()`.
 * Every non-blank line after the header is either a bar or a bad row with its 1-based line number and reason:
 * nothing is dropped silently, and a bad row never stops the import.
 */

export interface CsvParseOptions {
  /** The clock zone-less times were written on (MT exports use broker server time). Default: UTC. */
  clock?: SourceClock;
  /** Bad rows kept with details; all are counted. Default 1000. */
  maxBadRowDetails?: number;
}

export interface BadRow {
  line: number;
  reason: string;
  text: string;
}

export interface CsvParseResult {
  layout: CsvLayout;
  /** Sorted by time, one bar per time (of duplicates, the later line wins). */
  series: CandleSeries;
  /** Data lines read (not counting the header and blank lines). */
  rowsRead: number;
  badRowCount: number;
  badRows: BadRow[];
  /** Valid rows dropped because a later line had the same time. */
  duplicates: number;
  /** Valid rows whose time was earlier than the previous valid row's: the file was sorted. */
  outOfOrder: number;
}

const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * Decimal text → number, or NaN. Number() alone would read "" as 0 and "0x1F" as 31, so a cheap first/last character
 * check guards the common case and the strict pattern decides the rest.
 */
function decimal(text: string): number {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  const plain =
    ((first >= 48 && first <= 57) || first === 45) && last >= 48 && last <= 57 && !(first === 48 && text.length > 1 && (text.charCodeAt(1) | 32) > 97);
  if (plain) return Number(text);
  return NUMBER.test(text) ? Number(text) : Number.NaN;
}
const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

export class CandleCsvParser {
  private layout: CsvLayout | undefined;
  private readonly bars = new SeriesBuilder(64 * 1024);
  private readonly badRows: BadRow[] = [];
  private badRowCount = 0;
  private rowsRead = 0;
  private outOfOrder = 0;
  private lastTime = -Infinity;
  private readonly clock: SourceClock;
  private readonly maxDetails: number;
  private readonly values = new Float64Array(5);

  constructor(options: CsvParseOptions = {}) {
    this.clock = options.clock ?? UTC_CLOCK;
    this.maxDetails = options.maxBadRowDetails ?? 1000;
  }

  /** The layout, once the first line was seen. */
  get detectedLayout(): CsvLayout | undefined {
    return this.layout;
  }

  /** Feeds line `lineNumber` (1-based). Throws CsvLayoutError when the first line makes the file unusable. */
  push(rawLine: string, lineNumber: number): void {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (!this.layout) {
      if (line.replace(/^\uFEFF/, '').trim() === '') return; // leading blank lines
      this.layout = detectLayout(line);
      if (this.layout.hasHeader) return;
    }
    if (line.trim() === '') return;
    this.rowsRead++;
    const problem = this.row(this.layout, line.replace(/^\uFEFF/, ''));
    if (problem) this.bad(lineNumber, problem, line);
  }

  finish(): CsvParseResult {
    const { series, duplicates } = sortAndDedupe(this.bars.build());
    return {
      layout: this.layout ?? detectLayout(''),
      series,
      rowsRead: this.rowsRead,
      badRowCount: this.badRowCount,
      badRows: this.badRows,
      duplicates,
      outOfOrder: this.outOfOrder,
    };
  }

  /** Parses one data line into the builder; returns why it is bad, or undefined. */
  private row(layout: CsvLayout, line: string): string | undefined {
    const f = splitFields(line, layout.delimiter);
    if (f.length < layout.minFields) return `expected at least ${layout.minFields} fields, found ${f.length}`;
    const timeText = layout.timeColumn === undefined ? f[layout.dateColumn]! : `${f[layout.dateColumn]!.trim()} ${f[layout.timeColumn]!.trim()}`;
    const parsed = parseTime(timeText);
    if (!parsed) return `time "${timeText}" is not a date/time`;
    const time = parsed.absolute ? parsed.ms : this.clock.toUtc(parsed.ms);
    const columns = [layout.open, layout.high, layout.low, layout.close, layout.volume];
    for (let k = 0; k < 5; k++) {
      const column = columns[k];
      if (column === undefined) {
        this.values[k] = 0;
        continue;
      }
      let text = f[column]!;
      // Semicolon/tab files from European locales may write decimal commas.
      if (layout.delimiter !== ',' && text.includes(',') && !text.includes('.')) text = text.replace(',', '.');
      const value = decimal(text);
      if (Number.isNaN(value)) return `${FIELDS[k]} "${text}" is not a number`;
      this.values[k] = value;
    }
    const v = this.values;
    const reason = candleProblem({ time, open: v[0]!, high: v[1]!, low: v[2]!, close: v[3]!, volume: v[4]! });
    if (reason) return reason;
    if (time < this.lastTime) this.outOfOrder++;
    this.lastTime = time;
    this.bars.push(time, v[0]!, v[1]!, v[2]!, v[3]!, v[4]!);
    return undefined;
  }

  private bad(line: number, reason: string, text: string): void {
    this.badRowCount++;
    if (this.badRows.length < this.maxDetails) this.badRows.push({ line, reason, text: text.slice(0, 200) });
  }
}

/** Parses a whole CSV text (tests, small files, pasted data). */
export function parseCandleCsv(text: string, options: CsvParseOptions = {}): CsvParseResult {
  const parser = new CandleCsvParser(options);
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => parser.push(line, i + 1));
  return parser.finish();
}
