import { useMemo } from 'react';
import { formatStat, guessDigits, type BacktestTrade } from '../../lib/research-stats';
import { useResearchStore } from '../../stores/research-store';
import { DataGrid, type Column } from '../trading/DataGrid';

const tone = (v: number) => (v > 0 ? 'up' : v < 0 ? 'down' : '');
/** "2025-05-16T00:02:00Z" → "05-16 00:02": the run's range gives the year; narrow enough for every column to fit. */
const when = (iso: string) => iso.slice(5, 16).replace('T', ' ');
/** Fixed decimals per price size, so a column of prices lines up (3223.20, not 3223.2). */
const px = (v: number | null) => (v === null ? '—' : v.toFixed(guessDigits(v)));

const COLUMNS: readonly Column<BacktestTrade>[] = [
  { key: 'id', title: '#', width: '44px', align: 'right', sortValue: (t) => t.trade_id, render: (t) => t.trade_id },
  { key: 'symbol', title: 'Symbol', width: '66px', sortValue: (t) => t.symbol, render: (t) => t.symbol },
  { key: 'side', title: 'Side', width: '58px', sortValue: (t) => t.direction, render: (t) => (t.direction === 'LONG' ? 'Long' : 'Short'), cellClass: (t) => (t.direction === 'LONG' ? 'up' : 'down') },
  { key: 'entry_time', title: 'Entry (UTC)', width: '86px', sortValue: (t) => t.entry_time, render: (t) => when(t.entry_time) },
  { key: 'entry_price', title: 'Entry', width: '82px', align: 'right', help: 'fill price, spread and slippage included', render: (t) => px(t.entry_price) },
  { key: 'exit_time', title: 'Exit (UTC)', width: '86px', sortValue: (t) => t.exit_time, render: (t) => when(t.exit_time) },
  { key: 'exit_price', title: 'Exit', width: '82px', align: 'right', render: (t) => px(t.exit_price) },
  { key: 'lots', title: 'Lots', width: '46px', align: 'right', sortValue: (t) => t.lots, render: (t) => t.lots.toFixed(2) },
  { key: 'sl', title: 'SL', width: '70px', align: 'right', help: 'the stop in force when the trade closed', render: (t) => px(t.stop_loss) },
  { key: 'tp', title: 'TP', width: '70px', align: 'right', help: 'the take-profit in force when the trade closed', render: (t) => px(t.take_profit) },
  { key: 'pnl', title: 'Net P&L', width: '88px', align: 'right', help: 'net of both commissions, USD', sortValue: (t) => t.pnl, render: (t) => formatStat(t.pnl, 'usd'), cellClass: (t) => tone(t.pnl) },
  { key: 'pnl_pct', title: 'P&L %', width: '64px', align: 'right', sortValue: (t) => t.pnl_percent, render: (t) => `${t.pnl_percent.toFixed(2)}%`, cellClass: (t) => tone(t.pnl) },
  { key: 'fees', title: 'Fees', width: '52px', align: 'right', sortValue: (t) => t.fees, render: (t) => t.fees.toFixed(2) },
  { key: 'dur', title: 'Duration', width: '64px', align: 'right', sortValue: (t) => t.duration_hours, render: (t) => formatStat(t.duration_hours, 'hours') },
  { key: 'reason', title: 'Exit reason', width: 'minmax(96px, 1fr)', sortValue: (t) => t.exit_reason, render: (t) => t.exit_reason },
];

/** Every closed trade of the run; clicking one shows it on the price chart. */
export function TradesGrid({ trades, multiSymbol }: { trades: readonly BacktestTrade[]; multiSymbol: boolean }) {
  const columns = useMemo(() => (multiSymbol ? COLUMNS : COLUMNS.filter((c) => c.key !== 'symbol')), [multiSymbol]);
  const focusTrade = useResearchStore((s) => s.focusTrade);
  const focused = useResearchStore((s) => s.focusTradeId);
  const rows = useMemo(() => [...trades], [trades]);
  return (
    <DataGrid
      rows={rows}
      columns={columns}
      rowKey={(t) => String(t.trade_id)}
      rowTestId={(t) => `trade-row-${t.trade_id}`}
      testId="trades-grid"
      emptyText="No trades: the strategy never entered in this range."
      selectedKey={focused === null ? null : String(focused)}
      onRowClick={(t) => focusTrade(t.trade_id)}
    />
  );
}
