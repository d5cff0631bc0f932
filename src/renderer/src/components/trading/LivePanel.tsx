import { formatPnl, pnlClass } from '../../lib/trading-format';
import { useTradingStore, type LiveTab } from '../../stores/trading-store';
import { EventsGrid, OrdersGrid, PositionsGrid, TradesGrid } from './LiveGrids';
import { ACTIVE, TasksGrid } from './TasksGrid';

const TABS: readonly { id: LiveTab; label: string }[] = [
  { id: 'tasks', label: 'Tasks' },
  { id: 'positions', label: 'Positions' },
  { id: 'orders', label: 'Orders' },
  { id: 'trades', label: 'Trades' },
  { id: 'events', label: 'Journal' },
];

/** Tasks, positions, order journal, trades and engine events of the session, one tab at a time (only it is polled). */
export function LivePanel() {
  const tab = useTradingStore((s) => s.tab);
  const setTab = useTradingStore((s) => s.setTab);
  const positions = useTradingStore((s) => s.positions.length);
  const floating = useTradingStore((s) => s.floatingPnl);
  const trades = useTradingStore((s) => s.tasks.reduce((n, t) => n + t.trades, 0));
  const realized = useTradingStore((s) => s.tasks.reduce((n, t) => n + t.realized_pnl, 0));
  const tasks = useTradingStore((s) => s.tasks.filter((t) => ACTIVE.has(t.status)).length);
  const maxTasks = useTradingStore((s) => s.maxTasks);
  const counts: Partial<Record<LiveTab, number>> = { tasks, positions, trades };

  return (
    <section className="panel trade-live" data-testid="live-panel">
      <div className="live-tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            className="live-tab"
            aria-selected={tab === t.id}
            data-testid={`live-tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {counts[t.id] !== undefined && <span className="count">{counts[t.id]}</span>}
          </button>
        ))}
        <span className="live-totals">
          {maxTasks !== null && <span className="dim">{tasks} of {maxTasks} tasks running</span>}
          <span>
            Floating <b className={pnlClass(floating)} data-testid="total-floating">{formatPnl(floating)}</b>
          </span>
          <span>
            Realized <b className={pnlClass(realized)} data-testid="total-realized">{formatPnl(realized)}</b>
          </span>
        </span>
      </div>
      <div className="live-body" role="tabpanel">
        {tab === 'tasks' && <TasksGrid />}
        {tab === 'positions' && <PositionsGrid />}
        {tab === 'orders' && <OrdersGrid />}
        {tab === 'trades' && <TradesGrid />}
        {tab === 'events' && <EventsGrid />}
      </div>
    </section>
  );
}
