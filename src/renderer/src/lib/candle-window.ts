/**
 * The chart's loaded window of candles: a bounded, sorted slice of a possibly huge history (years of M1).
 * The chart only ever holds this window; zooming or panning near its edges loads the next chunk, and the far side
 * is dropped so memory and setOption cost stay flat however far the user scrolls. Pure functions, tested alone.
 */

export interface CandleColumns {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

/** Overlay lines aligned with their own `time` column (same bars as the candles they were computed for). */
export interface OverlayColumns {
  time: number[];
  values: Record<string, (number | null)[]>;
}

export const CANDLE_KEYS = ['open', 'high', 'low', 'close', 'volume'] as const;

export function emptyCandles(): CandleColumns {
  return { time: [], open: [], high: [], low: [], close: [], volume: [] };
}

export function emptyOverlays(): OverlayColumns {
  return { time: [], values: {} };
}

/** First index whose time is ≥ t (binary search; `time` ascending). */
export function lowerBound(time: readonly number[], t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((time[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the bar containing instant t (the last bar opening at or before t), or -1 before the first bar. */
export function barIndexAt(time: readonly number[], t: number): number {
  const i = lowerBound(time, t);
  if (i < time.length && time[i] === t) return i;
  return i - 1;
}

type Columns = { time: number[] };
/** A named column of a columnar set (every column is an array as long as `time`). */
const col = (c: Columns, key: string) => (c as unknown as Record<string, unknown[]>)[key] as unknown[];

/**
 * Union of two sorted columnar sets by time; where both have a bar, `incoming` wins (it is the fresher read).
 * `keys` are the other columns to carry (arrays of the same length as `time`).
 */
function mergeByTime<C extends Columns>(loaded: C, incoming: C, keys: readonly string[], make: () => C): C {
  const a = loaded.time;
  const b = incoming.time;
  if (b.length === 0) return loaded;
  if (a.length === 0) return incoming;
  const out = make();
  const push = (src: C, i: number) => {
    out.time.push(src.time[i] as number);
    for (const k of keys) col(out, k).push(col(src, k)[i]);
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] as number) < (b[j] as number))) push(loaded, i++);
    else {
      if (i < a.length && a[i] === b[j]) i++;
      push(incoming, j++);
    }
  }
  return out;
}

export function mergeCandles(loaded: CandleColumns, incoming: CandleColumns): CandleColumns {
  return mergeByTime(loaded, incoming, CANDLE_KEYS, emptyCandles);
}

export function mergeOverlays(loaded: OverlayColumns, incoming: OverlayColumns): OverlayColumns {
  const keys = [...new Set([...Object.keys(loaded.values), ...Object.keys(incoming.values)])];
  // Flatten to columns so one merge handles every line; a line missing on one side is null there.
  const flat = (o: OverlayColumns): Columns => {
    const c: Record<string, unknown[]> = { time: o.time };
    for (const k of keys) c[`v:${k}`] = o.values[k] ?? o.time.map(() => null);
    return c as unknown as Columns;
  };
  const empty = (): Columns => flat({ time: [], values: Object.fromEntries(keys.map((k) => [k, []])) });
  const merged = mergeByTime(flat(loaded), flat(incoming), keys.map((k) => `v:${k}`), empty);
  return { time: merged.time, values: Object.fromEntries(keys.map((k) => [k, col(merged, `v:${k}`) as (number | null)[]])) };
}

/** Bars [from, to) of a columnar set. */
export function sliceCandles(c: CandleColumns, from: number, to: number): CandleColumns {
  return {
    time: c.time.slice(from, to), open: c.open.slice(from, to), high: c.high.slice(from, to),
    low: c.low.slice(from, to), close: c.close.slice(from, to), volume: c.volume.slice(from, to),
  };
}

export function sliceOverlaysByTime(o: OverlayColumns, fromTime: number, toTime: number): OverlayColumns {
  const a = lowerBound(o.time, fromTime);
  const b = lowerBound(o.time, toTime + 1);
  return { time: o.time.slice(a, b), values: Object.fromEntries(Object.entries(o.values).map(([k, v]) => [k, v.slice(a, b)])) };
}

export interface WindowLimits {
  /** Bars fetched per edge load. */
  chunk: number;
  /** Load more once the view is this close (bars) to an edge of the loaded window. */
  margin: number;
  /** Most bars kept loaded; the side farther from the view is dropped beyond it. */
  maxLoaded: number;
}

export const DEFAULT_LIMITS: WindowLimits = { chunk: 2_500, margin: 800, maxLoaded: 8_000 };

export interface LoadedState {
  time: readonly number[];
  /** Nothing older exists (an older load came back short). */
  atStart: boolean;
  /** The newest bar loaded is the feed's newest: the live poll appends from here. */
  atLiveEdge: boolean;
}

export type EdgeLoad =
  | { side: 'older'; to: number; limit: number }
  | { side: 'newer'; from: number; to: number; limit: number };

/**
 * What to fetch for a view (indices into the loaded bars), older edge first. `newer` is bounded by time
 * (chunk × bar length) because the server returns the last `limit` bars of a window: an open-ended request would
 * skip everything between the loaded edge and the newest bars.
 */
export function planEdgeLoad(state: LoadedState, view: { start: number; end: number }, timeframeMs: number, limits = DEFAULT_LIMITS): EdgeLoad | null {
  const n = state.time.length;
  if (n === 0) return null;
  if (view.start < limits.margin && !state.atStart) return { side: 'older', to: (state.time[0] as number) - 1, limit: limits.chunk };
  if (view.end > n - 1 - limits.margin && !state.atLiveEdge) {
    const last = state.time[n - 1] as number;
    return { side: 'newer', from: last + 1, to: last + limits.chunk * timeframeMs, limit: limits.chunk };
  }
  return null;
}

/** The [from, to) bar range to keep so no more than maxLoaded bars stay loaded, dropping what is farthest from the view. */
export function planTrim(count: number, view: { start: number; end: number }, maxLoaded: number): { from: number; to: number } | null {
  if (count <= maxLoaded) return null;
  const excess = count - maxLoaded;
  const roomLeft = view.start;
  const roomRight = count - 1 - view.end;
  // Take from each side in proportion to the room it has, never cutting into the view.
  const total = Math.max(1, roomLeft + roomRight);
  let dropLeft = Math.min(roomLeft, Math.round((excess * roomLeft) / total));
  let dropRight = Math.min(roomRight, excess - dropLeft);
  dropLeft = Math.min(roomLeft, excess - dropRight);
  if (dropLeft + dropRight <= 0) return null;
  return { from: dropLeft, to: count - dropRight };
}

/** Visible index range for a view given by times, clamped to the loaded bars. */
export function viewIndices(time: readonly number[], startTime: number, endTime: number): { start: number; end: number } {
  const n = time.length;
  if (n === 0) return { start: 0, end: 0 };
  const start = Math.min(n - 1, Math.max(0, lowerBound(time, startTime)));
  const end = Math.min(n - 1, Math.max(start, barIndexAt(time, endTime)));
  return { start, end };
}
