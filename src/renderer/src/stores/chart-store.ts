import { create } from 'zustand';
import type { OutputOf } from '../../../shared/contract/index';
import { api } from '../api/client';
import {
  DEFAULT_LIMITS,
  emptyCandles,
  emptyOverlays,
  mergeCandles,
  mergeOverlays,
  planEdgeLoad,
  planTrim,
  sliceCandles,
  sliceOverlaysByTime,
  viewIndices,
  type CandleColumns,
  type OverlayColumns,
} from '../lib/candle-window';

/**
 * What the chart shows and the bounded window of bars it holds. Only the visible range plus a margin is ever
 * loaded from `market.candles` / `market.overlays`; zoom and pan load the next chunk (debounced) and drop the far
 * side, and a live poll appends new bars. While the view touches the newest bar it follows it; once the trader pans
 * away it stays where it was put.
 */

type Overlays = OutputOf<'market.overlays'>;
export type ChartMarker = Overlays['markers'][number];
export type ChartLevel = Overlays['levels'][number];
export type SeriesMeta = Omit<Overlays['series'][number], 'values'>;
export type Threshold = Overlays['thresholds'][number];

export interface ChartContext {
  symbol: string;
  timeframe: string;
  /** The task whose overlays and markers are drawn; null: the market alone. */
  taskId: number | null;
  /** A stopped task's chart ends at its last bar. */
  until: number | null;
  /** Chosen by the workspace, not the trader: it may be replaced when the session or its tasks change. */
  auto?: boolean;
}

const TIMEFRAME_MS: Record<string, number> = { '1M': 60_000, '5M': 300_000, '15M': 900_000, '1H': 3_600_000, '4H': 14_400_000, '1D': 86_400_000 };
const INITIAL_BARS = 1_500;
const TAIL_LIMIT = 20_000;
export const DEFAULT_SPAN = 160;
export const MIN_SPAN = 20;
/** Most bars on screen at once: beyond this candles are sub-pixel, and the window stays cheap to redraw. */
export const MAX_SPAN = 2_500;
const EDGE_DEBOUNCE_MS = 180;

interface ChartState {
  ctx: ChartContext | null;
  candles: CandleColumns;
  overlays: OverlayColumns;
  seriesMeta: SeriesMeta[];
  thresholds: Threshold[];
  markers: ChartMarker[];
  levels: ChartLevel[];
  source: string | null;
  simulated: boolean;
  atStart: boolean;
  atLiveEdge: boolean;
  follow: boolean;
  span: number;
  /** The time range the trader panned/zoomed to (when not following). */
  viewTimes: { start: number; end: number } | null;
  loading: boolean;
  error: string | null;

  show(ctx: ChartContext): void;
  pollTail(): Promise<void>;
  /** The chart reports a zoom/pan by the trader, as bar indices into the loaded window. */
  onUserView(start: number, end: number): void;
  followLatest(): void;
  /** Loads the bars around an instant and shows them (years back in one step, without panning there). */
  jumpTo(time: number): void;
}

/** The visible bar range now, as indices into the loaded candles. */
export function currentView(s: Pick<ChartState, 'candles' | 'follow' | 'span' | 'viewTimes'>): { start: number; end: number } {
  const n = s.candles.time.length;
  if (n === 0) return { start: 0, end: 0 };
  if (s.follow || !s.viewTimes) return { start: Math.max(0, n - s.span), end: n - 1 };
  return viewIndices(s.candles.time, s.viewTimes.start, s.viewTimes.end);
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const markerKey = (m: ChartMarker) => `${m.position_id}:${m.kind}`;
const sameCtx = (a: ChartContext | null, b: ChartContext) =>
  !!a && a.symbol === b.symbol && a.timeframe === b.timeframe && a.taskId === b.taskId && a.until === b.until;

function candlesOf(r: OutputOf<'market.candles'>): CandleColumns {
  return { time: r.time, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume };
}

function overlaysOf(r: Overlays): OverlayColumns {
  return { time: r.time, values: Object.fromEntries(r.series.map((s) => [s.key, s.values])) };
}

/** Bumped on every context change: answers for an older context are dropped. */
let generation = 0;
let tailBusy = false;
/**
 * A market-only chart of stored history asks up to "now"; the server ends every window at the symbol's market clock
 * (one clock per symbol: no chart shows bars a replay has not reached). Research shows whole stored ranges instead.
 */
let storedHistoryOnly = false;
let edgeBusy = false;
let edgeTimer: ReturnType<typeof setTimeout> | undefined;

export const useChartStore = create<ChartState>()((set, get) => {
  /** Candles then overlays for exactly the bars returned, so both align bar for bar. */
  async function fetchWindow(ctx: ChartContext, window: { from?: number; to?: number; limit: number }) {
    const to = ctx.until !== null ? Math.min(window.to ?? ctx.until, ctx.until) : (window.to ?? (storedHistoryOnly ? Date.now() : undefined));
    const candles = await api.market.candles({
      symbol: ctx.symbol,
      timeframe: ctx.timeframe,
      limit: window.limit,
      ...(window.from !== undefined ? { from: window.from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
    let overlays: Overlays | null = null;
    if (ctx.taskId !== null && candles.time.length > 0) {
      overlays = await api.market.overlays({
        task_id: ctx.taskId,
        from: candles.time[0] as number,
        to: candles.time[candles.time.length - 1] as number,
        limit: window.limit,
      });
    }
    return { candles, overlays };
  }

  function absorb(result: Awaited<ReturnType<typeof fetchWindow>>, replaceLevels: boolean) {
    const s = get();
    const candles = mergeCandles(s.candles, candlesOf(result.candles));
    const patch: Partial<ChartState> = { candles, source: result.candles.source, simulated: result.candles.simulated, error: null };
    const o = result.overlays;
    if (o) {
      patch.overlays = mergeOverlays(s.overlays, overlaysOf(o));
      patch.seriesMeta = o.series.map(({ key, label, pane }) => ({ key, label, pane }));
      patch.thresholds = o.thresholds;
      const byKey = new Map(s.markers.map((m) => [markerKey(m), m]));
      for (const m of o.markers) byKey.set(markerKey(m), m);
      patch.markers = [...byKey.values()].sort((a, b) => a.time - b.time);
      if (replaceLevels) patch.levels = o.levels;
    }
    set(patch);
  }

  /** Keeps at most maxLoaded bars, dropping the side farther from the view; the dropped side is no longer "complete". */
  function trim() {
    const s = get();
    const n = s.candles.time.length;
    const cut = planTrim(n, currentView(s), DEFAULT_LIMITS.maxLoaded);
    if (!cut) return;
    const candles = sliceCandles(s.candles, cut.from, cut.to);
    const first = candles.time[0] as number;
    const last = candles.time[candles.time.length - 1] as number;
    set({
      candles,
      overlays: sliceOverlaysByTime(s.overlays, first, last),
      markers: s.markers.filter((m) => m.time >= first && m.time <= last + (TIMEFRAME_MS[s.ctx?.timeframe ?? '1M'] ?? 60_000)),
      atStart: s.atStart && cut.from === 0,
      atLiveEdge: s.atLiveEdge && cut.to === n,
    });
  }

  async function loadEdges(): Promise<void> {
    const ctx = get().ctx;
    if (!ctx || edgeBusy) return;
    const gen = generation;
    edgeBusy = true;
    try {
      // A few rounds at most: each loads one chunk on the side the view is near.
      for (let round = 0; round < 4; round++) {
        const s = get();
        const tf = TIMEFRAME_MS[ctx.timeframe] ?? 60_000;
        const plan = planEdgeLoad({ time: s.candles.time, atStart: s.atStart, atLiveEdge: s.atLiveEdge }, currentView(s), tf);
        if (!plan) return;
        if (plan.side === 'older') {
          const result = await fetchWindow(ctx, { to: plan.to, limit: plan.limit });
          if (gen !== generation) return;
          absorb(result, false);
          if (result.candles.time.length < plan.limit) set({ atStart: true });
        } else {
          // Data may have gaps longer than a chunk (a missing month): widen the window a few times before deciding
          // the newest bar is reached.
          let found = false;
          for (let k = 0; k < 6 && !found; k++) {
            const to = plan.from + (plan.to - plan.from) * 2 ** k;
            const result = await fetchWindow(ctx, { from: plan.from, to, limit: plan.limit * 2 ** k > TAIL_LIMIT ? TAIL_LIMIT : plan.limit * 2 ** k });
            if (gen !== generation) return;
            if (result.candles.time.length > 0) {
              absorb(result, true);
              found = true;
            }
          }
          if (!found) set({ atLiveEdge: true });
        }
        trim();
      }
    } catch (error) {
      if (gen === generation) set({ error: messageOf(error) });
    } finally {
      edgeBusy = false;
    }
  }

  async function loadLatest(ctx: ChartContext) {
    const gen = generation;
    set({ loading: true });
    try {
      let result = await fetchWindow(ctx, { limit: INITIAL_BARS });
      if (gen !== generation) return;
      if (ctx.taskId === null && ctx.until === null && result.candles.source === 'replay' && !storedHistoryOnly) {
        storedHistoryOnly = true;
        result = await fetchWindow(ctx, { limit: INITIAL_BARS });
        if (gen !== generation) return;
      }
      set({ candles: emptyCandles(), overlays: emptyOverlays(), markers: [] });
      absorb(result, true);
      set({ atStart: result.candles.time.length < INITIAL_BARS, atLiveEdge: true, follow: true, viewTimes: null, loading: false });
    } catch (error) {
      if (gen === generation) set({ loading: false, error: messageOf(error) });
    }
  }

  return {
    ctx: null,
    candles: emptyCandles(),
    overlays: emptyOverlays(),
    seriesMeta: [],
    thresholds: [],
    markers: [],
    levels: [],
    source: null,
    simulated: false,
    atStart: false,
    atLiveEdge: true,
    follow: true,
    span: DEFAULT_SPAN,
    viewTimes: null,
    loading: false,
    error: null,

    show(ctx) {
      if (sameCtx(get().ctx, ctx)) {
        if (!ctx.auto && get().ctx?.auto) set({ ctx });
        return;
      }
      generation++;
      tailBusy = false;
      edgeBusy = false;
      storedHistoryOnly = false;
      const keepMeta = get().ctx?.taskId === ctx.taskId && ctx.taskId !== null;
      set({
        ctx,
        candles: emptyCandles(),
        overlays: emptyOverlays(),
        markers: [],
        levels: [],
        ...(keepMeta ? {} : { seriesMeta: [], thresholds: [] }),
        atStart: false,
        atLiveEdge: true,
        follow: true,
        viewTimes: null,
        error: null,
      });
      void loadLatest(ctx);
    },

    async pollTail() {
      const s = get();
      const ctx = s.ctx;
      if (!ctx || s.loading || tailBusy || !s.atLiveEdge || ctx.until !== null) return;
      const last = s.candles.time[s.candles.time.length - 1];
      if (last === undefined) return void loadLatest(ctx);
      const gen = generation;
      tailBusy = true;
      try {
        // From the last loaded bar (inclusive): it comes back too, harmlessly, and proves continuity.
        const result = await fetchWindow(ctx, { from: last, limit: TAIL_LIMIT });
        if (gen !== generation) return;
        if (result.candles.time.length >= TAIL_LIMIT) return void loadLatest(ctx); // fell too far behind: start over
        const newest = result.candles.time[result.candles.time.length - 1];
        if (newest === undefined || newest === last) return;
        absorb(result, true);
        trim();
      } catch (error) {
        if (gen === generation) set({ error: messageOf(error) });
      } finally {
        tailBusy = false;
      }
    },

    onUserView(start, end) {
      const s = get();
      const n = s.candles.time.length;
      if (n === 0) return;
      const a = Math.max(0, Math.min(start, n - 1));
      const b = Math.max(a, Math.min(end, n - 1));
      const follow = s.atLiveEdge && b >= n - 2;
      set({
        follow,
        span: Math.max(MIN_SPAN, Math.min(MAX_SPAN, b - a + 1)),
        viewTimes: { start: s.candles.time[a] as number, end: s.candles.time[b] as number },
      });
      if (edgeTimer) clearTimeout(edgeTimer);
      edgeTimer = setTimeout(() => void loadEdges(), EDGE_DEBOUNCE_MS);
    },

    jumpTo(time) {
      const s = get();
      const ctx = s.ctx;
      if (!ctx) return;
      generation++;
      const gen = generation;
      const tf = TIMEFRAME_MS[ctx.timeframe] ?? 60_000;
      const half = Math.round(s.span / 2);
      set({ loading: true, follow: false });
      void (async () => {
        try {
          const result = await fetchWindow(ctx, { to: time + INITIAL_BARS * tf * 0.5, limit: INITIAL_BARS });
          if (gen !== generation) return;
          set({ candles: emptyCandles(), overlays: emptyOverlays(), markers: [] });
          absorb(result, false);
          set({
            atStart: result.candles.time.length < INITIAL_BARS,
            atLiveEdge: false,
            follow: false,
            viewTimes: { start: time - half * tf, end: time + half * tf },
            loading: false,
          });
          void loadEdges();
        } catch (error) {
          if (gen === generation) set({ loading: false, error: messageOf(error) });
        }
      })();
    },

    followLatest() {
      const s = get();
      if (!s.ctx) return;
      if (s.atLiveEdge) set({ follow: true, viewTimes: null });
      else {
        generation++;
        void loadLatest(s.ctx);
      }
    },
  };
});
