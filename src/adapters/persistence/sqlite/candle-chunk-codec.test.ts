import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateSeries, CANDLE_FIELDS, seriesFromCandles, type CandleSeries } from '../../../core/domain/candles';
import { decodeChunkInto, encodeChunk } from './candle-chunk-codec';

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

function roundTrip(s: CandleSeries): CandleSeries {
  const out = allocateSeries(s.length);
  decodeChunkInto(encodeChunk(s), out, 0);
  return out;
}

function expectIdentical(a: CandleSeries, b: CandleSeries) {
  for (const f of CANDLE_FIELDS) expect(bits(b[f]), f).toBe(bits(a[f]));
}

const bar = (time: number, open: number, high: number, low: number, close: number, volume: number) => ({ time, open, high, low, close, volume });

describe('candle chunk codec', () => {
  it('packs decimal prices and second-aligned times into 4 bytes each', () => {
    const s = seriesFromCandles([bar(1722543480000, 2441.14, 2441.29, 2440.93, 2441.05, 72), bar(1722543540000, 2441.07, 2441.1, 2440.4, 2440.44, 70)]);
    const blob = encodeChunk(s);
    expect(blob.length).toBe(8 + 6 * (16 + 8));
    expectIdentical(s, roundTrip(s));
  });

  it('falls back to Float64 for values with no short decimal form, huge volumes, -0 and millisecond times', () => {
    const s = seriesFromCandles([
      bar(1722543480001, 1 / 3, 1 / 3, 0.1 + 0.2, 1 / 3, 2012.25343589),
      bar(1722543480002, -0, 1e-300, -0, 0, 1e15),
    ]);
    expectIdentical(s, roundTrip(s));
  });

  it('round-trips any finite doubles bit-identically', () => {
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -1e6, max: 1e6 }).map((i) => i / 100));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), value, value, value, value, value), { minLength: 1, maxLength: 40 }), (rows) => {
        const s = seriesFromCandles(rows.map(([t, o, h, l, c, v]) => bar(t, o, h, l, c, v)));
        expectIdentical(s, roundTrip(s));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a row range into any position of a larger series', () => {
    const s = seriesFromCandles(Array.from({ length: 10 }, (_, i) => bar(1e12 + i * 60_000, 100 + i / 100, 101 + i, 99, 100.5, i)));
    const out = allocateSeries(5);
    decodeChunkInto(encodeChunk(s), out, 2, 4, 7);
    expect(Array.from(out.time.subarray(2))).toEqual([1e12 + 4 * 60_000, 1e12 + 5 * 60_000, 1e12 + 6 * 60_000]);
    expect(Array.from(out.open.subarray(2))).toEqual([100.04, 100.05, 100.06]);
    expect(Array.from(out.volume)).toEqual([0, 0, 4, 5, 6]);
  });

  it('decodes from a blob at an unaligned offset (SQLite buffers carry no alignment promise)', () => {
    const s = seriesFromCandles([bar(1e12, 1.23, 1.5, 1, 1.25, 7), bar(1e12 + 60_000, 1.24, 1.5, 1, 1.25, 8)]);
    const blob = encodeChunk(s);
    const shifted = Buffer.alloc(blob.length + 1);
    blob.copy(shifted, 1);
    const out = allocateSeries(2);
    decodeChunkInto(shifted.subarray(1), out, 0);
    expectIdentical(s, out);
  });
});
