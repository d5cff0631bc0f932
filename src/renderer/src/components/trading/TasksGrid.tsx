import { useMemo, useState } from 'react';
import { digitsFor, formatPnl, formatPrice, formatUtc, pnlClass } from '../../lib/trading-format';
import { useChartStore } from '../../stores/chart-store';
import { useTradingStore, type TaskView } from '../../stores/trading-store';
import { DataGrid, type Column } from './DataGrid';
import { FeedBadge } from './FeedBadge';
import { StopTaskDialog } from './StopTaskDialog';
import { showTaskOnChart } from '../../stores/chart-context';

export const ACTIVE = new Set(['running', 'paused', 'running (not resumed yet)']);

export function StatusBadge({ status }: { status: string }) {
  const tone = status.startsWith('running') ? 'low' : status === 'paused' ? 'medium' : status === 'failed' ? 'high' : 'neutral';
  return <span className={`badge ${tone}`}>{status.toUpperCase()}</span>;
}

/** The session's trading tasks with live figures; a row shows its task on the chart; Stop asks first. */
export function TasksGrid() {
  const tasks = useTradingStore((s) => s.tasks);
  const digits = useTradingStore((s) => s.digits);
  const selectedTask = useChartStore((s) => s.ctx?.taskId ?? null);
  const [stopping, setStopping] = useState<TaskView | null>(null);

  const columns = useMemo<Column<TaskView>[]>(
    () => [
      { key: 'id', title: '#', width: '36px', align: 'right', sortValue: (t) => t.task_id, render: (t) => t.task_id },
      { key: 'pair', title: 'Pair', width: '72px', sortValue: (t) => t.pair, render: (t) => <strong>{t.pair}</strong> },
      { key: 'tf', title: 'TF', width: '46px', sortValue: (t) => t.timeframe, render: (t) => t.timeframe },
      { key: 'strategy', title: 'Strategy', width: 'minmax(86px, 1fr)', sortValue: (t) => t.strategy_name, render: (t) => t.strategy_name },
      { key: 'status', title: 'Status', width: '82px', sortValue: (t) => t.status, render: (t) => <span title={t.status_reason ?? undefined}><StatusBadge status={t.status} /></span> },
      { key: 'feed', title: 'Feed', width: '78px', sortValue: (t) => t.feed_source, render: (t) => <FeedBadge source={t.feed_source} compact /> },
      { key: 'pos', title: 'Pos', width: '40px', align: 'right', help: 'Open positions', sortValue: (t) => t.open_positions, render: (t) => t.open_positions },
      {
        key: 'floating', title: 'Floating', width: '76px', align: 'right', help: 'Floating P&L of the open positions at the last price (USD)',
        sortValue: (t) => t.floating_pnl, render: (t) => formatPnl(t.floating_pnl), cellClass: (t) => pnlClass(t.floating_pnl),
      },
      {
        key: 'realized', title: 'Realized', width: '80px', align: 'right', help: 'Realized P&L of closed trades, net of commission (USD)',
        sortValue: (t) => t.realized_pnl, render: (t) => formatPnl(t.realized_pnl), cellClass: (t) => pnlClass(t.realized_pnl),
      },
      { key: 'trades', title: 'Trades', width: '50px', align: 'right', sortValue: (t) => t.trades, render: (t) => t.trades },
      {
        key: 'last', title: 'Last', width: '76px', align: 'right', sortValue: (t) => t.last_price,
        render: (t) => formatPrice(t.last_price, digitsFor(t.pair, digits)),
      },
      { key: 'bar', title: 'Last bar (UTC)', width: '118px', sortValue: (t) => t.last_bar_time, render: (t) => <span className="dim">{formatUtc(t.last_bar_time, false)}</span> },
      {
        key: 'stop', title: '', width: '58px', align: 'center', cellClass: () => 'action',
        render: (t) =>
          ACTIVE.has(t.status) ? (
            <button
              type="button"
              className="btn danger tiny"
              data-testid={`task-stop-${t.task_id}`}
              title={`Stop ${t.pair} ${t.timeframe} ${t.strategy_name}`}
              onClick={(e) => {
                e.stopPropagation();
                setStopping(t);
              }}
            >
              Stop
            </button>
          ) : null,
      },
    ],
    [digits],
  );

  return (
    <>
      <DataGrid
        rows={tasks}
        columns={columns}
        rowKey={(t) => String(t.task_id)}
        rowTestId={(t) => `task-row-${t.task_id}`}
        rowClass={(t) => (ACTIVE.has(t.status) ? undefined : 'inactive')}
        testId="tasks-grid"
        selectedKey={selectedTask !== null ? String(selectedTask) : null}
        onRowClick={showTaskOnChart}
        emptyText={
          <>
            <strong>No tasks in this session</strong>Start one with the form on the right: pair, timeframe, strategy and its parameters.
          </>
        }
      />
      {stopping && <StopTaskDialog task={stopping} onClose={() => setStopping(null)} />}
    </>
  );
}
