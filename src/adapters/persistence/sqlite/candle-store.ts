import {
  allocateSeries,
  CANDLE_FIELDS,
  emptySeries,
  isTimeframe,
  lowerBound,
  mergeSeries,
  normalizeSymbol,
  seriesProblem,
  sliceSeries,
  sortAndDedupe,
  TIMEFRAME_MS,
  upperBound,
  type CandleSeries,
  type Timeframe,
} from '../../../core/domain/candles';
import type {
  CandleQuery,
  CandleRange,
  CandleStore,
  CandleWriteResult,
  StoredSeries,
} from '../../../core/ports/candle-store';
import { chunkCount, decodeChunkInto, encodeChunk } from './candle-chunk-codec';
import type { SqliteDatabase } from './database';

/**
 * Bars per chunk bucket: a chunk spans this many × the timeframe (M1: 2.8 days, H1: 170 days, D1: 11 years).
 * Measured (bench/candle-load.bench.ts, "candles.chunk_bars"): 1024, 4096 and 16384 load a million bars about equally
 * fast (1024 a little slower), but a live bar rewrites its whole chunk: ~0.13 / 0.45 / 1.4 ms for a full chunk.
 * 4096 keeps both small; a million M1 bars are ~400 rows. Stored per series, so changing it needs no migration.
 */
export const DEFAULT_CHUNK_BARS = 4096;

export interface SqliteCandleStoreOptions {
  /** For tests and benchmarks; applies to series created from now on. */
  chunkBars?: number;
}

interface SeriesRow { id: number; chunk_span_ms: number }
interface ChunkRow { chunk_start: number; first_time: number; last_time: number; count: number; data: Buffer }
interface RangeRow { first: number | null; last: number | null; count: number | null }

/** A slice [lo, hi) of one chunk, decoded either straight from the blob or from an already decoded copy. */
interface Piece { blob: Buffer; lo: number; hi: number; decoded?: CandleSeries }

function checkKey(symbol: string, timeframe: Timeframe): string {
  const s = normalizeSymbol(symbol);
  if (!s) throw new Error(`Invalid symbol "${symbol}": use letters, digits and . _ / - such as "XAUUSD" or "BTC/USDT"`);
  if (!isTimeframe(timeframe)) throw new Error(`Unknown timeframe "${String(timeframe)}"`);
  return s;
}

function decodeWhole(blob: Buffer): CandleSeries {
  const s = allocateSeries(chunkCount(blob));
  decodeChunkInto(blob, s, 0);
  return s;
}

export function createSqliteCandleStore(db: SqliteDatabase, options: SqliteCandleStoreOptions = {}): CandleStore {
  const chunkBars = options.chunkBars ?? DEFAULT_CHUNK_BARS;
  const q = {
    series: db.prepare<[string, string], SeriesRow>('SELECT id, chunk_span_ms FROM candle_series WHERE symbol = ? AND timeframe = ?'),
    insertSeries: db.prepare<[string, string, number], SeriesRow>(
      'INSERT INTO candle_series (symbol, timeframe, chunk_span_ms) VALUES (?, ?, ?) RETURNING id, chunk_span_ms',
    ),
    chunk: db.prepare<[number, number], ChunkRow>(
      'SELECT chunk_start, first_time, last_time, count, data FROM candle_chunks WHERE series_id = ? AND chunk_start = ?',
    ),
    upsertChunk: db.prepare<[number, number, number, number, number, Buffer]>(
      `INSERT INTO candle_chunks (series_id, chunk_start, first_time, last_time, count, data) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (series_id, chunk_start) DO UPDATE SET
         first_time = excluded.first_time, last_time = excluded.last_time, count = excluded.count, data = excluded.data`,
    ),
    chunksAsc: db.prepare<[number, number, number], ChunkRow>(
      `SELECT chunk_start, first_time, last_time, count, data FROM candle_chunks
       WHERE series_id = ? AND chunk_start >= ? AND chunk_start <= ? ORDER BY chunk_start`,
    ),
    chunksDesc: db.prepare<[number, number, number], ChunkRow>(
      `SELECT chunk_start, first_time, last_time, count, data FROM candle_chunks
       WHERE series_id = ? AND chunk_start >= ? AND chunk_start <= ? ORDER BY chunk_start DESC`,
    ),
    range: db.prepare<[number], RangeRow>(
      'SELECT min(first_time) AS first, max(last_time) AS last, sum(count) AS count FROM candle_chunks WHERE series_id = ?',
    ),
    list: db.prepare<[], StoredSeries>(
      `SELECT s.symbol, s.timeframe, min(c.first_time) AS first, max(c.last_time) AS last, sum(c.count) AS count
       FROM candle_series s JOIN candle_chunks c ON c.series_id = s.id
       GROUP BY s.id ORDER BY s.symbol, s.timeframe`,
    ),
    deleteChunks: db.prepare<[number]>('DELETE FROM candle_chunks WHERE series_id = ?'),
    deleteSeries: db.prepare<[number]>('DELETE FROM candle_series WHERE id = ?'),
  };

  const findSeries = (symbol: string, timeframe: Timeframe) => q.series.get(symbol, timeframe);

  const write = db.transaction((symbol: string, timeframe: Timeframe, input: CandleSeries): CandleWriteResult => {
    const series =
      findSeries(symbol, timeframe) ?? q.insertSeries.get(symbol, timeframe, chunkBars * TIMEFRAME_MS[timeframe])!;
    const span = series.chunk_span_ms;
    const { series: bars, duplicates } = sortAndDedupe(input);
    let replaced = 0;
    // Bars are sorted, so each bucket is one contiguous run [i, j).
    for (let i = 0; i < bars.length; ) {
      const start = Math.floor(bars.time[i]! / span) * span;
      let j = i + 1;
      while (j < bars.length && bars.time[j]! < start + span) j++;
      let merged = i === 0 && j === bars.length ? bars : sliceSeries(bars, i, j);
      const stored = q.chunk.get(series.id, start);
      if (stored) {
        const m = mergeSeries(decodeWhole(stored.data), merged);
        merged = m.series;
        replaced += m.replaced;
      }
      q.upsertChunk.run(series.id, start, merged.time[0]!, merged.time[merged.length - 1]!, merged.length, encodeChunk(merged));
      i = j;
    }
    return { written: bars.length, added: bars.length - replaced, replaced, duplicatesInInput: duplicates };
  });

  function load(symbol: string, timeframe: Timeframe, query: CandleQuery = {}): CandleSeries {
    const series = findSeries(checkKey(symbol, timeframe), timeframe);
    if ([query.from, query.to, query.limit].some((x) => x !== undefined && Number.isNaN(x))) {
      throw new Error('Candle query bounds must be numbers (epoch ms) and limit a count');
    }
    const from = query.from ?? -Infinity;
    const to = query.to ?? Infinity;
    const limit = Math.floor(query.limit ?? Infinity);
    if (!series || from > to || limit <= 0) return emptySeries();
    const span = series.chunk_span_ms;
    // Chunk keys bound the scan through the primary-key index; SQLite compares ±Infinity correctly.
    const lowKey = Number.isFinite(from) ? Math.floor(from / span) * span : -Infinity;
    const newestFirst = query.limit !== undefined && !(query.from !== undefined && query.to === undefined);
    const rows = (newestFirst ? q.chunksDesc : q.chunksAsc).iterate(series.id, lowKey, to);

    const pieces: Piece[] = [];
    let total = 0;
    for (const row of rows) {
      let piece: Piece = { blob: row.data, lo: 0, hi: row.count };
      if (row.first_time < from || row.last_time > to) {
        const decoded = decodeWhole(row.data);
        piece = { blob: row.data, decoded, lo: lowerBound(decoded, from), hi: upperBound(decoded, to) };
        if (piece.hi <= piece.lo) continue;
      }
      const room = limit - total;
      if (piece.hi - piece.lo > room) {
        if (newestFirst) piece.lo = piece.hi - room;
        else piece.hi = piece.lo + room;
      }
      pieces.push(piece);
      total += piece.hi - piece.lo;
      if (total >= limit) break;
    }
    if (newestFirst) pieces.reverse();

    const out = allocateSeries(total);
    let pos = 0;
    for (const p of pieces) {
      const n = p.hi - p.lo;
      if (p.decoded) {
        for (const f of CANDLE_FIELDS) out[f].set(p.decoded[f].subarray(p.lo, p.hi), pos);
      } else {
        decodeChunkInto(p.blob, out, pos, p.lo, p.hi);
      }
      pos += n;
    }
    return out;
  }

  return {
    write(symbol, timeframe, input) {
      const key = checkKey(symbol, timeframe);
      const problem = seriesProblem(input);
      if (problem) throw new Error(`Candle ${problem.index} (time ${input.time[problem.index]}) is invalid: ${problem.reason}`);
      if (input.length === 0) return { written: 0, added: 0, replaced: 0, duplicatesInInput: 0 };
      return write(key, timeframe, input);
    },

    load,

    range(symbol, timeframe): CandleRange {
      const series = findSeries(checkKey(symbol, timeframe), timeframe);
      const r = series ? q.range.get(series.id) : undefined;
      return { first: r?.first ?? null, last: r?.last ?? null, count: r?.count ?? 0 };
    },

    list() {
      return q.list.all();
    },

    delete: db.transaction((symbol: string, timeframe: Timeframe): number => {
      const series = findSeries(checkKey(symbol, timeframe), timeframe);
      if (!series) return 0;
      const removed = q.range.get(series.id)?.count ?? 0;
      q.deleteChunks.run(series.id);
      q.deleteSeries.run(series.id);
      return removed;
    }),
  };
}
