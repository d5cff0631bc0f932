import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocateSeries, type CandleSeries } from '../src/core/domain/candles';
import { builtinInstrument } from '../src/core/domain/instruments';
import { runSleeve } from '../src/core/backtest/engine';
import { DEFAULT_ORDER_POLICY } from '../src/core/engine/order-policy';
import { DEFAULT_EXECUTION_MODEL } from '../src/core/engine/simulated-exchange';
import { ZScore } from '../src/core/indicators/index';
import { resolveConfig } from '../src/core/strategies/params';
import { findStrategy } from '../src/core/strategies/registry';
import { loadCandles } from '../test/kit/candles';
import type { Bench } from './run';

/**
 * gold_buy_dip through the real engine (strategy runner, risk checks, simulated exchange) on a million M1 gold bars,
 * side by side with the bare indicator work the strategy cannot avoid (a z-score over the same closes): the ratio says
 * what the engine costs on top of the arithmetic. Plus the live path (one SQLite transaction per bar) on a slice.
 */
const TARGET_BARS = 1_000_000;

/** Real XAUUSD M1 bars repeated, each copy shifted by whole weeks so time keeps increasing. */
function millionGoldBars(): CandleSeries {
  const source = loadCandles('XAUUSD_M1_2024-08_2024-10.csv');
  const out = allocateSeries(TARGET_BARS);
  const span = (source.time[source.length - 1] as number) - (source.time[0] as number);
  const week = 7 * 86_400_000;
  const shiftPerCopy = Math.ceil((span + week) / week) * week;
  for (let i = 0; i < TARGET_BARS; i++) {
    const k = i % source.length;
    const copy = Math.floor(i / source.length);
    out.time[i] = (source.time[k] as number) + copy * shiftPerCopy;
    out.open[i] = source.open[k] as number;
    out.high[i] = source.high[k] as number;
    out.low[i] = source.low[k] as number;
    out.close[i] = source.close[k] as number;
    out.volume[i] = source.volume[k] as number;
  }
  return out;
}

function timed<T>(work: () => T): { ms: number; result: T } {
  const start = process.hrtime.bigint();
  const result = work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

const bench: Bench = async (report) => {
  const bars = millionGoldBars();
  const instrument = builtinInstrument('XAUUSD')!;
  const definition = findStrategy('gold_buy_dip')!;
  const { config } = resolveConfig(definition, { lot_size: 0.01, percentage_threshold: 0.3, zscore_threshold_buy: -2, zscore_threshold_sell: 2, use_take_profit_percent: true, take_profit_percent: 0.2, grid_spacing_percent: 0.2 });
  // The production backtester (what a backtest request runs), trades not collected: the summary path.
  const run = () =>
    runSleeve(bars, {
      instrument, definition, config, capital: 10_000, model: DEFAULT_EXECUTION_MODEL, policy: DEFAULT_ORDER_POLICY,
      warmFrom: 0, from: 0, to: bars.length, collectTrades: false,
    });
  const reference = () => {
    const z = new ZScore(20);
    let last = 0;
    for (let i = 0; i < bars.length; i++) last = z.update(bars.close[i] as number) ?? last;
    return last;
  };
  run();
  reference();
  const engine = [timed(run), timed(run), timed(run)].sort((a, b) => a.ms - b.ms)[1]!;
  const bare = [timed(reference), timed(reference), timed(reference)].sort((a, b) => a.ms - b.ms)[1]!;
  const engineRate = TARGET_BARS / (engine.ms / 1000);
  const bareRate = TARGET_BARS / (bare.ms / 1000);
  report({
    bench: 'engine.gold_buy_dip_1m_bars',
    value: Math.round(engineRate),
    unit: 'bars/s',
    ratio: { zscore_only: Number((engineRate / bareRate).toFixed(3)) },
    trades: engine.result.tradeCount,
  });

  // The live path: kernel → task actor → paper broker, one database transaction per bar, on a replayed slice.
  const { createAppContext } = await import('../src/server/app-context');
  const { createSqliteCandleStore } = await import('../src/adapters/persistence/sqlite/candle-store');
  const pino = (await import('pino')).default;
  const dir = mkdtempSync(join(tmpdir(), 'echo-bench-'));
  const LIVE_BARS = 60_000;
  try {
    const context = createAppContext({ dataDir: dir, version: 'bench', logger: pino({ level: 'silent' }), feedBarsPerSecond: 1e9 });
    const slice = allocateSeries(LIVE_BARS);
    for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) slice[f].set(bars[f].subarray(0, LIVE_BARS));
    createSqliteCandleStore(context.db).write('XAUUSD', '1M', slice);
    const session = await context.handlers['session.create']({ user_id: 'bench' });
    const started = await context.handlers['trading.start']({ session_id: session.session_id, pair: 'XAUUSD', timeframe: '1M', strategy_name: 'gold_buy_dip', config });
    const taskId = started.task.task_id;
    const t0 = process.hrtime.bigint();
    const lastTime = slice.time[LIVE_BARS - 1] as number;
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (context.kernel.actorOf(taskId)?.lastBar?.time === lastTime) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    const liveMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const processed = LIVE_BARS - 300; // the first 300 bars are warm-up history
    const liveRate = processed / (liveMs / 1000);
    report({ bench: 'engine.live_paper_bars', value: Math.round(liveRate), unit: 'bars/s', ratio: { backtest_path: Number((liveRate / engineRate).toFixed(4)) } });
    context.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export default bench;
