import { endianness } from 'node:os';
import { CANDLE_FIELDS, type CandleSeries } from '../../../core/domain/candles';

/**
 * Binary layout of one stored chunk of candles: six columns, each packed as the narrowest LOSSLESS encoding.
 *
 *   header   u8 version=1, u8 columns=6, u16 0, u32 count
 *   6 ×      u8 kind, u8 decimals, u16 0, u32 unit, f64 base     (16 bytes per column: time, open, high, low, close, volume)
 *            then the column's data, zero-padded to a multiple of 8 bytes
 *
 *   kind 0  Float64:        v = f64[i]
 *   kind 1  scaled decimal: v = i32[i] / 10^decimals       prices written with ≤ `decimals` decimals, e.g. 2441.14 → 244114 / 10^2
 *   kind 2  integer offset: v = base + i32[i] * unit       times: base = first bar, unit = 1000 when all are whole seconds
 *
 * Why kind 1 is exact: parsing "2441.14" yields the double nearest to 2441.14; 244114 / 100 is an IEEE division of
 * two exact integers, correctly rounded to that same nearest double. The encoder still verifies every value decodes
 * bit-identically and falls back to Float64 for the column when one does not (or when a value does not fit in 32 bits),
 * so the codec can never change a number. Half the bytes of Float64 (24 B/candle instead of 48) for MT5/exchange data.
 *
 * Little-endian only (x64, arm64); checked at load so a big-endian host fails loudly instead of reading garbage.
 */

if (endianness() !== 'LE') throw new Error('The candle store needs a little-endian CPU');

const VERSION = 1;
const HEADER_BYTES = 8;
const COLUMN_HEADER_BYTES = 16;
const KIND_F64 = 0;
const KIND_DECIMAL = 1;
const KIND_OFFSET = 2;
const MAX_DECIMALS = 12;
const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => 10 ** d);
const I32_MIN = -0x80000000;
const I32_MAX = 0x7fffffff;

interface ColumnPlan {
  kind: number;
  decimals: number;
  unit: number;
  base: number;
  /** Encoded values when kind is 1 or 2. */
  ints?: Int32Array;
}

const pad8 = (n: number) => (n + 7) & ~7;
const dataBytes = (plan: ColumnPlan, count: number) => pad8(count * (plan.kind === KIND_F64 ? 8 : 4));

function planDecimal(values: Float64Array): ColumnPlan | undefined {
  let d = 0;
  let scale = 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || Object.is(v, -0)) return undefined;
    while (Math.round(v * scale) / scale !== v) {
      if (++d > MAX_DECIMALS) return undefined;
      scale = POW10[d]!;
    }
  }
  const ints = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const q = Math.round(v * scale);
    if (q < I32_MIN || q > I32_MAX || q / scale !== v) return undefined;
    ints[i] = q;
  }
  return { kind: KIND_DECIMAL, decimals: d, unit: 0, base: 0, ints };
}

function planOffset(values: Float64Array): ColumnPlan | undefined {
  if (values.length === 0) return undefined;
  const base = values[0]!;
  let unit = 1000;
  for (let i = 0; i < values.length; i++) {
    const delta = values[i]! - base;
    if (!Number.isSafeInteger(delta)) return undefined;
    if (delta % unit !== 0) unit = 1;
  }
  const ints = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const q = (v - base) / unit;
    if (q < I32_MIN || q > I32_MAX || base + q * unit !== v) return undefined;
    ints[i] = q;
  }
  return { kind: KIND_OFFSET, decimals: 0, unit, base, ints };
}

const F64_PLAN: ColumnPlan = { kind: KIND_F64, decimals: 0, unit: 0, base: 0 };

export interface EncodeOptions {
  /** false: store every column as Float64 (only to measure the alternative in bench/candle-load.bench.ts). */
  compact?: boolean;
}

/** Packs rows [from, to) of a sorted series into one chunk blob. */
export function encodeChunk(series: CandleSeries, from = 0, to = series.length, options: EncodeOptions = {}): Buffer {
  const count = to - from;
  const columns = CANDLE_FIELDS.map((field) => series[field].subarray(from, to));
  const compact = options.compact ?? true;
  const plans = columns.map((values, c) =>
    compact ? ((c === 0 ? planOffset(values) : planDecimal(values)) ?? F64_PLAN) : F64_PLAN,
  );
  const size = HEADER_BYTES + plans.reduce((sum, p) => sum + COLUMN_HEADER_BYTES + dataBytes(p, count), 0);
  const buffer = new ArrayBuffer(size);
  const view = new DataView(buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, columns.length);
  view.setUint32(4, count, true);
  let off = HEADER_BYTES;
  plans.forEach((plan, c) => {
    view.setUint8(off, plan.kind);
    view.setUint8(off + 1, plan.decimals);
    view.setUint32(off + 4, plan.unit, true);
    view.setFloat64(off + 8, plan.base, true);
    off += COLUMN_HEADER_BYTES;
    if (plan.kind === KIND_F64) new Float64Array(buffer, off, count).set(columns[c]!);
    else new Int32Array(buffer, off, count).set(plan.ints!);
    off += dataBytes(plan, count);
  });
  return Buffer.from(buffer);
}

export function chunkCount(blob: Uint8Array): number {
  return new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(4, true);
}

/** A typed view when the bytes happen to be aligned (no copy), else an aligned copy. */
function int32s(blob: Uint8Array, off: number, n: number): Int32Array {
  const at = blob.byteOffset + off;
  if (at % 4 === 0) return new Int32Array(blob.buffer, at, n);
  const copy = new Int32Array(n);
  new Uint8Array(copy.buffer).set(blob.subarray(off, off + n * 4));
  return copy;
}

/**
 * Decodes rows [lo, hi) of a chunk into `out` starting at `outPos`. Only the requested rows of each column are
 * touched, so boundary chunks of a range query cost no more than their overlap.
 */
export function decodeChunkInto(blob: Uint8Array, out: CandleSeries, outPos: number, lo = 0, hi = chunkCount(blob)): void {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (view.getUint8(0) !== VERSION) throw new Error(`Unknown candle chunk version ${view.getUint8(0)}`);
  const count = view.getUint32(4, true);
  const n = hi - lo;
  let off = HEADER_BYTES;
  for (const field of CANDLE_FIELDS) {
    const kind = view.getUint8(off);
    const decimals = view.getUint8(off + 1);
    const unit = view.getUint32(off + 4, true);
    const base = view.getFloat64(off + 8, true);
    off += COLUMN_HEADER_BYTES;
    const target = out[field];
    if (kind === KIND_F64) {
      // Byte copy (memcpy) into the Float64Array: no alignment needed on the source.
      new Uint8Array(target.buffer, target.byteOffset + outPos * 8, n * 8).set(blob.subarray(off + lo * 8, off + hi * 8));
      off += pad8(count * 8);
      continue;
    }
    const ints = int32s(blob, off + lo * 4, n);
    if (kind === KIND_DECIMAL) {
      const scale = POW10[decimals]!;
      if (decimals === 0) for (let i = 0; i < n; i++) target[outPos + i] = ints[i]!;
      else for (let i = 0; i < n; i++) target[outPos + i] = ints[i]! / scale;
    } else if (kind === KIND_OFFSET) {
      for (let i = 0; i < n; i++) target[outPos + i] = base + ints[i]! * unit;
    } else {
      throw new Error(`Unknown candle column encoding ${kind}`);
    }
    off += pad8(count * 4);
  }
}
