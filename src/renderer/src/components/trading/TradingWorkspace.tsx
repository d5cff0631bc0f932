import { useTradingLive } from '../../stores/use-trading-live';
import { ChartPanel } from './ChartPanel';
import { LivePanel } from './LivePanel';
import { MarketWatch } from './MarketWatch';
import { SessionBar } from './SessionBar';
import { StartTaskForm } from './StartTaskForm';
import './trading.css';

/**
 * The trading workspace: session bar on top; market watch, chart and the new-task ticket; underneath, the tabbed
 * live grids (tasks, positions, order journal, trades, engine events), like a terminal's toolbox.
 */
export function TradingWorkspace() {
  useTradingLive();
  return (
    <div className="trade">
      <SessionBar />
      <div className="trade-grid">
        <MarketWatch />
        <ChartPanel />
        <StartTaskForm />
        <LivePanel />
      </div>
    </div>
  );
}
