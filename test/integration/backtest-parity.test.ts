import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteCandleStore } from '../../src/adapters/persistence/sqlite/candle-store';
import { runSleeve } from '../../src/core/backtest/engine';
import { allocateSeries, type CandleSeries } from '../../src/core/domain/candles';
import { builtinInstrument } from '../../src/core/domain/instruments';
import { DEFAULT_ORDER_POLICY } from '../../src/core/engine/order-policy';
import { DEFAULT_EXECUTION_MODEL } from '../../src/core/engine/simulated-exchange';
import { resolveConfig } from '../../src/core/strategies/params';
import { findStrategy } from '../../src/core/strategies/registry';
import { createAppContext, type AppContext } from '../../src/server/app-context';
import { invokeProcedure } from '../../src/shared/contract/invoke';
import { loadCandles } from '../kit/candles';

/**
 * Backtester ⇄ live engine: real candles are imported into a data directory's candle store; tasks are started
 * through the kernel on the paper broker, whose offline feed REPLAYS those stored candles (as fast as it can);
 * when the replay has delivered the last bar, each task's closed trades must equal, trade for trade, what the
 * backtester produces over the same bars with the same warm-up (the live task's first 300 bars are its warm-up
 * history). Positions still open at the end are left open live and closed (END_OF_DATA) by the backtester; those
 * are the only trades the backtester may have in addition.
 */

const WARM_UP = 300;
const BARS = 2_500;

const STRATEGIES = [
  { name: 'simple_ma', config: { lot_size: 0.1, fast_period: 8, slow_period: 21, take_profit_pips: 40, stop_loss_pips: 25 } },
  { name: 'gold_buy_dip', config: { lot_size: 0.02, percentage_threshold: 0.15, zscore_threshold_buy: -1.5, zscore_threshold_sell: 1.5, lookback_candles: 20, zscore_period: 20, take_profit_percent: 0.1, grid_spacing_percent: 0.1, max_grid_trades: 3 } },
  { name: 'confluence', config: { min_confidence: 0.7, lot_size: 0.05, sl_atr_multiplier: 2, tp_atr_multiplier: 3 } },
] as const;

let context: AppContext;
let bars: CandleSeries;
const dataDir = mkdtempSync(join(tmpdir(), 'echo-parity-'));

const call = async (name: string, input: unknown) => {
  const result = await invokeProcedure(context.handlers, name, input, (error) => {
    throw error;
  });
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.data as any;
};

beforeAll(() => {
  const source = loadCandles('XAUUSD_M1_2024-08-01_2024-10-11.csv.gz');
  bars = allocateSeries(BARS);
  for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) bars[f].set(source[f].subarray(0, BARS));
  context = createAppContext({ dataDir, version: 'test', logger: pino({ level: 'silent' }), feedBarsPerSecond: 1_000_000 });
  createSqliteCandleStore(context.db).write('XAUUSD', '1M', bars);
});
afterAll(() => {
  context?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the same strategy through the backtester and through the live engine on the paper broker', () => {
  it('gives the same trades over the same replayed candles', async () => {
    const session = await call('session.create', { user_id: 'parity_trader' });
    const tasks: { name: string; id: number; config: Record<string, number | boolean> }[] = [];
    for (const s of STRATEGIES) {
      const started = await call('trading.start', { session_id: session.session_id, pair: 'XAUUSD', timeframe: '1M', strategy_name: s.name, config: s.config });
      expect(started.task.feed_source ?? 'replay').toBe('replay');
      tasks.push({ name: s.name, id: started.task.task_id, config: started.task.config });
    }
    const lastTime = new Date(bars.time[BARS - 1] as number).toISOString();
    const deadline = Date.now() + 45_000;
    for (;;) {
      const { tasks: live } = await call('trading.tasks', { session_id: session.session_id });
      if (live.every((t: { last_bar_time: string | null }) => t.last_bar_time === lastTime)) break;
      if (Date.now() > deadline) throw new Error(`replay did not finish: ${JSON.stringify(live.map((t: { last_bar_time: string | null }) => t.last_bar_time))}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const instrument = builtinInstrument('XAUUSD')!;
    for (const task of tasks) {
      const definition = findStrategy(task.name)!;
      const backtest = runSleeve(bars, {
        instrument, definition, config: resolveConfig(definition, task.config).config, capital: 10_000,
        model: DEFAULT_EXECUTION_MODEL, policy: DEFAULT_ORDER_POLICY, warmFrom: 0, from: WARM_UP, to: BARS, magic: 0,
      });
      const live = (await call('trading.trades', { task_id: task.id, limit: 10_000 })).trades.slice().reverse();
      const closed = backtest.trades.filter((t) => t.exitReason !== 'end_of_data');
      expect(closed.length, `${task.name}: trades`).toBeGreaterThan(2);
      expect(live.length, `${task.name}: live trades`).toBe(closed.length);
      const shape = (t: { side: string; lots: number; entryPrice: number; entryTime: number; exitPrice: number; exitTime: number; exitReason: string; pnl: number }) => ({
        side: t.side, lots: t.lots, entry_price: t.entryPrice, entry_time: new Date(t.entryTime).toISOString(),
        exit_price: t.exitPrice, exit_time: new Date(t.exitTime).toISOString(), exit_reason: t.exitReason, pnl: Number(t.pnl.toFixed(6)),
      });
      const liveShape = live.map((t: any) => ({
        side: t.side, lots: t.lots, entry_price: t.entry_price, entry_time: t.entry_time,
        exit_price: t.exit_price, exit_time: t.exit_time, exit_reason: t.exit_reason, pnl: Number(Number(t.pnl).toFixed(6)),
      }));
      // Live positions are sorted by exit; the backtester's by exit too (trades close in time order).
      expect(liveShape, task.name).toEqual(closed.map(shape));
    }
  }, 60_000);
});
