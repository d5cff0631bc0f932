import { memo } from 'react';
import { digitsFor, formatChangePct, formatPrice } from '../../lib/trading-format';
import { useChartStore } from '../../stores/chart-store';
import { useMarketWatchStore, type Quote } from '../../stores/market-watch-store';
import { useTradingStore } from '../../stores/trading-store';
import { Panel } from '../common/Panel';
import { showSymbolOnChart } from '../../stores/chart-context';

const GROUP_TITLES: Record<string, string> = { forex: 'Forex', metal: 'Metals', metals: 'Metals', crypto: 'Crypto', stock: 'Stocks', stocks: 'Stocks', index: 'Indices' };

/** Every tradable pair with its last price and day change on the chart's timeframe, and where prices come from. */
export function MarketWatch() {
  const groups = useTradingStore((s) => s.groups);
  const digits = useTradingStore((s) => s.digits);
  const tasks = useTradingStore((s) => s.tasks);
  const quotes = useMarketWatchStore((s) => s.quotes);
  const timeframe = useMarketWatchStore((s) => s.timeframe);
  const ctx = useChartStore((s) => s.ctx);
  const anySimulated = Object.values(quotes).some((q) => q.simulated);
  // Per-row tags only when sources are mixed; when all are simulated the header badge says so for every row.
  const mixed = anySimulated && Object.values(quotes).some((q) => !q.simulated);
  const live = new Set(tasks.filter((t) => t.status.startsWith('running')).map((t) => t.pair));

  return (
    <Panel
      title="Market watch"
      testId="market-watch"
      className="trade-watch"
      aside={
        <span className="watch-aside">
          <span className="dim">{timeframe}</span>
          {anySimulated && (
            <span className="feed-badge sim compact" title="Some or all prices here are SIMULATED: a seeded random market, not real quotes">
              SIMULATED
            </span>
          )}
        </span>
      }
    >
      <table className="watch">
        <thead>
          <tr>
            <th>Symbol</th>
            <th className="num">Last</th>
            <th className="num" title="Change on the day (UTC), against the previous day's last close">
              Day
            </th>
          </tr>
        </thead>
        {Object.entries(groups).map(([group, symbols]) => (
          <tbody key={group}>
            <tr className="watch-group">
              <td colSpan={3}>{GROUP_TITLES[group] ?? group}</td>
            </tr>
            {symbols.map((symbol) => (
              <WatchRow
                key={symbol}
                symbol={symbol}
                quote={quotes[symbol]}
                digits={digitsFor(symbol, digits)}
                selected={ctx?.symbol === symbol}
                live={live.has(symbol)}
                timeframe={ctx?.timeframe ?? timeframe}
                tagSimulated={mixed}
              />
            ))}
          </tbody>
        ))}
      </table>
    </Panel>
  );
}

interface WatchRowProps {
  symbol: string;
  quote: Quote | undefined;
  digits: number;
  selected: boolean;
  live: boolean;
  timeframe: string;
  tagSimulated: boolean;
}

const WatchRow = memo(function WatchRow({ symbol, quote, digits, selected, live, timeframe, tagSimulated }: WatchRowProps) {
  const tick = quote?.last != null && quote.previous != null ? Math.sign(quote.last - quote.previous) : 0;
  const pct = quote?.changePct ?? null;
  return (
    <tr
      className={`watch-row${selected ? ' selected' : ''}`}
      data-testid={`watch-${symbol}`}
      onClick={() => showSymbolOnChart(symbol, timeframe)}
      title={quote ? `${symbol}: ${quote.simulated ? 'SIMULATED prices' : quote.source}` : symbol}
    >
      <td>
        <span className={`live-dot${live ? ' on' : ''}`} title={live ? 'A running task trades it' : undefined} />
        <span className="watch-symbol">{symbol}</span>
        {tagSimulated && quote?.simulated && <span className="sim-tag">SIM</span>}
      </td>
      <td className={`num mono ${tick > 0 ? 'up' : tick < 0 ? 'down' : ''}`}>{formatPrice(quote?.last, digits)}</td>
      <td className={`num mono ${pct === null ? 'dim' : pct > 0 ? 'up' : pct < 0 ? 'down' : ''}`}>{formatChangePct(pct)}</td>
    </tr>
  );
});
