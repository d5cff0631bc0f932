import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeSymbol, parseTimeframe, TIMEFRAME_MS, TIMEFRAMES, type CandleSeries, type Timeframe } from '../core/domain/candles';
import type { BadRow } from '../adapters/market-data/csv/candle-csv-parser';
import { CsvLayoutError } from '../adapters/market-data/csv/csv-layout';
import { parseUtcOffset } from '../adapters/market-data/csv/csv-time';
import { fixedOffsetClock, parseSourceClock, type SourceClock } from '../adapters/market-data/csv/source-clock';
import { readCandleCsvFile } from '../adapters/market-data/csv/read-candle-csv-file';
import { createSqliteCandleStore } from '../adapters/persistence/sqlite/candle-store';
import { DATABASE_FILE, openDatabase } from '../adapters/persistence/sqlite/database';
import type { CandleRange } from '../core/ports/candle-store';
import { resolveDataDir } from './data-dir';

/**
 * `npm run import -- --data-dir DIR --symbol XAUUSD --timeframe 1M [--utc-offset +3] FILE.csv...`
 * Candles from CSV / MetaTrader exports into the data directory's store. Each file is one atomic write; files are
 * merged in command-line order, so on equal times a later file (and any file over what was stored) wins.
 * Exit codes: 0 imported (bad rows are reported, not fatal), 1 a file was unusable, 2 wrong arguments.
 */

const USAGE = `Usage: npm run import -- [--data-dir DIR] --symbol SYMBOL --timeframe TF [--utc-offset +H | --timezone ZONE] FILE.csv...

  --data-dir DIR      data directory (default: $ECHO_DATA_DIR, else the app's per-user folder)
  --symbol SYMBOL     e.g. XAUUSD, EURUSD, BTC/USDT
  --timeframe TF      ${TIMEFRAMES.join(' ')} (also M1 M5 M15 H1 H4 D1)
  --utc-offset +H     the source clock's fixed offset from UTC, for times written without a zone. Default: UTC.
  --timezone ZONE     instead of --utc-offset, a clock with daylight saving: an IANA zone (Europe/London) or a
                      shifted one. MetaTrader exports use the broker's server time, most often NY+7 (New York + 7h:
                      UTC+2 in the US winter, UTC+3 in the US summer).
Layouts: time,open,high,low,close,volume (ISO-8601 times); MetaTrader 5 export (<DATE> <TIME> <OPEN> ...);
         header-less MT4/MT5 lines such as 2024.08.01,20:18,open,high,low,close,volume.`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Progress is redrawn in place every ~0.5 s on a terminal; otherwise one line per file. */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

class UsageError extends Error {}

interface ImportArgs {
  dataDir: string;
  symbol: string;
  timeframe: Timeframe;
  /** Undefined when no option was given: UTC, said so in the output. */
  clock: SourceClock | undefined;
  files: string[];
}

function parseArgs(argv: readonly string[], io: CliIo): ImportArgs | 'help' {
  const flags = new Map<string, string>();
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (!arg.startsWith('--')) {
      files.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!['data-dir', 'symbol', 'timeframe', 'utc-offset', 'timezone'].includes(name)) throw new UsageError(`Unknown option --${name}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  const rawSymbol = flags.get('symbol');
  if (rawSymbol === undefined) throw new UsageError('--symbol is required (e.g. --symbol XAUUSD)');
  const symbol = normalizeSymbol(rawSymbol);
  if (!symbol) throw new UsageError(`Invalid symbol "${rawSymbol}": use letters, digits and . _ / - such as XAUUSD or BTC/USDT`);
  const rawTimeframe = flags.get('timeframe');
  if (rawTimeframe === undefined) throw new UsageError(`--timeframe is required (${TIMEFRAMES.join(', ')})`);
  const timeframe = parseTimeframe(rawTimeframe);
  if (!timeframe) throw new UsageError(`Unknown timeframe "${rawTimeframe}": use one of ${TIMEFRAMES.join(', ')}`);
  const clock = parseClock(flags.get('utc-offset'), flags.get('timezone'));
  if (files.length === 0) throw new UsageError('No input file given');
  const resolved = files.map((f) => resolve(io.cwd, f));
  resolved.forEach((path, i) => {
    let ok = false;
    try {
      ok = statSync(path).isFile();
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`File not found: ${files[i]}`);
  });
  const dataDir = resolveDataDir(flags.get('data-dir'), io.env, { cwd: io.cwd });
  return { dataDir, symbol, timeframe, clock, files: resolved };
}

function parseClock(offset: string | undefined, zone: string | undefined): SourceClock | undefined {
  if (offset !== undefined && zone !== undefined) throw new UsageError('Give --utc-offset or --timezone, not both');
  if (offset !== undefined) {
    const minutes = parseUtcOffset(offset);
    if (minutes === undefined) {
      throw new UsageError(
        `Invalid --utc-offset "${offset}": use hours from UTC such as +3, -5 or +5:30 (for a clock with daylight saving, --timezone NY+7 or Europe/London)`,
      );
    }
    return fixedOffsetClock(minutes);
  }
  if (zone === undefined) return undefined;
  const clock = parseSourceClock(zone);
  if (!clock) throw new UsageError(`Unknown --timezone "${zone}": use an IANA zone such as Europe/London, or NY+7 for New York + 7 h`);
  return clock;
}

const count = (n: number) => n.toLocaleString('en-US');
const when = (ms: number) => `${new Date(ms).toISOString().replace('T', ' ').replace(/(:00)?\.000Z$/, '')} UTC`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Share of consecutive bars closer together than the timeframe: high means the file holds a finer timeframe. */
function finerShare(series: CandleSeries, timeframe: Timeframe): number {
  let finer = 0;
  for (let i = 1; i < series.length; i++) if (series.time[i]! - series.time[i - 1]! < TIMEFRAME_MS[timeframe]) finer++;
  return series.length > 1 ? finer / (series.length - 1) : 0;
}

const isUnreadableFile = (error: unknown): error is Error =>
  error instanceof CsvLayoutError || (error instanceof Error && (error as NodeJS.ErrnoException).syscall !== undefined);

interface Totals {
  rowsRead: number;
  imported: number;
  added: number;
  replaced: number;
  duplicatesInFiles: number;
  badRowCount: number;
  badRows: (BadRow & { file: string })[];
  first: number;
  last: number;
  unusable: string[];
}

export async function runImportCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: ImportArgs | 'help';
  try {
    args = parseArgs(argv, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`import: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const { dataDir, symbol, timeframe, clock, files } = args;
  const started = Date.now();
  const dbFile = join(dataDir, DATABASE_FILE);
  io.out(`Importing ${files.length} file(s) as ${symbol} ${timeframe} into ${dbFile}\n`);
  io.out(
    clock === undefined
      ? 'Source clock: UTC (default). MetaTrader exports are in broker server time: pass --timezone NY+7 or --utc-offset +3 if yours is not UTC.\n'
      : `Source clock: ${clock.label}; times without a zone are converted to UTC.\n`,
  );

  const db = openDatabase(dbFile);
  const store = createSqliteCandleStore(db);
  const t: Totals = { rowsRead: 0, imported: 0, added: 0, replaced: 0, duplicatesInFiles: 0, badRowCount: 0, badRows: [], first: Infinity, last: -Infinity, unusable: [] };
  let range: CandleRange;
  try {
    for (const file of files) await importFile(file);
    range = store.range(symbol, timeframe);
  } finally {
    db.close();
  }

  async function importFile(file: string): Promise<void> {
    const name = basename(file);
    const fileStarted = Date.now();
    let shown = 0;
    try {
      const parsed = await readCandleCsvFile(file, {
        clock,
        onProgress: ({ bytesRead, totalBytes }) => {
          if (!io.isTTY || Date.now() - shown < 500) return;
          shown = Date.now();
          io.err(`\r${name}: ${Math.floor((bytesRead / Math.max(1, totalBytes)) * 100)}% read`);
        },
      });
      if (io.isTTY) io.err(`\r\x1b[K${name}: storing ${count(parsed.series.length)} bars...`);
      t.rowsRead += parsed.rowsRead;
      t.badRowCount += parsed.badRowCount;
      t.badRows.push(...parsed.badRows.slice(0, 20 - t.badRows.length).map((b) => ({ ...b, file: name })));
      if (parsed.series.length === 0) {
        if (io.isTTY) io.err('\r\x1b[K');
        t.unusable.push(`${name}: no valid bars in ${count(parsed.rowsRead)} data rows (layout: ${parsed.layout.description})`);
        io.out(`${name}: UNUSABLE, no valid bars (${count(parsed.badRowCount)} bad rows)\n`);
        return;
      }
      const written = store.write(symbol, timeframe, parsed.series);
      t.imported += written.written;
      t.added += written.added;
      t.replaced += written.replaced;
      t.duplicatesInFiles += parsed.duplicates;
      t.first = Math.min(t.first, parsed.series.time[0]!);
      t.last = Math.max(t.last, parsed.series.time[parsed.series.length - 1]!);
      if (io.isTTY) io.err('\r\x1b[K');
      io.out(
        `${name}: ${count(parsed.rowsRead)} rows, ${count(written.written)} imported, ` +
          `${count(parsed.duplicates + written.replaced)} duplicates merged, ${count(parsed.badRowCount)} bad rows, ` +
          `${seconds(Date.now() - fileStarted)}\n  layout: ${parsed.layout.description}\n`,
      );
      if (parsed.outOfOrder > 0) io.out(`  note: ${count(parsed.outOfOrder)} rows were out of time order; they were sorted\n`);
      const finer = finerShare(parsed.series, timeframe);
      if (finer > 0.01) {
        io.out(`  warning: ${Math.round(finer * 100)}% of consecutive bars are closer than ${timeframe}: is this really a ${timeframe} file?\n`);
      }
    } catch (error) {
      // An unreadable file (layout, encoding, I/O) is reported and the next file still imported; anything else aborts.
      if (!isUnreadableFile(error)) throw error;
      if (io.isTTY) io.err('\r\x1b[K');
      t.unusable.push(`${name}: ${error.message}`);
      io.out(`${name}: UNUSABLE, ${error.message}\n`);
    }
  }

  const lines = [
    '',
    'Summary',
    `  rows read:          ${count(t.rowsRead)}`,
    `  imported:           ${count(t.imported)} bars (${count(t.added)} new, ${count(t.replaced)} replaced stored bars)`,
    `  duplicates merged:  ${count(t.duplicatesInFiles + t.replaced)} (${count(t.duplicatesInFiles)} repeated times within a file: the later line kept; ` +
      `${count(t.replaced)} already stored: the imported bar kept)`,
    `  bad rows:           ${count(t.badRowCount)}${t.badRowCount ? ' (not imported)' : ''}`,
    ...t.badRows.map((b) => `    ${b.file} line ${b.line}: ${b.reason}: ${JSON.stringify(b.text)}`),
    ...(t.badRowCount > t.badRows.length ? [`    ... and ${count(t.badRowCount - t.badRows.length)} more`] : []),
    ...(t.imported > 0 ? [`  first bar:          ${when(t.first)}`, `  last bar:           ${when(t.last)}`] : []),
    `  stored now:         ${symbol} ${timeframe}: ${count(range.count)} bars` +
      (range.first !== null && range.last !== null ? `, ${when(range.first)} to ${when(range.last)}` : ''),
    `  time taken:         ${seconds(Date.now() - started)}`,
  ];
  io.out(`${lines.join('\n')}\n`);
  if (t.unusable.length > 0) {
    io.err(`import: ${t.unusable.length} file(s) could not be imported:\n${t.unusable.map((u) => `  ${u}`).join('\n')}\n`);
    return 1;
  }
  return 0;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const io: CliIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    // npm runs scripts in the project folder; relative paths mean the folder the command was typed in.
    cwd: process.env.INIT_CWD ?? process.cwd(),
  };
  runImportCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`import failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
