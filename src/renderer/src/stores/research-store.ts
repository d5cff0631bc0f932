import { create } from 'zustand';
import { isDomainError, type InputOf, type OutputOf } from '../../../shared/contract/index';
import { api } from '../api/client';
import { emptyCandles, type CandleColumns } from '../lib/candle-window';
import type { StrategySpec } from '../lib/param-form';
import type { BacktestView } from '../lib/research-stats';
import type { ActionOutcome } from './portfolio-store';

/**
 * The Research workspace's state: the strategy catalogue, past backtests, the selected run (polled while it is
 * PENDING/RUNNING so the progress bar moves), its price candles, the two runs picked for comparison, and the
 * Monte Carlo / walk-forward jobs started from the selected run. Every call goes through the typed client.
 */

export type BacktestListItem = OutputOf<'backtest.list'>['results'][number];
export type MonteCarloView = OutputOf<'montecarlo.get'>;
export type WalkForwardView = OutputOf<'walkforward.get'>;
export type ResultTab = 'overview' | 'trades' | 'chart' | 'walkforward' | 'montecarlo' | 'compare';

const FINAL = new Set(['COMPLETED', 'FAILED']);
export const isFinal = (status: string) => FINAL.has(status);

/** Most bars the price chart loads for a run (the candles route's own limit). */
const CHART_BARS = 20_000;

interface ResearchState {
  strategies: StrategySpec[];
  catalogError: string | null;
  runs: BacktestListItem[];
  runsCount: number;
  listError: string | null;
  selectedId: number | null;
  selected: BacktestView | null;
  tab: ResultTab;
  candles: CandleColumns;
  candlesFor: string | null;
  candlesError: string | null;
  focusTradeId: number | null;
  compareIds: number[];
  compared: BacktestView[];
  monteCarlo: MonteCarloView | null;
  walkForward: WalkForwardView | null;

  loadCatalog(): Promise<void>;
  refreshRuns(): Promise<void>;
  submit(input: InputOf<'backtest.create'>): Promise<ActionOutcome>;
  select(id: number | null): Promise<void>;
  setTab(tab: ResultTab): void;
  focusTrade(tradeId: number | null): void;
  cancel(id: number): Promise<ActionOutcome>;
  remove(id: number): Promise<ActionOutcome>;
  toggleCompare(id: number): Promise<void>;
  loadCandles(view: BacktestView, symbol: string): Promise<void>;
  runMonteCarlo(input: InputOf<'montecarlo.create'>): Promise<ActionOutcome>;
  runWalkForward(input: InputOf<'walkforward.create'>): Promise<ActionOutcome>;
  poll(): Promise<void>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const refusal = (error: unknown): ActionOutcome => ({ ok: false, code: isDomainError(error) ? error.code : 'UNKNOWN', message: messageOf(error) });

export const useResearchStore = create<ResearchState>()((set, get) => ({
  strategies: [],
  catalogError: null,
  runs: [],
  runsCount: 0,
  listError: null,
  selectedId: null,
  selected: null,
  tab: 'overview',
  candles: emptyCandles(),
  candlesFor: null,
  candlesError: null,
  focusTradeId: null,
  compareIds: [],
  compared: [],
  monteCarlo: null,
  walkForward: null,

  async loadCatalog() {
    try {
      const { strategies } = await api.trading.availableStrategies({});
      set({ strategies, catalogError: null });
    } catch (error) {
      set({ catalogError: messageOf(error) });
    }
  },

  async refreshRuns() {
    try {
      const page = await api.backtest.list({ page_size: 50, ordering: '-created_at' });
      set({ runs: page.results, runsCount: page.count, listError: null });
    } catch (error) {
      set({ listError: messageOf(error) });
    }
  },

  async submit(input) {
    try {
      const view = await api.backtest.create(input);
      set({ selectedId: view.id, selected: view, tab: 'overview', monteCarlo: null, walkForward: null, focusTradeId: null });
      void get().refreshRuns();
      const notes = view.warnings;
      return { ok: true, message: `Backtest #${view.id} queued`, notes };
    } catch (error) {
      return refusal(error);
    }
  },

  async select(id) {
    // Opening a run from the list leaves the comparison for that run's own results.
    if (get().tab === 'compare') set({ tab: 'overview' });
    if (id === get().selectedId && get().selected) return;
    set({ selectedId: id, selected: null, monteCarlo: null, walkForward: null, focusTradeId: null });
    if (id === null) return;
    try {
      const view = await api.backtest.get({ id });
      if (get().selectedId === id) set({ selected: view });
    } catch (error) {
      set({ listError: messageOf(error) });
    }
  },

  setTab: (tab) => set({ tab }),
  focusTrade: (focusTradeId) => set({ focusTradeId, ...(focusTradeId !== null ? { tab: 'chart' as const } : {}) }),

  async cancel(id) {
    try {
      const view = await api.backtest.cancel({ id });
      if (get().selectedId === id) set({ selected: view });
      void get().refreshRuns();
      return { ok: true, message: `Backtest #${id} cancelled`, notes: [] };
    } catch (error) {
      return refusal(error);
    }
  },

  async remove(id) {
    try {
      await api.backtest.delete({ id });
      set((s) => ({
        ...(s.selectedId === id ? { selectedId: null, selected: null } : {}),
        compareIds: s.compareIds.filter((x) => x !== id),
        compared: s.compared.filter((v) => v.id !== id),
      }));
      void get().refreshRuns();
      return { ok: true, message: `Backtest #${id} deleted`, notes: [] };
    } catch (error) {
      return refusal(error);
    }
  },

  async toggleCompare(id) {
    const { compareIds } = get();
    // Two runs side by side: picking a third replaces the older pick.
    const next = compareIds.includes(id) ? compareIds.filter((x) => x !== id) : [...compareIds, id].slice(-2);
    set({ compareIds: next, compared: get().compared.filter((v) => next.includes(v.id)) });
    const missing = next.filter((x) => !get().compared.some((v) => v.id === x));
    try {
      const views = await Promise.all(missing.map((x) => api.backtest.get({ id: x })));
      set((s) => ({ compared: next.map((x) => s.compared.find((v) => v.id === x) ?? views.find((v) => v.id === x)).filter((v): v is BacktestView => !!v) }));
    } catch (error) {
      set({ listError: messageOf(error) });
    }
  },

  async loadCandles(view, symbol) {
    const key = `${view.id}:${symbol}`;
    if (get().candlesFor === key) return;
    set({ candlesFor: key, candles: emptyCandles(), candlesError: null });
    try {
      const c = await api.market.candles({
        symbol,
        timeframe: view.timeframe,
        from: Date.parse(view.start_date),
        to: Date.parse(view.end_date),
        limit: CHART_BARS,
        // The run's whole range from the stored history (aggregated to the run's timeframe), wherever a replay is.
        range: 'stored',
      });
      if (get().candlesFor !== key) return;
      set({
        candles: { time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume },
        candlesError: c.time.length ? null : `No ${symbol} ${view.timeframe} candles to draw for this run: ${c.note ?? 'none are stored in its range'}`,
      });
    } catch (error) {
      if (get().candlesFor === key) set({ candlesError: messageOf(error) });
    }
  },

  async runMonteCarlo(input) {
    try {
      const view = await api.montecarlo.create(input);
      set({ monteCarlo: view });
      return { ok: true, message: `Monte Carlo #${view.id} queued`, notes: [] };
    } catch (error) {
      return refusal(error);
    }
  },

  async runWalkForward(input) {
    try {
      const view = await api.walkforward.create(input);
      set({ walkForward: view });
      return { ok: true, message: `Walk-forward #${view.id} queued`, notes: view.warnings };
    } catch (error) {
      return refusal(error);
    }
  },

  async poll() {
    const { selected, monteCarlo, walkForward } = get();
    try {
      // Only unfinished jobs are asked for: a finished run never changes.
      if (selected && !isFinal(selected.status)) {
        const view = await api.backtest.get({ id: selected.id });
        if (get().selectedId === view.id) set({ selected: view });
        if (isFinal(view.status)) void get().refreshRuns();
      }
      if (monteCarlo && !isFinal(monteCarlo.status)) {
        const view = await api.montecarlo.get({ id: monteCarlo.id });
        if (get().monteCarlo?.id === view.id) set({ monteCarlo: view });
      }
      if (walkForward && !isFinal(walkForward.status)) {
        const view = await api.walkforward.get({ id: walkForward.id });
        if (get().walkForward?.id === view.id) set({ walkForward: view });
      }
    } catch (error) {
      set({ listError: messageOf(error) });
    }
  },
}));
