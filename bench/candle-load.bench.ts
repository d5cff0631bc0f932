import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCandles } from '../test/kit/candles';
import { allocateSeries, SeriesBuilder, sliceSeries, type CandleSeries } from '../src/core/domain/candles';
import { decodeChunkInto, encodeChunk } from '../src/adapters/persistence/sqlite/candle-chunk-codec';
import { createSqliteCandleStore, DEFAULT_CHUNK_BARS } from '../src/adapters/persistence/sqlite/candle-store';
import { DATABASE_FILE, openDatabase, type SqliteDatabase } from '../src/adapters/persistence/sqlite/database';
import type { Bench, Figure } from './run';

/**
 * Loading a million stored M1 candles: the candle store (chunked columnar BLOBs, compact lossless codec) side by side
 * with the plain alternative, one row per candle in a WITHOUT ROWID table read with better-sqlite3's raw iterator,
 * and with the same chunks stored as plain Float64 (what the compact codec saves). All in one database file, so the
 * page cache and disk are the same for each. Also: on-disk bytes per candle, writing the million, and "last 500 bars".
 */

const TARGET = 1_000_000;
const WEEK = 7 * 24 * 3600_000;

/** A million real XAUUSD M1 bars: the 2024 file repeated, each copy shifted by whole weeks so sessions still line up. */
function millionCandles(): CandleSeries {
  const file = loadCandles('XAUUSD_M1_2024-08_2024-10.csv');
  const span = Math.ceil((file.time[file.length - 1]! - file.time[0]! + 1) / WEEK) * WEEK;
  const out = new SeriesBuilder(TARGET);
  for (let copy = 0; out.length < TARGET; copy++) {
    for (let i = 0; i < file.length && out.length < TARGET; i++) {
      out.push(file.time[i]! + copy * span, file.open[i]!, file.high[i]!, file.low[i]!, file.close[i]!, file.volume[i]!);
    }
  }
  return out.build();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median wall time of `runs` calls after one warm-up call. */
function medianMs(runs: number, fn: () => unknown): number {
  fn();
  return median(Array.from({ length: runs }, () => timeOnce(fn)));
}

/**
 * Median time of each contender over `rounds` rounds, each round running all of them once in turn, so that drift in
 * the machine's load (a shared CI box) hits every contender alike.
 */
function interleavedMedians(rounds: number, contenders: Record<string, () => unknown>): Record<string, number> {
  const times: Record<string, number[]> = {};
  for (const [name, fn] of Object.entries(contenders)) {
    fn(); // warm-up
    times[name] = [];
  }
  for (let r = 0; r < rounds; r++) for (const [name, fn] of Object.entries(contenders)) times[name]!.push(timeOnce(fn));
  return Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, median(xs)]));
}

function timeOnce(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Bytes of pages (including overflow pages) a table and its indexes use. */
function tableBytes(db: SqliteDatabase, ...names: string[]): number {
  const row = db.prepare(`SELECT sum(pgsize) AS bytes FROM dbstat WHERE name IN (${names.map(() => '?').join(',')})`).get(...names) as { bytes: number };
  return row.bytes;
}

function rowTable(db: SqliteDatabase, s: CandleSeries) {
  db.exec(`CREATE TABLE bench_candle_rows (
    series_id INTEGER NOT NULL, time INTEGER NOT NULL, open REAL NOT NULL, high REAL NOT NULL, low REAL NOT NULL,
    close REAL NOT NULL, volume REAL NOT NULL, PRIMARY KEY (series_id, time)) WITHOUT ROWID`);
  const insert = db.prepare('INSERT INTO bench_candle_rows VALUES (1, ?, ?, ?, ?, ?, ?)');
  const writeMs = timeOnce(() =>
    db.transaction(() => {
      for (let i = 0; i < s.length; i++) insert.run(s.time[i], s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]);
    })(),
  );
  const count = db.prepare('SELECT count(*) FROM bench_candle_rows WHERE series_id = 1').pluck();
  const select = db.prepare('SELECT time, open, high, low, close, volume FROM bench_candle_rows WHERE series_id = 1 ORDER BY time').raw();
  const load = (): CandleSeries => {
    const out = allocateSeries(count.get() as number);
    let k = 0;
    for (const r of select.iterate() as IterableIterator<number[]>) {
      out.time[k] = r[0]!;
      out.open[k] = r[1]!;
      out.high[k] = r[2]!;
      out.low[k] = r[3]!;
      out.close[k] = r[4]!;
      out.volume[k] = r[5]!;
      k++;
    }
    return out;
  };
  return { writeMs, load, bytes: () => tableBytes(db, 'bench_candle_rows') };
}

/** The store's chunking, but every column as raw Float64: isolates what the compact codec buys. */
function float64Chunks(db: SqliteDatabase, s: CandleSeries, chunkSpanMs: number) {
  db.exec(`CREATE TABLE bench_f64_chunks (series_id INTEGER NOT NULL, chunk_start INTEGER NOT NULL, count INTEGER NOT NULL,
    data BLOB NOT NULL, PRIMARY KEY (series_id, chunk_start))`);
  const insert = db.prepare('INSERT INTO bench_f64_chunks VALUES (1, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < s.length; ) {
      const start = Math.floor(s.time[i]! / chunkSpanMs) * chunkSpanMs;
      let j = i;
      while (j < s.length && s.time[j]! < start + chunkSpanMs) j++;
      insert.run(start, j - i, encodeChunk(s, i, j, { compact: false }));
      i = j;
    }
  })();
  const select = db.prepare('SELECT count, data FROM bench_f64_chunks WHERE series_id = 1 ORDER BY chunk_start').raw();
  const load = (): CandleSeries => {
    const rows = select.all() as [number, Buffer][];
    const out = allocateSeries(rows.reduce((n, r) => n + r[0], 0));
    let pos = 0;
    for (const [n, blob] of rows) {
      decodeChunkInto(blob, out, pos);
      pos += n;
    }
    return out;
  };
  return { load, bytes: () => tableBytes(db, 'bench_f64_chunks', 'sqlite_autoindex_bench_f64_chunks_1') };
}

/**
 * Why DEFAULT_CHUNK_BARS: bigger chunks load a million bars a little faster, but a live bar rewrites its whole chunk.
 * Loads all bars and writes single bars (as a live feed does) for several chunk sizes.
 */
function chunkSizeTradeOff(db: SqliteDatabase, candles: CandleSeries): Figure {
  const loadMs: Record<string, number> = {};
  const appendUs: Record<string, number> = {};
  for (const chunkBars of [1024, DEFAULT_CHUNK_BARS, 16384]) {
    const store = createSqliteCandleStore(db, { chunkBars });
    const symbol = `CHUNK${chunkBars}`;
    store.write(symbol, '1M', candles);
    loadMs[chunkBars] = Number(medianMs(5, () => store.load(symbol, '1M')).toFixed(1));
    // Worst case of a live bar: it lands in a full chunk, which is decoded, merged, encoded and rewritten whole.
    const bar = sliceSeries(candles, candles.length >> 1, (candles.length >> 1) + 1);
    appendUs[chunkBars] = Math.round(medianMs(21, () => store.write(symbol, '1M', bar)) * 1000);
    store.delete(symbol, '1M');
  }
  return { bench: 'candles.chunk_bars', value: DEFAULT_CHUNK_BARS, unit: 'bars', load_1m_ms: loadMs, bar_into_full_chunk_us: appendUs };
}

function sameSeries(a: CandleSeries, b: CandleSeries): boolean {
  if (a.length !== b.length) return false;
  for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    if (!Buffer.from(a[f].buffer, a[f].byteOffset, a.length * 8).equals(Buffer.from(b[f].buffer, b[f].byteOffset, b.length * 8))) return false;
  }
  return true;
}

const bench: Bench = async (report) => {
  const dir = mkdtempSync(join(tmpdir(), 'echo-bench-candles-'));
  const db = openDatabase(join(dir, DATABASE_FILE));
  try {
    const candles = millionCandles();
    const store = createSqliteCandleStore(db);
    const storeWriteMs = timeOnce(() => store.write('XAUUSD', '1M', candles));
    const rows = rowTable(db, candles);
    const spanMs = db.prepare('SELECT chunk_span_ms FROM candle_series').pluck().get() as number;
    const f64 = float64Chunks(db, candles, spanMs);
    db.pragma('wal_checkpoint(TRUNCATE)');

    if (!sameSeries(store.load('XAUUSD', '1M'), candles) || !sameSeries(rows.load(), candles) || !sameSeries(f64.load(), candles)) {
      throw new Error('a layout did not load back the million candles exactly');
    }
    const m = interleavedMedians(5, { store: () => store.load('XAUUSD', '1M'), f64: f64.load, rows: rows.load });
    const [loadMs, f64Ms, rowMs] = [m.store!, m.f64!, m.rows!];
    const last500Ms = medianMs(51, () => store.load('XAUUSD', '1M', { limit: 500 }));

    const storeBytes = tableBytes(db, 'candle_chunks', 'sqlite_autoindex_candle_chunks_1') / candles.length;
    const rowBytes = rows.bytes() / candles.length;
    const f64Bytes = f64.bytes() / candles.length;
    const chunkRows = db.prepare('SELECT count(*) FROM candle_chunks').pluck().get() as number;
    const round = (x: number, d = 2) => Number(x.toFixed(d));

    report({
      bench: 'candles.load_1m',
      value: Math.round(candles.length / (loadMs / 1000)),
      unit: 'candles/s',
      ratio: { row_table: round(rowMs / loadMs), float64_chunks: round(f64Ms / loadMs) },
      candles: candles.length,
      chunk_rows: chunkRows,
    });
    report({
      bench: 'candles.load_1m_ms',
      value: round(loadMs, 1),
      unit: 'ms',
      ratio: { row_table: round(rowMs / loadMs) },
      row_table_ms: round(rowMs, 1),
      float64_chunks_ms: round(f64Ms, 1),
    });
    report({
      bench: 'candles.bytes_per_candle',
      value: round(storeBytes, 1),
      unit: 'B/candle',
      ratio: { row_table: round(rowBytes / storeBytes), float64_chunks: round(f64Bytes / storeBytes) },
      row_table: round(rowBytes, 1),
      float64_chunks: round(f64Bytes, 1),
    });
    report({
      bench: 'candles.write_1m_ms',
      value: round(storeWriteMs, 0),
      unit: 'ms',
      ratio: { row_table: round(rows.writeMs / storeWriteMs) },
      row_table_ms: round(rows.writeMs, 0),
    });
    report({ bench: 'candles.load_last_500', value: round(last500Ms * 1000, 0), unit: 'µs' });
    report(chunkSizeTradeOff(db, candles));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

export default bench;
