import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/**
 * Real market candles for tests and benchmarks, from one of two places, told apart by the name:
 * - `<name>.csv.gz`: a small fixture committed in test/fixtures/candles (cut from the shared data; see its README and
 *   scripts/cut-fixtures.mjs). What the default test suite reads: it runs on a fresh clone.
 * - `<name>.csv`: a whole file in the shared data folder, `<repo>/../shared/data` unless the environment variable
 *   ECHO_SHARED_DATA names another one. For benchmarks and the long real-data checks, which skip with a message
 *   when it is absent (see test/kit/long-check.ts). Read in place, never copied into the repository.
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
const FIXTURE_SUFFIX = '.csv.gz';

/** The committed fixtures: test/fixtures/candles (candles) and test/fixtures (the spec copy beside them). */
export const fixturesDirectory = resolve(repoRoot, 'test/fixtures');
export const candleFixturesDirectory = resolve(fixturesDirectory, 'candles');

export function sharedDataDirectory(): string {
  return process.env.ECHO_SHARED_DATA ?? resolve(repoRoot, '../shared/data');
}

export const isFixtureName = (name: string): boolean => name.endsWith(FIXTURE_SUFFIX);

/** Why `name` cannot be read, naming both places candles come from; undefined when it can. */
export function candleFileProblem(name: string): string | undefined {
  const fixtures = `test/fixtures/candles (${candleFixturesDirectory})`;
  if (isFixtureName(name)) {
    if (existsSync(resolve(candleFixturesDirectory, name))) return undefined;
    return `Candle fixture ${name} not found in ${fixtures}; regenerate the fixtures from the shared data folder ${sharedDataDirectory()} with node scripts/cut-fixtures.mjs`;
  }
  const path = resolve(sharedDataDirectory(), name);
  if (existsSync(path)) return undefined;
  return (
    `Shared data file ${name} not found at ${path} (set ECHO_SHARED_DATA to the data folder). ` +
    `Names ending in .csv are whole files of the shared data folder (../shared/data, for benchmarks and long checks); ` +
    `the test suite reads the fixtures in ${fixtures}, names ending in ${FIXTURE_SUFFIX}`
  );
}

/** Absolute path of a file in the shared data folder; throws, saying where it looked, when it is missing. */
export function sharedDataPath(name: string): string {
  const problem = isFixtureName(name) ? `${name} is a fixture name, not a shared data file` : candleFileProblem(name);
  if (problem) throw new Error(problem);
  return resolve(sharedDataDirectory(), name);
}

/** The CSV bytes of a fixture (uncompressed) or of a shared file; throws naming both places when it is missing. */
export function candleFileBytes(name: string): Buffer {
  const problem = candleFileProblem(name);
  if (problem) throw new Error(problem);
  if (isFixtureName(name)) return gunzipSync(readFileSync(resolve(candleFixturesDirectory, name)));
  return readFileSync(resolve(sharedDataDirectory(), name));
}

/**
 * A plain CSV file with the candles of `name`, for code that reads files (the importer, the CSV reader): the shared
 * file itself, or the fixture uncompressed once into the temp folder as `<name without .gz>`.
 */
export function candleFilePath(name: string): string {
  if (!isFixtureName(name)) return sharedDataPath(name);
  const bytes = candleFileBytes(name);
  const dir = join(tmpdir(), 'echo-candle-fixtures');
  const path = join(dir, name.slice(0, -'.gz'.length));
  if (existsSync(path) && readFileSync(path).equals(bytes)) return path;
  mkdirSync(dir, { recursive: true });
  const partial = `${path}.${process.pid}.${Date.now()}.part`;
  writeFileSync(partial, bytes);
  renameSync(partial, path); // atomic: parallel test workers never see half a file
  return path;
}

/**
 * Parses a fixture or shared CSV file (`time,open,high,low,close,volume`, ISO-8601 UTC times such as
 * `2024-08-01T20:18:00Z`, or date-only `2004-08-19`). Throws on a malformed row, naming the file and line.
 *
 * Parses the bytes directly (the test suite loads ~70k-row files in many workers, where split/Number cost
 * most of the time). Numbers with at most 15 significant digits take the exact fast path
 * digits / 10^decimals — both exact doubles, so the one rounding of the division gives the same double
 * as Number(text); anything else falls back to Number(text).
 */
export function loadCandles(fileName: string): CandleColumns {
  const bytes = candleFileBytes(fileName);
  const headerEnd = bytes.indexOf(NEWLINE);
  const header = bytes.subarray(0, headerEnd < 0 ? bytes.length : headerEnd).toString('latin1').trim();
  if (header !== EXPECTED_HEADER) {
    throw new Error(`${fileName}: expected header "${EXPECTED_HEADER}", found "${header}"`);
  }
  let rows = 0;
  for (let i = headerEnd + 1; i < bytes.length; i++) {
    if (bytes[i] === NEWLINE || i === bytes.length - 1) rows++;
  }

  const candles: CandleColumns = {
    time: new Float64Array(rows),
    open: new Float64Array(rows),
    high: new Float64Array(rows),
    low: new Float64Array(rows),
    close: new Float64Array(rows),
    volume: new Float64Array(rows),
    length: 0,
  };
  const numericColumns = [candles.open, candles.high, candles.low, candles.close, candles.volume];
  const reader = new FieldReader(bytes, headerEnd + 1);

  let row = 0;
  while (reader.position < bytes.length) {
    const lineStart = reader.position;
    if (reader.atLineEnd()) {
      reader.skipLineEnd();
      continue;
    }
    const time = reader.time();
    if (Number.isNaN(time) || !reader.skip(COMMA)) rowError(fileName, bytes, lineStart, row, 'unreadable time');
    candles.time[row] = time;
    for (const column of numericColumns) {
      const value = reader.number();
      const isLast = column === candles.volume;
      if (Number.isNaN(value)) rowError(fileName, bytes, lineStart, row, 'unreadable number');
      if (isLast ? !reader.atLineEnd() : !reader.skip(COMMA)) {
        rowError(fileName, bytes, lineStart, row, 'expected 6 comma-separated fields');
      }
      column[row] = value;
    }
    reader.skipLineEnd();
    row++;
  }
  candles.length = row;
  if (row < rows) {
    for (const key of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) candles[key] = candles[key].slice(0, row);
  }
  return candles;
}

function rowError(fileName: string, bytes: Uint8Array, lineStart: number, row: number, why: string): never {
  const lineEnd = bytes.indexOf(NEWLINE, lineStart);
  const line = Buffer.from(bytes.subarray(lineStart, lineEnd < 0 ? bytes.length : lineEnd)).toString('latin1');
  throw new Error(`${fileName} line ${row + 2}: ${why}: "${line.trim()}"`);
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const COLON = 0x3a;
const LETTER_T = 0x54;
const LETTER_Z = 0x5a;
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT_DIGITS = 15;

/** A cursor over the CSV bytes reading one field at a time; a failed read returns NaN. */
class FieldReader {
  constructor(
    private readonly bytes: Uint8Array,
    public position: number,
  ) {}

  atLineEnd(): boolean {
    const byte = this.bytes[this.position];
    return byte === undefined || byte === NEWLINE || byte === CARRIAGE_RETURN;
  }

  skipLineEnd(): void {
    while (this.position < this.bytes.length && this.bytes[this.position] !== NEWLINE) this.position++;
    this.position++;
  }

  skip(byte: number): boolean {
    if (this.bytes[this.position] !== byte) return false;
    this.position++;
    return true;
  }

  /** `2024-08-01T20:18:00Z` (seconds optional) or `2004-08-19`, as epoch ms UTC. */
  time(): number {
    const year = this.digits(4);
    if (!this.skip(MINUS)) return Number.NaN;
    const month = this.digits(2);
    if (!this.skip(MINUS)) return Number.NaN;
    const day = this.digits(2);
    let hour = 0;
    let minute = 0;
    let second = 0;
    if (this.skip(LETTER_T)) {
      hour = this.digits(2);
      if (!this.skip(COLON)) return Number.NaN;
      minute = this.digits(2);
      if (this.skip(COLON)) second = this.digits(2);
      if (!this.skip(LETTER_Z)) return Number.NaN;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
    return Date.UTC(year, month - 1, day, hour, minute, second);
  }

  /** A decimal number such as `2441.14`, `-0.5` or `22351900` (anything else through Number()). */
  number(): number {
    const start = this.position;
    const bytes = this.bytes;
    const negative = this.skip(MINUS);
    let mantissa = 0;
    let digitCount = 0;
    let decimals = 0;
    let seenDot = false;
    for (;;) {
      const byte = bytes[this.position];
      if (byte !== undefined && byte >= ZERO && byte <= ZERO + 9) {
        mantissa = mantissa * 10 + (byte - ZERO);
        if (mantissa > 0) digitCount++;
        if (seenDot) decimals++;
      } else if (byte === DOT && !seenDot) {
        seenDot = true;
      } else {
        break;
      }
      this.position++;
    }
    if (this.position === start + (negative ? 1 : 0) || !this.atFieldEnd()) return this.slowNumber(start);
    if (digitCount > MAX_EXACT_DIGITS || decimals >= EXACT_POWERS_OF_TEN.length) return this.slowNumber(start);
    const value = mantissa / (EXACT_POWERS_OF_TEN[decimals] as number);
    return negative ? -value : value;
  }

  private atFieldEnd(): boolean {
    return this.bytes[this.position] === COMMA || this.atLineEnd();
  }

  /** Number() of the field from `start` to the next comma or line end; NaN when it is empty or not a number. */
  private slowNumber(start: number): number {
    this.position = start;
    while (!this.atFieldEnd()) this.position++;
    const text = Buffer.from(this.bytes.subarray(start, this.position)).toString('latin1');
    const value = Number(text);
    return text.trim() === '' || !Number.isFinite(value) ? Number.NaN : value;
  }

  private digits(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      const digit = (this.bytes[this.position] ?? 0) - ZERO;
      if (digit < 0 || digit > 9) return Number.NaN;
      value = value * 10 + digit;
      this.position++;
    }
    return value;
  }
}
