import { describe, expect, it } from 'vitest';
import { loadCandles } from '../../../test/kit/candles';
import { createSqliteCandleStore } from '../../adapters/persistence/sqlite/candle-store';
import { openDatabase } from '../../adapters/persistence/sqlite/database';
import { createBacktestInput } from '../../shared/contract/backtest';
import { CandleCache } from '../backtest/candle-cache';
import { isShared } from '../backtest/shared-series';
import { builtinStrategies, findStrategy } from '../strategies/registry';
import { parameterAxes, prepareRun } from './prepare';

const strategies = { find: findStrategy, all: () => builtinStrategies };

function cacheWithGold() {
  const store = createSqliteCandleStore(openDatabase(':memory:'));
  const bars = loadCandles('XAUUSD_H1_2018-04-01_2020-12-31.csv.gz');
  const n = bars.time.findIndex((t) => t >= Date.UTC(2019, 6, 1));
  store.write('XAUUSD', '1H', { ...bars, length: n });
  return new CandleCache(store);
}

const request = (extra: Record<string, unknown> = {}) =>
  createBacktestInput.parse({ name: 'x', symbols: ['XAUUSD'], timeframe: '1h', start_date: '2019-01-01', end_date: '2019-06-01', strategy: 'simple_ma', initial_capital: 10_000, position_size: 1000, ...extra });

describe('a research request → one backtest job over shared candles', () => {
  it('covers the dates with warm-up before them, on SharedArrayBuffer columns (shared with the workers, not copied)', async () => {
    const prepared = await prepareRun(request({ warm_up_bars: 100 }), cacheWithGold(), strategies);
    const sleeve = prepared.job.sleeves[0]!;
    expect(isShared(sleeve.series)).toBe(true);
    expect(sleeve.series.time[sleeve.from]!).toBeGreaterThanOrEqual(Date.UTC(2019, 0, 1));
    expect(sleeve.series.time[sleeve.from - 1]!).toBeLessThan(Date.UTC(2019, 0, 1));
    expect(sleeve.from - sleeve.warmFrom).toBe(100);
    expect(sleeve.series.time[sleeve.to - 1]!).toBeLessThan(Date.UTC(2019, 5, 1));
    expect(prepared.job).toMatchObject({ strategy: 'simple_ma', capital: 10_000, collectTrades: false, policy: { sizing: 'fixed_cash', value: 1000 } });
    expect(prepared.config.fast_period).toBe(10);
  });

  it("refuses with the backtest API's messages: unknown strategy, bad params, no data", async () => {
    const cache = cacheWithGold();
    await expect(prepareRun(request({ strategy: 'nope' }), cache, strategies)).rejects.toThrow(/Unknown strategy "nope"/);
    await expect(prepareRun(request({ strategy_params: { fast_period: -1 } }), cache, strategies)).rejects.toThrow(/fast_period must be at least 1/);
    await expect(prepareRun(request({ symbols: ['EURUSD'] }), cache, strategies)).rejects.toThrow(/Insufficient historical data: no EURUSD candles are stored/);
    await expect(prepareRun(request({ end_date: '2020-06-01' }), cache, strategies)).rejects.toThrow(/Insufficient historical data for XAUUSD/);
  });

  it('checks every value of parameter_ranges against the parameter table', () => {
    const simpleMa = findStrategy('simple_ma')!;
    expect(parameterAxes(simpleMa, { fast_period: [5, 10], use_ema: [true, false] })).toEqual([
      { key: 'fast_period', values: [5, 10] },
      { key: 'use_ema', values: [true, false] },
    ]);
    expect(() => parameterAxes(simpleMa, { fast: [5] })).toThrow(/"fast" is not a parameter of simple_ma/);
    expect(() => parameterAxes(simpleMa, { fast_period: [5, 2.5] })).toThrow(/2.5: fast_period must be a whole number/);
    expect(() => parameterAxes(simpleMa, { use_ema: [1] })).toThrow(/use_ema must be true or false/);
  });
});
