import { create } from 'zustand';
import { isDomainError, procedures, type InputOf, type OutputOf, type ProcedureName } from '../../../shared/contract/index';
import type { DomainEventMessage } from '../../../shared/contract/events';
import { api } from '../api/client';
import { reconcileRows } from '../lib/grid-model';
import type { StrategySpec } from '../lib/param-form';
import type { ActionOutcome } from './portfolio-store';

/**
 * Sessions, the instrument/strategy catalogue and the live views of the selected session (tasks, positions, the
 * order journal, trades, engine events), kept fresh by a ~1 s poll while the Trading workspace is on screen.
 * Each poll reuses unchanged row objects, so the grids update in place.
 */

export type SessionView = OutputOf<'session.active'>['sessions'][number];
export type TaskView = OutputOf<'trading.tasks'>['tasks'][number];
export type PositionView = OutputOf<'trading.positions'>['positions'][number];
export type OrderView = OutputOf<'trading.orders'>['orders'][number];
export type TradeView = OutputOf<'trading.trades'>['trades'][number];
export type EventView = OutputOf<'trading.events'>['events'][number];
export type PairInfo = OutputOf<'trading.availablePairs'>['pairs'][number];
export type TimeframeInfo = OutputOf<'trading.availableTimeframes'>['timeframes'][number];

export type LiveTab = 'tasks' | 'positions' | 'orders' | 'trades' | 'events';

/** Journal/trade/event rows fetched per poll (newest first on the server). */
const LIST_LIMIT = 500;

interface TradingState {
  catalogLoaded: boolean;
  catalogError: string | null;
  pairs: PairInfo[];
  groups: Record<string, string[]>;
  timeframes: TimeframeInfo[];
  strategies: StrategySpec[];
  digits: Record<string, number>;

  sessions: SessionView[];
  sessionsLoaded: boolean;
  sessionId: string | null;

  tasks: TaskView[];
  maxTasks: number | null;
  positions: PositionView[];
  floatingPnl: number;
  orders: OrderView[];
  trades: TradeView[];
  events: EventView[];
  tab: LiveTab;
  lastPollAt: number | null;
  pollError: string | null;
  feedSpeed: number | null;

  loadCatalog(): Promise<void>;
  refreshSessions(): Promise<void>;
  selectSession(sessionId: string | null): void;
  createSession(userId: string): Promise<ActionOutcome>;
  startTask(input: InputOf<'trading.start'>): Promise<ActionOutcome & { task?: TaskView }>;
  stopTask(task: TaskView, closePositions: boolean): Promise<ActionOutcome>;
  setTab(tab: LiveTab): void;
  poll(): Promise<void>;
  /**
   * Shows at once what an event says about the order journal (a new order, a fill), before the refetch that follows
   * confirms it: the fill reaches the grid without waiting for a round trip.
   */
  applyEvent(event: DomainEventMessage): void;
  setFeedSpeed(barsPerSecond?: number): Promise<void>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const refusal = (error: unknown): ActionOutcome => ({ ok: false, code: isDomainError(error) ? error.code : 'UNKNOWN', message: messageOf(error) });
const sentence = <N extends ProcedureName>(name: N, output: OutputOf<N>) => (procedures[name].message as (o: OutputOf<N>) => string)(output);

/**
 * Orders, trades and events are listed per task on the server (no session filter): ask per task while the session
 * has few, so other sessions' rows never crowd ours out of the limit; else once for all and filter.
 */
const PER_TASK_UP_TO = 8;
async function perTask<T>(ids: number[], one: (taskId: number) => Promise<T[]>, all: () => Promise<T[]>): Promise<T[]> {
  if (ids.length === 0) return [];
  if (ids.length > PER_TASK_UP_TO) return all();
  return (await Promise.all(ids.map(one))).flat();
}
const newestFirst = <R,>(at: (row: R) => string) => (a: R, b: R) => at(b).localeCompare(at(a));

let polling = false;
/** Drops answers for a session that is no longer selected. */
let pollGeneration = 0;
/**
 * Order rows shown from events ahead of the server's answer: a refetch that began before the event must not take them
 * back. Each is dropped once the server's row has caught up (same status, or final).
 */
const eventRows = new Map<string, OrderView>();
const FINAL_ORDER = new Set(['filled', 'rejected', 'cancelled']);

function withEventRows(server: OrderView[]): OrderView[] {
  if (eventRows.size === 0) return server;
  const rows = server.map((o) => {
    const shown = eventRows.get(o.client_order_id);
    if (!shown) return o;
    if (o.status === shown.status || FINAL_ORDER.has(o.status)) {
      eventRows.delete(o.client_order_id);
      return o;
    }
    return shown;
  });
  const listed = new Set(server.map((o) => o.client_order_id));
  return [...[...eventRows.values()].filter((o) => !listed.has(o.client_order_id)), ...rows];
}

export const useTradingStore = create<TradingState>()((set, get) => ({
  catalogLoaded: false,
  catalogError: null,
  pairs: [],
  groups: {},
  timeframes: [],
  strategies: [],
  digits: {},
  sessions: [],
  sessionsLoaded: false,
  sessionId: null,
  tasks: [],
  maxTasks: null,
  positions: [],
  floatingPnl: 0,
  orders: [],
  trades: [],
  events: [],
  tab: 'tasks',
  lastPollAt: null,
  pollError: null,
  feedSpeed: null,

  async loadCatalog() {
    try {
      const [pairs, timeframes, strategies, feed] = await Promise.all([
        api.trading.availablePairs({}),
        api.trading.availableTimeframes({}),
        api.trading.availableStrategies({}),
        api.market.feedSettings({}),
      ]);
      set({
        pairs: pairs.pairs,
        groups: pairs.groups,
        digits: Object.fromEntries(pairs.pairs.map((p) => [p.symbol, p.digits])),
        timeframes: timeframes.timeframes,
        strategies: strategies.strategies,
        feedSpeed: feed.bars_per_second,
        catalogLoaded: true,
        catalogError: null,
      });
    } catch (error) {
      set({ catalogLoaded: true, catalogError: messageOf(error) });
    }
  },

  async refreshSessions() {
    try {
      const { sessions } = await api.session.active({});
      set({ sessions, sessionsLoaded: true });
      const current = get().sessionId;
      if (current === null || !sessions.some((s) => s.session_id === current)) {
        // Most recently created first: the session a trader just made is the one they want.
        const newest = [...sessions].sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
        get().selectSession(newest?.session_id ?? null);
      }
    } catch (error) {
      set({ sessionsLoaded: true, pollError: messageOf(error) });
    }
  },

  selectSession(sessionId) {
    if (sessionId === get().sessionId) return;
    pollGeneration++;
    eventRows.clear();
    set({ sessionId, tasks: [], positions: [], orders: [], trades: [], events: [], floatingPnl: 0, lastPollAt: null });
    if (sessionId) void get().poll();
  },

  async createSession(userId) {
    try {
      const session = await api.session.create({ user_id: userId });
      await get().refreshSessions();
      get().selectSession(session.session_id);
      return { ok: true, message: sentence('session.create', session), notes: [] };
    } catch (error) {
      return refusal(error);
    }
  },

  async startTask(input) {
    try {
      const started = await api.trading.start(input);
      await Promise.all([get().poll(), get().refreshSessions()]);
      return { ok: true, message: sentence('trading.start', started), notes: [...started.warnings, ...started.reconciled], task: started.task };
    } catch (error) {
      return refusal(error);
    }
  },

  async stopTask(task, closePositions) {
    try {
      const stopped = await api.trading.stop({
        session_id: task.session_id,
        pair: task.pair,
        timeframe: task.timeframe,
        strategy_name: task.strategy_name,
        close_positions: closePositions,
      });
      await get().poll();
      return { ok: true, message: sentence('trading.stop', stopped), notes: [] };
    } catch (error) {
      return refusal(error);
    }
  },

  setTab(tab) {
    set({ tab });
    void get().poll();
  },

  applyEvent(event) {
    const data = event.data ?? {};
    const id = typeof data.clientOrderId === 'string' ? data.clientOrderId : undefined;
    if (!id || event.task_id === null || !get().tasks.some((t) => t.task_id === event.task_id)) return;
    const orders = get().orders;
    const at = orders.findIndex((o) => o.client_order_id === id);
    if (event.type === 'OrderSubmitted' && at === -1) {
      const { side, lots, symbol, kind, reason } = data;
      if (typeof side !== 'string' || typeof lots !== 'number' || typeof symbol !== 'string') return;
      const row: OrderView = {
        client_order_id: id, task_id: event.task_id, symbol, side, lots, kind: kind === 'close' ? 'close' : 'open', status: 'submitted',
        reason: typeof reason === 'string' ? reason : '', decided_at: event.time, fill_price: null, filled_at: null, take_profit: null, stop_loss: null, error: null,
      };
      eventRows.set(id, row);
      set({ orders: [row, ...orders] });
    } else if (event.type === 'OrderFilled' && at !== -1 && typeof data.price === 'number') {
      const order = orders[at] as OrderView;
      const next = orders.slice();
      next[at] = { ...order, status: 'filled', fill_price: data.price, filled_at: typeof data.time === 'number' ? new Date(data.time).toISOString() : order.filled_at };
      eventRows.set(id, next[at] as OrderView);
      set({ orders: next });
    }
  },

  async poll() {
    const sessionId = get().sessionId;
    if (!sessionId || polling) return;
    polling = true;
    const generation = pollGeneration;
    try {
      const tab = get().tab;
      const [tasks, positions] = await Promise.all([
        api.trading.tasks({ session_id: sessionId, include_stopped: 'true' }),
        api.trading.positions({ session_id: sessionId }),
      ]);
      const ids = tasks.tasks.map((t) => t.task_id);
      const [orders, trades, events] = await Promise.all([
        tab === 'orders' ? perTask(ids, (task_id) => api.trading.orders({ task_id, limit: LIST_LIMIT }).then((r) => r.orders), () => api.trading.orders({ limit: LIST_LIMIT }).then((r) => r.orders)) : undefined,
        tab === 'trades' ? perTask(ids, (task_id) => api.trading.trades({ task_id, limit: LIST_LIMIT }).then((r) => r.trades), () => api.trading.trades({ limit: LIST_LIMIT }).then((r) => r.trades)) : undefined,
        tab === 'events' ? perTask(ids, (task_id) => api.trading.events({ task_id, limit: LIST_LIMIT }).then((r) => r.events), () => api.trading.events({ limit: LIST_LIMIT }).then((r) => r.events)) : undefined,
      ]);
      if (generation !== pollGeneration) return;
      // With the all-tasks query, keep this session's rows only.
      const ours = new Set(tasks.tasks.map((t) => t.task_id));
      const s = get();
      set({
        tasks: reconcileRows(s.tasks, [...tasks.tasks].sort((a, b) => b.task_id - a.task_id), (t) => String(t.task_id)),
        maxTasks: tasks.max_tasks,
        positions: reconcileRows(s.positions, positions.positions, (p) => p.position_id),
        floatingPnl: positions.floating_pnl,
        ...(orders ? { orders: reconcileRows(s.orders, withEventRows(orders.filter((o) => ours.has(o.task_id))).sort(newestFirst((o) => o.decided_at)), (o) => o.client_order_id) } : {}),
        ...(trades ? { trades: reconcileRows(s.trades, trades.filter((t) => ours.has(t.task_id)).sort(newestFirst((t) => t.exit_time)), (t) => t.position_id) } : {}),
        ...(events ? { events: reconcileRows(s.events, events.filter((e) => e.task_id !== null && ours.has(e.task_id)).sort((a, b) => b.id - a.id), (e) => String(e.id)) } : {}),
        lastPollAt: Date.now(),
        pollError: null,
      });
    } catch (error) {
      if (generation === pollGeneration) set({ pollError: messageOf(error) });
    } finally {
      polling = false;
    }
  },

  async setFeedSpeed(barsPerSecond) {
    try {
      const feed = await api.market.feedSettings(barsPerSecond === undefined ? {} : { bars_per_second: barsPerSecond });
      set({ feedSpeed: feed.bars_per_second });
    } catch (error) {
      set({ pollError: messageOf(error) });
    }
  },
}));
