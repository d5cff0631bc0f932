import { describe, expect, it } from 'vitest';
import {
  barIndexAt,
  emptyCandles,
  mergeCandles,
  mergeOverlays,
  planEdgeLoad,
  planTrim,
  sliceCandles,
  viewIndices,
  type CandleColumns,
} from './candle-window';

const M = 60_000;
function bars(fromMinute: number, count: number, tag = 0): CandleColumns {
  const c = emptyCandles();
  for (let i = 0; i < count; i++) {
    const t = (fromMinute + i) * M;
    c.time.push(t);
    c.open.push(i + tag);
    c.high.push(i + tag + 1);
    c.low.push(i + tag - 1);
    c.close.push(i + tag + 0.5);
    c.volume.push(tag);
  }
  return c;
}

describe('candle window', () => {
  it('merges chunks on either side and lets the fresher read win where they overlap', () => {
    const loaded = bars(100, 10);
    const older = bars(90, 10, 7);
    const merged = mergeCandles(loaded, older);
    expect(merged.time).toEqual([...older.time, ...loaded.time]);
    const tail = bars(108, 5, 9); // overlaps the last two loaded bars
    const appended = mergeCandles(merged, tail);
    expect(appended.time.length).toBe(23);
    expect(appended.volume.slice(-5)).toEqual([9, 9, 9, 9, 9]);
    expect(appended.time).toEqual([...appended.time].sort((a, b) => a - b));
    expect(mergeCandles(loaded, emptyCandles())).toBe(loaded);
  });

  it('merges overlay lines by time, filling a line one side lacks with null', () => {
    const a = { time: [1, 2, 3], values: { z: [0.1, 0.2, 0.3] } };
    const b = { time: [3, 4], values: { z: [0.35, 0.4], hi: [5, 6] } };
    expect(mergeOverlays(a, b)).toEqual({ time: [1, 2, 3, 4], values: { z: [0.1, 0.2, 0.35, 0.4], hi: [null, null, 5, 6] } });
  });

  it('finds the bar that contains an instant', () => {
    const time = [0, 60, 120, 240];
    expect(barIndexAt(time, -1)).toBe(-1);
    expect(barIndexAt(time, 0)).toBe(0);
    expect(barIndexAt(time, 90)).toBe(1);
    expect(barIndexAt(time, 200)).toBe(2); // a gap: still the last bar that opened before
    expect(barIndexAt(time, 999)).toBe(3);
    expect(viewIndices(time, 60, 200)).toEqual({ start: 1, end: 2 });
  });

  it('loads older bars near the left edge, newer ones (time-bounded) near the right edge unless live', () => {
    const time = bars(0, 5000).time;
    const limits = { chunk: 1000, margin: 100, maxLoaded: 8000 };
    expect(planEdgeLoad({ time, atStart: false, atLiveEdge: true }, { start: 50, end: 300 }, M, limits)).toEqual({ side: 'older', to: -1, limit: 1000 });
    expect(planEdgeLoad({ time, atStart: true, atLiveEdge: true }, { start: 50, end: 300 }, M, limits)).toBeNull();
    expect(planEdgeLoad({ time, atStart: true, atLiveEdge: true }, { start: 4700, end: 4999 }, M, limits)).toBeNull();
    expect(planEdgeLoad({ time, atStart: true, atLiveEdge: false }, { start: 4700, end: 4950 }, M, limits)).toEqual({
      side: 'newer', from: 4999 * M + 1, to: 4999 * M + 1000 * M, limit: 1000,
    });
    expect(planEdgeLoad({ time, atStart: false, atLiveEdge: false }, { start: 2000, end: 2500 }, M, limits)).toBeNull();
  });

  it('trims the side farther from the view and never the view itself', () => {
    expect(planTrim(9000, { start: 100, end: 200 }, 8000)).toEqual({ from: 11, to: 8011 });
    expect(planTrim(9000, { start: 8800, end: 8900 }, 8000)).toEqual({ from: 989, to: 8989 });
    expect(planTrim(7000, { start: 0, end: 10 }, 8000)).toBeNull();
    const t = planTrim(20_000, { start: 5000, end: 6000 }, 12_000);
    expect(t && t.to - t.from).toBe(12_000);
    expect(t && t.from <= 5000 && t.to > 6000).toBe(true);
    const cut = sliceCandles(bars(0, 10), 2, 5);
    expect(cut.time).toEqual([2 * M, 3 * M, 4 * M]);
  });
});
