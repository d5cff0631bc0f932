import { useCallback, useMemo, useState } from 'react';
import { closeManually, type ManualOutcome } from '../../stores/manual-orders';
import { digitsFor, formatLots, formatPnl, formatPrice, formatUtc, pnlClass } from '../../lib/trading-format';
import { useTradingStore, type EventView, type OrderView, type PositionView, type TradeView } from '../../stores/trading-store';
import { DataGrid, type Column } from './DataGrid';

/** Column sets of the positions, order journal, trades and events grids. */

const formatCount = (n: number) => n.toLocaleString('en-US');

const side = (s: string) => <span className={s === 'BUY' ? 'side buy' : 'side sell'}>{s}</span>;

function useDigits() {
  const digits = useTradingStore((s) => s.digits);
  return useCallback((symbol: string) => digitsFor(symbol, digits), [digits]);
}

export function PositionsGrid() {
  const rows = useTradingStore((s) => s.positions);
  const d = useDigits();
  const [closing, setClosing] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ManualOutcome | null>(null);
  const close = useCallback(async (p: PositionView) => {
    setClosing(p.position_id);
    setOutcome(await closeManually(p.position_id));
    setClosing(null);
  }, []);
  const columns = useMemo<Column<PositionView>[]>(
    () => [
      { key: 'id', title: 'Position', width: '150px', sortValue: (p) => p.position_id, render: (p) => <span className="mono">{p.position_id}</span> },
      { key: 'task', title: 'Task', width: '44px', align: 'right', sortValue: (p) => p.task_id, render: (p) => p.task_id },
      { key: 'symbol', title: 'Symbol', width: '72px', sortValue: (p) => p.symbol, render: (p) => <strong>{p.symbol}</strong> },
      { key: 'side', title: 'Side', width: '48px', sortValue: (p) => p.side, render: (p) => side(p.side) },
      { key: 'lots', title: 'Lots', width: '52px', align: 'right', sortValue: (p) => p.lots, render: (p) => formatLots(p.lots) },
      { key: 'entry', title: 'Entry', width: '82px', align: 'right', sortValue: (p) => p.entry_price, render: (p) => formatPrice(p.entry_price, d(p.symbol)) },
      { key: 'price', title: 'Price', width: '82px', align: 'right', sortValue: (p) => p.current_price, render: (p) => formatPrice(p.current_price, d(p.symbol)) },
      { key: 'tp', title: 'TP', width: '82px', align: 'right', sortValue: (p) => p.take_profit, render: (p) => formatPrice(p.take_profit, d(p.symbol)), cellClass: () => 'tp' },
      { key: 'sl', title: 'SL', width: '82px', align: 'right', sortValue: (p) => p.stop_loss, render: (p) => formatPrice(p.stop_loss, d(p.symbol)), cellClass: () => 'sl' },
      {
        key: 'pnl', title: 'Floating P&L', width: '92px', align: 'right', help: 'At the last price, net of entry commission (USD)',
        sortValue: (p) => p.floating_pnl, render: (p) => formatPnl(p.floating_pnl), cellClass: (p) => `strong ${pnlClass(p.floating_pnl)}`,
      },
      { key: 'time', title: 'Opened (UTC)', width: 'minmax(132px, 1fr)', sortValue: (p) => p.entry_time, render: (p) => <span className="dim">{formatUtc(p.entry_time)}</span> },
      {
        key: 'close', title: '', width: '62px', align: 'center', cellClass: () => 'action',
        render: (p) => (
          <button
            type="button"
            className="btn tiny"
            disabled={closing !== null}
            data-testid={`position-close-${p.position_id}`}
            title={`Close ${p.side} ${p.lots} ${p.symbol} at market (a journaled close order through task ${p.task_id})`}
            onClick={(e) => {
              e.stopPropagation();
              void close(p);
            }}
          >
            {closing === p.position_id ? 'Closing…' : 'Close'}
          </button>
        ),
      },
    ],
    [d, closing, close],
  );
  return (
    <>
      <DataGrid
        rows={rows}
        columns={columns}
        rowKey={(p) => p.position_id}
        rowTestId={(p) => `position-row-${p.position_id}`}
        testId="positions-grid"
        initialSort={{ key: 'time', direction: 'desc' }}
        emptyText={<><strong>No open positions</strong>Positions of this session’s tasks appear here as they fill.</>}
      />
      {outcome && (
        <div className={`grid-foot ${outcome.ok ? '' : 'warn'}`} role={outcome.ok ? 'status' : 'alert'} data-testid="position-close-feedback" data-state={outcome.ok ? 'success' : 'error'}>
          {outcome.ok ? outcome.message : `${outcome.code}: ${outcome.message}`}
        </div>
      )}
    </>
  );
}

export function OrdersGrid() {
  const rows = useTradingStore((s) => s.orders);
  const d = useDigits();
  const columns = useMemo<Column<OrderView>[]>(
    () => [
      { key: 'time', title: 'Decided (UTC)', width: '132px', sortValue: (o) => o.decided_at, render: (o) => <span className="dim">{formatUtc(o.decided_at)}</span> },
      { key: 'id', title: 'Client order id', width: '150px', sortValue: (o) => o.client_order_id, render: (o) => <span className="mono">{o.client_order_id}</span> },
      { key: 'task', title: 'Task', width: '44px', align: 'right', sortValue: (o) => o.task_id, render: (o) => o.task_id },
      { key: 'symbol', title: 'Symbol', width: '70px', sortValue: (o) => o.symbol, render: (o) => o.symbol },
      { key: 'side', title: 'Side', width: '46px', sortValue: (o) => o.side, render: (o) => side(o.side) },
      { key: 'kind', title: 'Kind', width: '48px', sortValue: (o) => o.kind, render: (o) => <span className="dim">{o.kind}</span> },
      { key: 'lots', title: 'Lots', width: '50px', align: 'right', sortValue: (o) => o.lots, render: (o) => formatLots(o.lots) },
      {
        key: 'status', title: 'Status', width: '72px', sortValue: (o) => o.status,
        render: (o) => <span className={`ostatus ${o.status}`} title={o.error ?? undefined}>{o.status}</span>,
      },
      { key: 'fill', title: 'Fill', width: '80px', align: 'right', sortValue: (o) => o.fill_price, render: (o) => formatPrice(o.fill_price, d(o.symbol)) },
      { key: 'reason', title: 'Reason', width: 'minmax(140px, 1.4fr)', sortValue: (o) => o.error ?? o.reason, render: (o) => <span className={o.error ? 'warn' : 'dim'} title={o.error ?? o.reason}>{o.error ?? o.reason}</span> },
    ],
    [d],
  );
  return (
    <DataGrid
      rows={rows}
      columns={columns}
      rowKey={(o) => o.client_order_id}
      testId="orders-grid"
      emptyText={<><strong>The order journal is empty</strong>Every order intent is written here, with its client order id, before it is sent.</>}
    />
  );
}

export function TradesGrid() {
  const rows = useTradingStore((s) => s.trades);
  const d = useDigits();
  // The totals are the database's, over every trade of the session's tasks (the same figures as the header), not a
  // sum of the rows fetched: the list is capped at the newest few hundred per task.
  const count = useTradingStore((s) => s.tasks.reduce((n, t) => n + t.trades, 0));
  const net = useTradingStore((s) => s.tasks.reduce((n, t) => n + t.realized_pnl, 0));
  const columns = useMemo<Column<TradeView>[]>(
    () => [
      { key: 'exit_time', title: 'Closed (UTC)', width: '132px', sortValue: (t) => t.exit_time, render: (t) => <span className="dim">{formatUtc(t.exit_time)}</span> },
      { key: 'task', title: 'Task', width: '44px', align: 'right', sortValue: (t) => t.task_id, render: (t) => t.task_id },
      { key: 'symbol', title: 'Symbol', width: '70px', sortValue: (t) => t.symbol, render: (t) => <strong>{t.symbol}</strong> },
      { key: 'side', title: 'Side', width: '46px', sortValue: (t) => t.side, render: (t) => side(t.side) },
      { key: 'lots', title: 'Lots', width: '50px', align: 'right', sortValue: (t) => t.lots, render: (t) => formatLots(t.lots) },
      { key: 'entry', title: 'Entry', width: '80px', align: 'right', sortValue: (t) => t.entry_price, render: (t) => formatPrice(t.entry_price, d(t.symbol)) },
      { key: 'exit', title: 'Exit', width: '80px', align: 'right', sortValue: (t) => t.exit_price, render: (t) => formatPrice(t.exit_price, d(t.symbol)) },
      { key: 'reason', title: 'Reason', width: '110px', sortValue: (t) => t.exit_reason, render: (t) => <span className={`reason ${t.exit_reason}`}>{t.exit_reason.replace(/_/g, ' ')}</span> },
      { key: 'comm', title: 'Comm.', width: '60px', align: 'right', sortValue: (t) => t.commission, render: (t) => <span className="dim">{t.commission.toFixed(2)}</span> },
      { key: 'pnl', title: 'P&L', width: '84px', align: 'right', help: 'Net of commissions (USD)', sortValue: (t) => t.pnl, render: (t) => formatPnl(t.pnl), cellClass: (t) => `strong ${pnlClass(t.pnl)}` },
      { key: 'entry_time', title: 'Opened (UTC)', width: 'minmax(132px, 1fr)', sortValue: (t) => t.entry_time, render: (t) => <span className="dim">{formatUtc(t.entry_time)}</span> },
    ],
    [d],
  );
  return (
    <>
      <DataGrid
        rows={rows}
        columns={columns}
        rowKey={(t) => t.position_id}
        rowTestId={(t) => `trade-row-${t.position_id}`}
        testId="trades-grid"
        emptyText={<><strong>No closed trades yet</strong>Closed positions of this session’s tasks, newest first.</>}
      />
      {count > 0 && (
        <div className="grid-foot" data-testid="trades-total" data-count={count} data-net={Math.round(net * 100) / 100} data-shown={rows.length}>
          {rows.length < count && (
            <span className="dim" data-testid="trades-capped">
              showing the latest {formatCount(rows.length)} of {formatCount(count)} ·{' '}
            </span>
          )}
          {formatCount(count)} trades · net <span className={pnlClass(net)}>{formatPnl(net)}</span>
        </div>
      )}
    </>
  );
}

export function EventsGrid() {
  const rows = useTradingStore((s) => s.events);
  const columns = useMemo<Column<EventView>[]>(
    () => [
      { key: 'time', title: 'Time (UTC)', width: '132px', sortValue: (e) => e.time, render: (e) => <span className="dim">{formatUtc(e.time)}</span> },
      { key: 'severity', title: 'Level', width: '64px', sortValue: (e) => e.severity, render: (e) => <span className={`sev ${e.severity}`}>{e.severity}</span> },
      { key: 'type', title: 'Event', width: '112px', sortValue: (e) => e.type, render: (e) => e.type },
      { key: 'task', title: 'Task', width: '44px', align: 'right', sortValue: (e) => e.task_id, render: (e) => e.task_id ?? '' },
      { key: 'code', title: 'Code', width: '130px', sortValue: (e) => e.code, render: (e) => <span className="mono dim">{e.code ?? ''}</span> },
      { key: 'message', title: 'Message', width: 'minmax(200px, 1fr)', render: (e) => <span title={e.message}>{e.message}</span> },
    ],
    [],
  );
  return (
    <DataGrid
      rows={rows}
      columns={columns}
      rowKey={(e) => String(e.id)}
      testId="events-grid"
      emptyText={<><strong>No engine events yet</strong>Fills, closes, risk breaches and task changes are listed here.</>}
    />
  );
}
